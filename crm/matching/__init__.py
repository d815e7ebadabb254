"""Finding carers for a child: households ranked by how they fit, offers and answers."""

from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("matching", __name__, url_prefix="/matching")
restrict_blueprint(bp, Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)

from crm.matching import views  # noqa: E402,F401

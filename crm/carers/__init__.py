from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("carers", __name__, url_prefix="/households")
restrict_blueprint(bp, Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)

from crm.carers import views  # noqa: E402,F401

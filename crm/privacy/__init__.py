from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("privacy", __name__, url_prefix="/privacy")
restrict_blueprint(bp, Role.ADMINISTRATOR)

from crm.privacy import views  # noqa: E402,F401

from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")
restrict_blueprint(bp, Role.ADMINISTRATOR)

from crm.admin import views  # noqa: E402,F401

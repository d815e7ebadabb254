from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("api", __name__, url_prefix="/api")
restrict_blueprint(bp, Role.MANAGER)

from crm.api import views  # noqa: E402,F401

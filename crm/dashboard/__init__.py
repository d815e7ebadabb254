from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
restrict_blueprint(bp, Role.MANAGER)

from crm.dashboard import compliance, kinship, views  # noqa: E402,F401

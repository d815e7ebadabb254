"""Managers upload a council's spreadsheets; the importing itself is crm.imports."""

from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("uploads", __name__, url_prefix="/imports")
restrict_blueprint(bp, Role.MANAGER)

from crm.uploads import views  # noqa: E402,F401

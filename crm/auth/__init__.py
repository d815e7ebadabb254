from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from crm.auth import sso_views, two_step_views, views  # noqa: E402, F401

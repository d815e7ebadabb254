from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from crm.auth import two_factor, views  # noqa: E402,F401

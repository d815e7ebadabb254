from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from crm.auth import single_sign_on, two_factor, views  # noqa: E402,F401

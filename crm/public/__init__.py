from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/foster-with-us")

from crm.public import views  # noqa: E402,F401

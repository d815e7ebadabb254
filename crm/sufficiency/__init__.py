"""Placement sufficiency for managers: the children the council fosters beside the places
its own carers offer."""

from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("sufficiency", __name__, url_prefix="/sufficiency")
restrict_blueprint(bp, Role.MANAGER)

from crm.sufficiency import views  # noqa: E402,F401

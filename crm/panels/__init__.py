"""The fostering panel (Fostering Services (England) Regulations 2011, regs 23-25; NMS
14): the central list of members, the sittings with their agenda, attendance and
quorum, the panel's recommendations, the final minutes and the agency decision.

Managers run the panel's business and record the decision (the panel adviser and the
agency decision maker sit in the management of a service). Panel members are not Hearth
users: they do not sign in (a read-only pack for a sitting may come later)."""

from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("panels", __name__, url_prefix="/panels")
restrict_blueprint(bp, Role.MANAGER)

from crm.panels import views  # noqa: E402,F401

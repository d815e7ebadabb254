"""Visits and meetings booked ahead on a case or a household: the booking form, the
calendar invitation, and recording one as done (crm.domain.bookings holds the rules)."""

from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("bookings", __name__, url_prefix="/bookings")
restrict_blueprint(bp, Role.RECRUITMENT_OFFICER, Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)

from crm.bookings import views  # noqa: E402,F401

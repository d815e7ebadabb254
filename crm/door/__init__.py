"""The applicant's own door (issue 35): people outside the council sign in with a
one-time link sent to the email the service holds for their case, and see and fill in
their own application. Entirely apart from staff accounts: crm/door/session.py."""

from flask import Blueprint

bp = Blueprint("door", __name__, url_prefix="/your-application")
staff_bp = Blueprint("door_staff", __name__, url_prefix="/cases")

from crm.door import staff, views  # noqa: E402,F401

"""Qualifying determinations (a proposed refusal, termination or change of terms, regs
27-29) from the notice to the final decision, and reviews of approval (reg 28).

A blueprint of its own rather than inside cases and households: one determination's
page serves both a case (a refusal) and a household (a termination or change of
terms), with the same steps, and the reviews that start most of them live beside it.
The rules are in crm/domain/determinations.py, the clocks in crm/clocks/registry.py."""

from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("determinations", __name__, url_prefix="/determinations")
restrict_blueprint(bp, Role.RECRUITMENT_OFFICER, Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)

from crm.determinations import views  # noqa: E402,F401

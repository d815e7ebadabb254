from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("cases", __name__, url_prefix="/cases")
restrict_blueprint(bp, Role.RECRUITMENT_OFFICER, Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)

from crm.cases import (  # noqa: E402,F401
    characteristics,
    corrections,
    decisions,
    kinship,
    offer,
    orders,
    records,
    views,
)

from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("households", __name__, url_prefix="/households")
restrict_blueprint(bp, Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)

from crm.households import (  # noqa: E402,F401
    characteristics,
    corrections,
    preferences,
    records,
    resignations,
    views,
)

"""Documents on a case or a household, and the council's decision letters."""

from flask import Blueprint

from crm.auth.access import restrict_blueprint
from crm.models import Role

bp = Blueprint("documents", __name__, url_prefix="/documents")
restrict_blueprint(bp, Role.RECRUITMENT_OFFICER, Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)

from crm.documents import helpers, letters, views  # noqa: E402,F401

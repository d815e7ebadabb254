from flask import redirect, url_for
from flask_login import current_user

from crm.auth.access import allow
from crm.main import bp
from crm.models import Role

# Where each role starts its day, most specific first for users with several roles.
HOME_BY_ROLE = (
    (Role.MANAGER, "dashboard.index"),
    (Role.RECRUITMENT_OFFICER, "enquiries.my_cases"),
    (Role.SUPERVISING_SOCIAL_WORKER, "carers.caseload"),
    (Role.ADMINISTRATOR, "admin.users"),
)


@bp.route("/")
@allow(*Role)
def home():
    for role, endpoint in HOME_BY_ROLE:
        if current_user.has_role(role):
            return redirect(url_for(endpoint))
    return redirect(url_for("auth.login"))

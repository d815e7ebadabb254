import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from crm.auth.access import allow
from crm.extensions import db
from crm.main import bp
from crm.models import Notification, Role
from crm.pagination import paginate
from crm.queries.notifications import shown_to
from crm.timeutil import utcnow

# Where each role starts its day, most specific first for users with several roles.
HOME_BY_ROLE = (
    (Role.MANAGER, "dashboard.index"),
    (Role.RECRUITMENT_OFFICER, "cases.my_cases"),
    (Role.SUPERVISING_SOCIAL_WORKER, "households.caseload"),
    (Role.ADMINISTRATOR, "admin.users"),
)


@bp.route("/")
@allow(*Role)
def home():
    for role, endpoint in HOME_BY_ROLE:
        if current_user.has_role(role):
            return redirect(url_for(endpoint))
    return redirect(url_for("auth.login"))


@bp.route("/notifications")
@allow(*Role)
def notifications():
    query = (
        sa.select(Notification)
        .where(shown_to(current_user))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return render_template("main/notifications.html", pagination=paginate(query))


@bp.route("/notifications/read", methods=["POST"])
@allow(*Role)
def mark_notifications_read():
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    flash("All notifications marked as read.", "success")
    return redirect(url_for("main.notifications"))

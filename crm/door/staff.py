"""The officer's side of the applicant's door, on the case: what the applicant has
filled in (complete and missing), and replying to their messages."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.auth.access import restrict_blueprint
from crm.cases.records import get_case_or_404
from crm.domain.door import TEXT_MAX
from crm.door import services, staff_bp
from crm.extensions import db
from crm.models import Role

restrict_blueprint(staff_bp, Role.RECRUITMENT_OFFICER, Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)


@staff_bp.route("/<int:case_id>/application")
def application(case_id: int):
    """Every section the applicant filled in on their page, answer by answer, and the
    messages between them and the service."""
    return _page(get_case_or_404(case_id))


def _page(case, body: str = "", error: str | None = None):
    return render_template(
        "door/staff_application.html", case=case, rows=services.task_list(case.id),
        messages=services.messages(case.id), body=body, error=error,
    ), (400 if error else 200)  # fmt: skip


@staff_bp.route("/<int:case_id>/applicant-messages", methods=["POST"])
def reply(case_id: int):
    """An officer's reply to the applicant, shown on their page and the case's."""
    case = get_case_or_404(case_id)
    body = (request.form.get("body") or "").strip()
    if not body or len(body) > TEXT_MAX:
        return _page(case, body, f"Write a reply of 1 to {TEXT_MAX:,} characters")
    services.write_message(case, body, current_user)
    db.session.commit()
    flash("Reply sent: the applicant sees it on their page.", "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="applicant-door"))

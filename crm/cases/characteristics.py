"""Applicants' characteristics: special category data on a page of its own, for managers
and the case's assessing worker only, every opening audited. On approval they become
the carers' (Household.approved_from)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from crm.cases import bp
from crm.cases.records import get_case_or_404
from crm.extensions import db
from crm.households.characteristics import record_opened
from crm.households.forms import CharacteristicsForm
from crm.models import Case, HouseholdMember, Role


def _case_for_characteristics(case_id: int) -> Case:
    """Managers, and the social worker assessing the case (Form F gathers these)."""
    case = get_case_or_404(case_id)
    if not (current_user.has_role(Role.MANAGER) or case.assessing_worker_id == current_user.id):
        abort(403)
    return case


@bp.route("/<int:case_id>/characteristics")
def applicant_characteristics(case_id: int):
    case = _case_for_characteristics(case_id)
    applicants = [m for m in case.members if m.is_applicant]
    record_opened(*applicants)
    return render_template("cases/characteristics.html", case=case, applicants=applicants)


@bp.route("/<int:case_id>/characteristics/<int:member_id>", methods=["GET", "POST"])
def edit_applicant_characteristics(case_id: int, member_id: int):
    case = _case_for_characteristics(case_id)
    member = db.session.get(HouseholdMember, member_id)
    if member is None or member.case_id != case.id or not member.is_applicant:
        abort(404)
    form = CharacteristicsForm.of(member)
    if form.validate_on_submit():
        form.apply_to(member)
        db.session.commit()
        flash(f"{member.full_name}'s characteristics saved.", "success")
        return redirect(url_for("cases.applicant_characteristics", case_id=case.id))
    record_opened(member)
    return render_template(
        "cases/case_form.html",
        case=case,
        form=form,
        heading=f"Characteristics: {member.full_name}",
    )

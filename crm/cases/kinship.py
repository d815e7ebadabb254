"""A connected person's temporary approval (reg 24) on the case page: record it, the
named child's move, and its one extension by a nominated officer (reg 25)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from crm.cases import bp
from crm.cases.forms import ExtensionForm, PlacedForm, TemporaryApprovalForm
from crm.cases.records import get_case_or_404
from crm.domain.kinship import KinshipRuleError, check_placed, check_temporary_approval
from crm.extensions import db
from crm.formatting import uk_date
from crm.models import TemporaryApproval
from crm.timeutil import today


def _refused(form, refused: KinshipRuleError) -> None:
    """Put a refusal on the field it is about (or the form's first field)."""
    field = form[refused.field] if refused.field in form else next(iter(form))
    field.errors = [*field.errors, str(refused)]


@bp.route("/<int:case_id>/temporary-approval", methods=["GET", "POST"])
def temporary_approval(case_id: int):
    case = get_case_or_404(case_id)
    form = TemporaryApprovalForm()
    if form.validate_on_submit():
        try:
            record_temporary_approval(case, form)
        except KinshipRuleError as refused:
            _refused(form, refused)
        else:
            db.session.commit()
            expires = case.temporary_approval.expires_on
            flash(f"Temporary approval recorded; it expires on {uk_date(expires)}.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/kinship.html", case=case, form=form, title="Temporary approval")


def record_temporary_approval(case, form: TemporaryApprovalForm) -> TemporaryApproval:
    """Check by the reg 24 rules and add it to the case. Does not commit."""
    as_of = today()
    check_temporary_approval(
        case.state(),
        case.carer_type,
        case.temporary_approval,
        case.enquiry_date,
        form.approved_on.data,
        as_of,
    )
    temporary = TemporaryApproval(
        child_reference=form.child_reference.data.strip(),
        approved_on=form.approved_on.data,
        recorded_by=current_user,
    )
    if form.placed_on.data:
        check_placed(temporary, form.placed_on.data, as_of)
        temporary.placed_on = form.placed_on.data
    case.temporary_approval = temporary
    return temporary


@bp.route("/<int:case_id>/temporary-approval/extension", methods=["GET", "POST"])
def extend_temporary_approval(case_id: int):
    case = get_case_or_404(case_id)
    temporary = case.temporary_approval
    if temporary is None:
        flash("Record the temporary approval first.", "warning")
        return redirect(url_for("cases.show", case_id=case.id))
    form = ExtensionForm()
    if form.validate_on_submit():
        try:
            temporary.extend(
                form.extended_until.data,
                form.nominated_officer.data,
                form.decided_on.data,
                today(),
            )
        except KinshipRuleError as refused:
            _refused(form, refused)
        else:
            db.session.commit()
            flash(f"Extended to {uk_date(temporary.extended_until)}.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "cases/kinship.html", case=case, form=form, title="Extend the temporary approval"
    )


@bp.route("/<int:case_id>/temporary-approval/placed", methods=["GET", "POST"])
def child_placed(case_id: int):
    case = get_case_or_404(case_id)
    temporary = case.temporary_approval
    if temporary is None:
        flash("Record the temporary approval first.", "warning")
        return redirect(url_for("cases.show", case_id=case.id))
    form = PlacedForm()
    if form.validate_on_submit():
        try:
            temporary.place_child(form.placed_on.data, today())
        except KinshipRuleError as refused:
            _refused(form, refused)
        else:
            db.session.commit()
            flash(f"The child moved in on {uk_date(temporary.placed_on)}.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/kinship.html", case=case, form=form, title="The child moved in")

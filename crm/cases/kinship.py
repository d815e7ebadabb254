"""A connected person's case: the child's social worker's referral that opens it, the
viability assessment, the temporary approval (reg 24), the named child's move, and its
one extension by a nominated officer (reg 25)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from crm import create_once
from crm.cases import bp
from crm.cases.forms import (
    ExtensionForm,
    IrmForm,
    LapseForm,
    PlacedForm,
    ReferralForm,
    TemporaryApprovalForm,
    ViabilityForm,
)
from crm.cases.records import get_case_or_404
from crm.cases.services import NewReferral, create_referral, record_viability, reg24_record
from crm.domain.kinship import (
    AfterLapse,
    IrmExtension,
    KinshipRuleError,
    ReferralUrgency,
    ViabilityOutcome,
    ViabilityRoute,
    check_placed,
    check_temporary_approval,
    reg24_findings_missing,
    reg24_missing,
)
from crm.domain.stages import TransitionRefused
from crm.extensions import db
from crm.formatting import uk_date
from crm.models import TemporaryApproval, User
from crm.timeutil import today


def _refused(form, refused: KinshipRuleError) -> None:
    """Put a refusal on the field it is about (or the form's first field)."""
    field = form[refused.field] if refused.field in form else next(iter(form))
    field.errors = [*field.errors, str(refused)]


@bp.route("/referrals/new", methods=["GET", "POST"])
def new_referral():
    """A connected person referred by the child's social worker opens a kinship case."""
    form = ReferralForm()
    if form.validate_on_submit():
        if sent := create_once.already_sent(form):
            return sent
        data = {k: v for k, v in form.data.items() if k in NewReferral.__dataclass_fields__}
        data["urgency"] = ReferralUrgency(data["urgency"])
        try:
            case = create_referral(NewReferral(**data), by=current_user, owner=current_user)
        except KinshipRuleError as refused:
            _refused(form, refused)
        except TransitionRefused as refused:
            form.referred_on.errors.append(str(refused))
        else:
            create_once.done(form, url_for("cases.show", case_id=case.id))
            db.session.commit()
            flash(f"Referral {case.reference} saved.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/referral.html", form=form)


@bp.route("/<int:case_id>/viability", methods=["GET", "POST"])
def viability(case_id: int):
    """Record a referred connected person's viability assessment and where it leads."""
    case = get_case_or_404(case_id)
    form = ViabilityForm()
    form.fill_choices()
    if form.validate_on_submit():
        worker = db.session.get(User, int(form.worker.data)) if form.worker.data else None
        try:
            record_viability(
                case,
                form.assessed_on.data,
                ViabilityOutcome(form.outcome.data),
                ViabilityRoute(form.leads_to.data) if form.leads_to.data else None,
                worker,
                current_user,
                form.note.data,
                accommodation_seen_on=form.accommodation_seen_on.data,
                welfare_considered=form.welfare_considered.data,
            )
        except KinshipRuleError as refused:
            _refused(form, refused)
        else:
            db.session.commit()
            flash("Viability assessment recorded.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/kinship.html", case=case, form=form, title="Viability assessment")


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
    missing = reg24_missing(reg24_record(case), form.approved_on.data or today())
    return render_template(
        "cases/kinship.html", case=case, form=form, title="Temporary approval", missing=missing
    )


def record_temporary_approval(case, form: TemporaryApprovalForm) -> TemporaryApproval:
    """Check by the reg 24 rules and add it to the case. Does not commit."""
    as_of = today()
    missing = reg24_missing(reg24_record(case), form.approved_on.data)
    missing += reg24_findings_missing(form.most_appropriate.data, form.necessary_now.data)
    if missing:
        raise KinshipRuleError(
            "Not yet: before a temporary approval the case must record " + "; ".join(missing) + ".",
            "approved_on",
        )
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
        most_appropriate_found=True,
        necessary_now_found=True,
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
                panel_views_sought_on=form.panel_views_sought_on.data,
                iro_informed_on=form.iro_informed_on.data,
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


@bp.route("/<int:case_id>/temporary-approval/irm", methods=["GET", "POST"])
def temporary_approval_irm(case_id: int):
    """The connected person applied to the IRM about a proposed refusal and a nominated
    officer extended the temporary approval until the outcome is known and the service
    has decided (reg 25(1)(b), (3)-(5)); later, that outcome."""
    case = get_case_or_404(case_id)
    temporary = case.temporary_approval
    if temporary is None:
        flash("Record the temporary approval first.", "warning")
        return redirect(url_for("cases.show", case_id=case.id))
    form = IrmForm()
    if form.validate_on_submit():
        try:
            if temporary.irm_applied_on is None:
                for name, what in (
                    ("irm_applied_on", "the date of the application"),
                    ("irm_extended_on", "the day the nominated officer extended it"),
                ):
                    if form[name].data is None:
                        raise KinshipRuleError(f"Give {what}.", name)
                irm = IrmExtension(
                    applied_on=form.irm_applied_on.data,
                    decided_on=form.irm_extended_on.data,
                    officer=form.irm_officer.data or "",
                    panel_views_sought_on=form.irm_panel_views_sought_on.data,
                    iro_informed_on=form.irm_iro_informed_on.data,
                    refusal_proposed_on=case.refusal_proposed_on,
                )
                temporary.apply_to_irm(irm, today())
            if form.irm_outcome_on.data is not None:
                temporary.irm_decided(form.irm_outcome_on.data, today())
        except KinshipRuleError as refused:
            db.session.rollback()
            _refused(form, refused)
        else:
            db.session.commit()
            flash("The IRM review is recorded.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "cases/kinship.html", case=case, form=form, title="An IRM review of the temporary approval"
    )


@bp.route("/<int:case_id>/temporary-approval/lapse", methods=["GET", "POST"])
def temporary_approval_lapse(case_id: int):
    """What happened to the child's placement when the approval lapsed undecided (reg 25(6))."""
    case = get_case_or_404(case_id)
    temporary = case.temporary_approval
    if temporary is None:
        flash("Record the temporary approval first.", "warning")
        return redirect(url_for("cases.show", case_id=case.id))
    form = LapseForm()
    if form.validate_on_submit():
        try:
            temporary.record_lapse(
                AfterLapse(form.lapse_outcome.data), form.lapse_outcome_on.data, today()
            )
        except KinshipRuleError as refused:
            _refused(form, refused)
        else:
            db.session.commit()
            flash("What happened to the placement is recorded.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "cases/kinship.html", case=case, form=form, title="After the temporary approval lapsed"
    )

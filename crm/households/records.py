"""The household page, and what a supervising social worker records on it."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from crm import audit, create_once, risk_scores
from crm.corrections import recorded
from crm.domain.complaints import ComplaintOutcome, response_late
from crm.domain.households import HouseholdRuleError, open_break
from crm.domain.stability import stability_on
from crm.extensions import db
from crm.formatting import uk_date
from crm.formfields import choices, form_errors, stale_refusal
from crm.households import bp
from crm.households.forms import (
    BreakForm,
    CertificatesForm,
    ComplaintForm,
    ComplaintResponseForm,
    DeregisterForm,
    EndPlacementForm,
    PlacementForm,
    RecordForm,
    ResidentForm,
    TermsForm,
    UnavailableForm,
)
from crm.households.timeline import timeline
from crm.metrics.places import places_by_household
from crm.metrics.supervision import obligations_for
from crm.models import (
    Carer,
    CarerEventKind,
    DeregistrationReason,
    Household,
    InitiatedBy,
    Placement,
    PlacementEnding,
    Resident,
    UnavailableBecause,
)
from crm.models.carer_event import Complaint
from crm.models.resignation import ResignationNotice
from crm.models.setting import load_settings
from crm.pagination import paginate_list
from crm.queries.bookings import bookings_on
from crm.queries.households import complaints_of
from crm.queries.matching import allegations_open
from crm.timeutil import today

#: Timeline entries a page: a year or so of a busy household's records.
TIMELINE_PAGE = 25


def editable_household_or_403(household_id: int) -> Household:
    """A worker changes only the households they supervise; managers change any."""
    household = get_household_or_404(household_id)
    if not household.may_be_edited_by(current_user):
        abort(403)
    return household


def get_household_or_404(household_id: int) -> Household:
    return db.get_or_404(Household, household_id)


@bp.route("/<int:household_id>")
def show(household_id: int):
    household = get_household_or_404(household_id)
    # A notice of resignation whose day has come takes effect on reading, as the
    # nightly job would (reg 28(13)): the page never shows an approval that has ended.
    notice = ResignationNotice.pending_for(household)
    if notice is not None:
        notice.take_effect(today())
    page = _household_page(household, RecordForm())
    audit.record_view(household)  # made, so shown: recorded before it leaves
    db.session.commit()
    return page


def _household_page(
    household: Household,
    record_form: RecordForm,
    status: int = 200,
    complaint_form: ComplaintForm | None = None,
    placement_form: PlacementForm | None = None,
):
    on = today()
    settings = load_settings()
    complaints = db.session.scalars(complaints_of(household.id)).all()

    def late(complaint: Complaint) -> bool:
        return response_late(complaint.received_on, complaint.responded_on, on, settings)

    end_form = EndPlacementForm()
    end_form.child_reference.choices = choices(
        (p.child_reference, p.child_reference) for p in household.placements if p.end_date is None
    )
    page = render_template(
        "households/show.html",
        household=household,
        owed=obligations_for([household], on)[household.id],
        places=places_by_household(on, only=[household.id]).get(household.id),
        stability=stability_on(household.placements, on),
        timeline=paginate_list(timeline(household), TIMELINE_PAGE),
        risk_history=(history := risk_scores.score_history(household)),
        recorded_since=risk_scores.recorded_since(household, history),
        record_form=record_form,
        complaints=complaints,
        late_complaints={c.id for c in complaints if late(c)},
        complaint_form=complaint_form or ComplaintForm(),
        settings=settings,
        placement_form=placement_form or PlacementForm(formdata=None),
        end_form=end_form,
        break_form=BreakForm(),
        unavailable_form=UnavailableForm(),
        can_edit=household.may_be_edited_by(current_user),
        held_since=allegations_open([household.id], on).get(household.id),
        notice=(notice := ResignationNotice.pending_for(household)),
        notice_blocked=notice is not None and notice.effective_on <= on,
        bookings=db.session.scalars(bookings_on(household_id=household.id)).unique().all(),
        # voided ones too, struck through (crm/corrections.py)
        placements=recorded(
            Placement, Placement.household_id, household.id, Placement.start_date, Placement.id
        ),
    )
    return page, status


def _done(household: Household, message: str, form=None, anchor: str = ""):
    page = url_for("households.show", household_id=household.id)
    if form is not None:
        create_once.done(form, page)
    db.session.commit()
    flash(message, "success")
    return redirect(page + anchor)


@bp.route("/<int:household_id>/records", methods=["POST"])
def add_record(household_id: int):
    household = editable_household_or_403(household_id)
    form = RecordForm()
    if form.validate_on_submit():
        if sent := create_once.already_sent(form):
            return sent
        kind = CarerEventKind(form.kind.data)
        try:
            household.log_record(
                kind,
                form.on.data,
                current_user,
                value=form.value,
                outcome=form.outcome,
                note=form.note.data or None,
            )
        except HouseholdRuleError as refused:
            field = form.detail_field if refused.field in ("value", "outcome") else None
            field = field or form.on
            field.errors.append(str(refused))
        else:
            return _done(household, f"{kind.label} recorded.", form)
    return _household_page(household, form, status=400)


@bp.route("/<int:household_id>/complaints", methods=["POST"])
def add_complaint(household_id: int):
    """A carer's complaint received: its response clock starts (crm/clocks/), and a
    complaint already past the service's timescale is flagged on saving."""
    household = editable_household_or_403(household_id)
    form = ComplaintForm()
    if form.validate_on_submit():
        if sent := create_once.already_sent(form):
            return sent
        try:
            Complaint.receive(
                household,
                form.received_on.data,
                form.complainant.data.strip(),
                form.summary.data.strip(),
                current_user,
            )
        except HouseholdRuleError as refused:
            form.received_on.errors.append(str(refused))
        else:
            return _done(household, "Complaint recorded.", form, "#complaints")
    return _household_page(household, RecordForm(), status=400, complaint_form=form)


@bp.route("/<int:household_id>/complaints/<int:complaint_id>/response", methods=["GET", "POST"])
def respond_to_complaint(household_id: int, complaint_id: int):
    """The written response sent, with its outcome: the complaint's flag clears on saving."""
    household = editable_household_or_403(household_id)
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or complaint.household_id != household.id:
        abort(404)
    form = ComplaintResponseForm()
    if form.validate_on_submit():
        try:
            complaint.respond(ComplaintOutcome(form.outcome.data), form.responded_on.data)
        except HouseholdRuleError as refused:
            form.responded_on.errors.append(str(refused))
        else:
            return _done(household, "Response to the complaint recorded.", anchor="#complaints")
    return render_template(
        "households/form.html",
        household=household,
        form=form,
        heading=f"Response to the complaint received on {uk_date(complaint.received_on)}",
    )


@bp.route("/<int:household_id>/placements", methods=["POST"])
def add_placement(household_id: int):
    """A child placed: within the terms of approval and the usual limit, or as an
    emergency (reg 23) or under an exemption (Sch. 7); refused on the form otherwise,
    keeping what was typed."""
    household = editable_household_or_403(household_id)
    form = PlacementForm()
    if form.validate_on_submit():
        if sent := create_once.already_sent(form):
            return sent
        try:
            placement = household.start_placement(
                form.child_reference.data.strip(),
                form.on.data,
                form.child_age.data,
                child_birth_date=form.child_birth_date.data,
                care_kind=form.care_kind.data,
                sibling_group=(form.sibling_group.data or "").strip() or None,
                emergency=form.emergency(),
                exemption=form.exemption(),
            )
        except HouseholdRuleError as refused:
            form.refuse(refused)
        else:
            return _done(household, f"Placement started: {placement.basis.label.lower()}.", form)
    return _household_page(household, RecordForm(), status=400, placement_form=form)


def _change_placements(household: Household, form, message: str, change):
    """Validate, apply the change through the rules, and say what happened either way."""
    if not form.validate_on_submit():
        flash(form_errors(form), "danger")
    elif sent := create_once.already_sent(form):
        return sent
    else:
        try:
            change()
        except HouseholdRuleError as refused:
            flash(str(refused), "danger")
        else:
            return _done(household, message, form)
    return redirect(url_for("households.show", household_id=household.id) + "#placements")


@bp.route("/<int:household_id>/placements/end", methods=["POST"])
def end_placement(household_id: int):
    household = editable_household_or_403(household_id)
    form = EndPlacementForm()
    form.child_reference.choices = choices(
        (p.child_reference, p.child_reference) for p in household.placements
    )
    return _change_placements(
        household,
        form,
        "Placement ended.",
        lambda: household.end_placement(
            form.child_reference.data, form.on.data, PlacementEnding(form.ending.data)
        ),
    )


#: What the terms form edits, in the words a refusal uses.
TERMS_FIELDS = {"terms_recorded_at": "the terms of approval"}


@bp.route("/<int:household_id>/terms", methods=["GET", "POST"])
def terms(household_id: int):
    household = editable_household_or_403(household_id)
    current = household.terms_history[-1] if household.terms_history else None
    form = TermsForm(obj=current)
    clashes = form.stale_edits(household, TERMS_FIELDS)
    if clashes:
        flash(stale_refusal(clashes), "warning")
        return render_template(
            "households/form.html",
            household=household,
            form=form,
            heading="Change the terms of approval",
        ), 409
    if form.validate_on_submit():
        try:
            household.change_terms(
                form.decided_on.data,
                form.effective_from.data,
                form.places.data,
                form.min_age.data,
                form.max_age.data,
                form.categories.data,
                current_user,
                carer_agreed=form.carer_agreed.data,
            )
        except HouseholdRuleError as refused:
            form.effective_from.errors.append(str(refused))
        else:
            saved = ["New terms of approval recorded.", form.merge_note()]
            return _done(household, " ".join(filter(None, saved)))
    return render_template(
        "households/form.html",
        household=household,
        form=form,
        heading="Change the terms of approval",
    )


@bp.route("/<int:household_id>/residents", methods=["GET", "POST"])
def add_resident(household_id: int):
    """Other people living in the household (each adult needs a DBS check)."""
    household = editable_household_or_403(household_id)
    form = ResidentForm()
    if form.validate_on_submit():
        if sent := create_once.already_sent(form):
            return sent
        household.residents.append(
            Resident(
                full_name=form.full_name.data.strip(),
                relationship_to_carers=form.relationship_to_carers.data or None,
                birth_date=form.birth_date.data,
                joined_on=form.joined_on.data,
            )
        )
        return _done(household, f"{form.full_name.data.strip()} added to the household.", form)
    return render_template(
        "households/form.html",
        household=household,
        form=form,
        heading="Add someone who lives in the household",
    )


@bp.route("/<int:household_id>/people/<kind>/<int:person_id>", methods=["GET", "POST"])
def certificates(household_id: int, kind: str, person_id: int):
    """A carer's or resident's latest DBS check (and a carer's medical), so renewals are
    tracked: every adult needs an in-date DBS, every carer an in-date medical."""
    household = editable_household_or_403(household_id)
    model = {"carer": Carer, "resident": Resident}.get(kind)
    person = db.session.get(model, person_id) if model else None
    if person is None or person.household_id != household.id:
        abort(404)
    form = CertificatesForm(obj=person)
    if kind == "resident":
        del form.medical_on
    if form.validate_on_submit():
        form.populate_obj(person)
        return _done(household, f"Checks for {person.full_name} saved.")
    return render_template(
        "households/form.html",
        household=household,
        form=form,
        heading=f"DBS and medical: {person.full_name}",
    )


@bp.route("/<int:household_id>/unavailable", methods=["POST"])
def mark_unavailable(household_id: int):
    """Some places not available (a child's needs, the carers' circumstances)."""
    household = editable_household_or_403(household_id)
    form = UnavailableForm()
    return _change_placements(
        household,
        form,
        "Places marked not available.",
        lambda: household.mark_places_unavailable(
            form.places.data,
            UnavailableBecause(form.because.data),
            form.on.data,
            form.until.data,
            form.note.data or None,
        ),
    )


@bp.route("/<int:household_id>/break", methods=["POST"])
def toggle_break(household_id: int):
    household = editable_household_or_403(household_id)
    form = BreakForm()
    if not form.validate_on_submit():
        flash(form_errors(form), "danger")
        return redirect(url_for("households.show", household_id=household.id))
    try:
        if open_break(household) is not None:
            household.end_break(form.on.data)
            message = "Break ended: places available again."
        else:
            household.start_break(form.on.data, form.reason.data or None)
            message = "Break started: places not available."
    except HouseholdRuleError as refused:
        flash(str(refused), "danger")
        return redirect(url_for("households.show", household_id=household.id))
    return _done(household, message)


@bp.route("/<int:household_id>/deregister", methods=["GET", "POST"])
def deregister(household_id: int):
    household = editable_household_or_403(household_id)
    form = DeregisterForm()
    if form.validate_on_submit():
        try:
            household.deregister(
                form.on.data,
                DeregistrationReason(form.reason.data),
                InitiatedBy(form.initiated_by.data),
                form.exit_interview.data or None,
            )
        except HouseholdRuleError as refused:
            form.on.errors.append(str(refused))
        else:
            return _done(household, "Household deregistered. The record is kept for 10 years.")
    return render_template(
        "households/form.html", household=household, form=form, heading="Deregister this household"
    )

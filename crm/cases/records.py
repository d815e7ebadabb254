"""The case page, and what an officer or assessing worker records on it."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm import audit, create_once
from crm.auth.services import staff_choices
from crm.cases import bp
from crm.cases.forms import (
    ActivityForm,
    ApprovalForm,
    AssessmentForm,
    CheckForm,
    ContactForm,
    MemberForm,
    PanelForm,
    StepForm,
)
from crm.cases.services import (
    MergeRefused,
    approve_case,
    keep_both,
    link_returning_applicant,
    merge_duplicate,
    merged_into,
)
from crm.corrections import recorded
from crm.domain.contact import normalise_postcode
from crm.domain.stages import EventKind, Stage, TransitionRefused
from crm.domain.stalled import stalled_reasons
from crm.extensions import db
from crm.formatting import uk_date
from crm.formfields import choices, stale_refusal
from crm.metrics.chasing import last_activity, response_working_days
from crm.models import (
    Activity,
    ActivityKind,
    Case,
    Check,
    CheckKind,
    HouseholdMember,
    Role,
    Stage1Decision,
    StageEvent,
    TransferIn,
    User,
)
from crm.models.setting import load_settings
from crm.outreach.services import has_opted_out, messages_of
from crm.queries import door
from crm.queries.bookings import bookings_on
from crm.timeutil import today
from crm.visibility import may_open_case

STEP_FORMS = {EventKind.PANEL: PanelForm, EventKind.APPROVAL: ApprovalForm}
#: The case page's timeline newest first, and its activity log newest first.
STEP_ORDER = (StageEvent.occurred_on.desc(), StageEvent.id.desc())
ACTIVITY_ORDER = (Activity.occurred_on.desc(), Activity.id.desc())


def _user_or_none(user_id: str | None) -> User | None:
    return db.session.get(User, int(user_id)) if user_id else None


def get_case_or_404(case_id: int) -> Case:
    """The case, if it exists (404) and the current user may see it (403: need to know).
    A case merged into another sends a reader of its page on to the one it joined."""
    case = db.session.get(Case, case_id)
    if case is None:
        merge = merged_into(case_id)
        if merge is None or request.method != "GET":
            abort(404)
        if not may_open_case(current_user, db.session.get(Case, merge.into_case_id)):
            abort(403)
        flash(f"{merge.reference} was merged into this case on {uk_date(merge.merged_on)}.", "info")
        abort(redirect(url_for("cases.show", case_id=merge.into_case_id)))
    if not may_open_case(current_user, case):
        abort(403)
    return case


def other_case(case: Case | None) -> Case | None:
    """Another case this one names (its possible duplicate, its earlier case), when the
    current user may open it; None otherwise, so a page never shows what is behind a 403."""
    return case if may_open_case(current_user, case) else None


def duplicate_to_resolve(case: Case) -> Case:
    """The case this one may duplicate: 404 when there is none, 403 when the current
    user may not open it (deciding a merge means seeing both)."""
    original = case.possible_duplicate_of
    if original is None:
        abort(404)
    if not may_open_case(current_user, original):
        abort(403)
    return original


@bp.route("/<int:case_id>")
def show(case_id: int):
    case = get_case_or_404(case_id)
    page = _case_page(case, ActivityForm())
    audit.record_view(case)  # made, so shown: recorded before it leaves (see audit.record_view)
    db.session.commit()
    return page


def _case_page(case: Case, activity_form: ActivityForm, status: int = 200):
    """The case page, with the activity form as submitted when it was refused."""
    state = case.state()
    settings = load_settings()
    reasons = stalled_reasons(
        state,
        last_activity([case.id], today()).get(case.id),
        today(),
        settings,
        case.temporary_approval,
    )
    page = render_template(
        "cases/show.html",
        case=case,
        duplicate_of=other_case(case.possible_duplicate_of),
        earlier=other_case(case.previous_case),
        state=state,
        stalled=reasons,
        response_days=response_working_days(case),
        activity_form=activity_form,
        target=settings.first_contact_target_working_days,
        bookings=db.session.scalars(bookings_on(case_id=case.id)).unique().all(),
        transfer=TransferIn.of(case),
        stage1_decision=Stage1Decision.of(case),
        in_stage1=state.stage is Stage.STAGE1,
        # voided ones too, struck through (crm/corrections.py)
        steps=recorded(StageEvent, StageEvent.case_id, case.id, *STEP_ORDER),
        activities=recorded(Activity, Activity.case_id, case.id, *ACTIVITY_ORDER),
        today=today(),
        messages=db.session.scalars(messages_of(case)).all(),
        opted_out=has_opted_out(case),
        door_rows=door.task_list(case.id),
        door_messages=door.messages(case.id),
        door_signed_in=door.last_signed_in(case.id),
    )
    return page, status


@bp.route("/<int:case_id>/steps/<kind>", methods=["GET", "POST"])
def step(case_id: int, kind: str):
    case = get_case_or_404(case_id)
    try:
        event_kind = EventKind(kind)
    except ValueError:
        abort(404)
    form = STEP_FORMS.get(event_kind, StepForm)(event_kind)
    if isinstance(form, ApprovalForm):
        form.supervising_worker.choices = choices(
            staff_choices(Role.SUPERVISING_SOCIAL_WORKER), blank="Allocate later"
        )
    if event_kind not in case.state().allowed_next():
        flash(f"{event_kind.label} cannot be recorded for this case now.", "warning")
        return redirect(url_for("cases.show", case_id=case.id))
    if form.validate_on_submit():
        try:
            _record(case, event_kind, form)
        except TransitionRefused as refused:
            form.on.errors.append(str(refused))
        else:
            db.session.commit()
            flash(f"{event_kind.label} recorded.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/step.html", case=case, form=form, kind=event_kind)


def _record(case: Case, kind: EventKind, form: StepForm) -> None:
    reason = form.reason.data if "reason" in form else None
    if isinstance(form, ApprovalForm):
        approve_case(
            case,
            form.on.data,
            current_user,
            places=form.places.data,
            min_age=form.min_age.data,
            max_age=form.max_age.data,
            categories=form.categories.data,
            note=form.note.data or None,
            supervising_worker=_user_or_none(form.supervising_worker.data),
        )
        return
    if isinstance(form, PanelForm):
        case.panel_recommendation = form.recommendation.data
    case.record_step(kind, form.on.data, current_user, note=form.note.data or None, reason=reason)


@bp.route("/<int:case_id>/take", methods=["POST"])
def take(case_id: int):
    case = get_case_or_404(case_id)
    case.owner = current_user
    db.session.commit()
    flash(f"{case.reference} is now yours.", "success")
    if request.form.get("back") == "mine":
        return redirect(url_for("cases.my_cases"))
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/<int:case_id>/activities", methods=["POST"])
def add_activity(case_id: int):
    case = get_case_or_404(case_id)
    form = ActivityForm()
    if form.validate_on_submit():
        if sent := create_once.already_sent(form):
            return sent
        contacted = case.first_contact_date
        case.log_activity(
            ActivityKind(form.kind.data),
            form.on.data,
            current_user,
            note=form.note.data or None,
            due_on=form.due_on.data,
        )
        create_once.done(form, url_for("cases.show", case_id=case.id))
        db.session.commit()
        first = contacted is None and case.first_contact_date is not None
        flash(
            "Added to the activity log."
            + (" It is their first contact, so it is recorded as that step too." if first else ""),
            "success",
        )
        return redirect(url_for("cases.show", case_id=case.id))
    return _case_page(case, form, status=400)


@bp.route("/<int:case_id>/activities/<int:activity_id>/done", methods=["POST"])
def complete_task(case_id: int, activity_id: int):
    get_case_or_404(case_id)
    activity = db.get_or_404(Activity, activity_id)
    if activity.case_id != case_id or activity.kind is not ActivityKind.TASK:
        abort(404)
    activity.done_on = today()
    db.session.commit()
    flash("Task marked as done.", "success")
    if request.form.get("back") == "mine":
        return redirect(url_for("cases.my_cases"))
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/<int:case_id>/checks/new", methods=["GET", "POST"])
@bp.route("/<int:case_id>/checks/<int:check_id>", methods=["GET", "POST"])
def edit_check(case_id: int, check_id: int | None = None):
    case = get_case_or_404(case_id)
    check = db.get_or_404(Check, check_id) if check_id else None
    if check is not None and check.case_id != case.id:
        abort(404)
    form = CheckForm(obj=check)
    form.member.choices = choices(
        ((str(m.id), m.full_name) for m in case.members), blank="Not for one person"
    )
    if request.method == "GET" and check is not None:
        form.member.data = str(check.member_id or "")
    if form.validate_on_submit():
        check = check or Check(case=case)
        check.kind = CheckKind(form.kind.data)
        check.member_id = int(form.member.data) if form.member.data else None
        for name in ("subject", "requested_on", "received_on", "issued_on", "note"):
            setattr(check, name, form[name].data or None)
        check.concern = form.concern.data
        case.touch(max(filter(None, [check.requested_on, check.received_on]), default=None))
        db.session.add(check)
        db.session.commit()
        flash(f"{check.kind.label} saved.", "success")
        return redirect(url_for("cases.show", case_id=case.id) + "#checks")
    heading = check.kind.label if check else "Add a check"
    return render_template(
        "cases/case_form.html", case=case, form=form, heading=heading, anchor="#checks"
    )


@bp.route("/<int:case_id>/people", methods=["GET", "POST"])
def add_member(case_id: int):
    """Another adult in the household (each adult needs a DBS check)."""
    case = get_case_or_404(case_id)
    form = MemberForm()
    if form.validate_on_submit():
        if sent := create_once.already_sent(form):
            return sent
        member = HouseholdMember(
            full_name=form.full_name.data.strip(),
            relationship_to_applicant=form.relationship_to_applicant.data or None,
            birth_date=form.birth_date.data,
            is_applicant=form.is_applicant.data,
        )
        case.members.append(member)
        create_once.done(form, url_for("cases.show", case_id=case.id))
        db.session.commit()
        flash(f"{member.full_name} added to the household.", "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/case_form.html", case=case, form=form, heading="Add a person")


ASSESSMENT_FIELDS = (
    "assessing_worker_id",
    "preparation_training_on",
    "form_f_completed_on",
    "panel_booked_for",
)


@bp.route("/<int:case_id>/assessment", methods=["GET", "POST"])
def assessment(case_id: int):
    case = get_case_or_404(case_id)
    form = AssessmentForm(obj=case)
    form.assessing_worker.choices = choices(
        staff_choices(Role.SUPERVISING_SOCIAL_WORKER), blank="Not yet allocated"
    )
    clashes = form.stale_edits(case, ASSESSMENT_FIELDS)
    if clashes:
        flash(stale_refusal(clashes), "warning")
        return render_template(
            "cases/case_form.html", case=case, form=form, heading="Assessment details"
        ), 409
    if form.validate_on_submit():
        case.assessing_worker = _user_or_none(form.assessing_worker.data)
        case.preparation_training_on = form.preparation_training_on.data
        case.form_f_completed_on = form.form_f_completed_on.data
        case.panel_booked_for = form.panel_booked_for.data
        db.session.commit()
        flash(" ".join(filter(None, ["Assessment details saved.", form.merge_note()])), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "cases/case_form.html", case=case, form=form, heading="Assessment details"
    )


@bp.route("/<int:case_id>/duplicate", methods=["POST"])
def resolve_duplicate(case_id: int):
    case = get_case_or_404(case_id)
    duplicate_to_resolve(case)
    decision = request.form.get("decision")
    try:
        if decision == "merge":  # merging removes this case: first, both side by side
            return redirect(url_for("cases.merge", case_id=case.id))
        if decision == "returning":
            earlier = link_returning_applicant(case, current_user, today())
            db.session.commit()
            flash(f"Kept as a new case, linked to {earlier.reference}.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    except MergeRefused as refused:
        db.session.rollback()
        flash(str(refused), "warning")
        return redirect(url_for("cases.show", case_id=case.id))
    keep_both(case)
    db.session.commit()
    flash("Kept as a separate case.", "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/<int:case_id>/merge", methods=["GET", "POST"])
def merge(case_id: int):
    """Both cases side by side, and Merge only when the person has seen them."""
    case = get_case_or_404(case_id)
    original = duplicate_to_resolve(case)
    if request.method == "POST":
        try:
            merge_duplicate(case, current_user, today())
        except MergeRefused as refused:
            db.session.rollback()
            flash(str(refused), "warning")
            return redirect(url_for("cases.show", case_id=case.id))
        db.session.commit()
        flash(f"{case.reference} merged into {original.reference}.", "success")
        return redirect(url_for("cases.show", case_id=original.id))
    return render_template("cases/merge.html", case=case, original=original)


#: What the contact form edits, in the words a refusal uses.
CONTACT_FIELDS = {
    "first_name": "the first name",
    "last_name": "the last name",
    "email": "the email address",
    "phone": "the phone number",
    "address": "the address",
    "postcode": "the postcode",
}


@bp.route("/<int:case_id>/contact", methods=["GET", "POST"])
def contact(case_id: int):
    """Correct the applicant's name and contact details (audited, version-checked)."""
    case = get_case_or_404(case_id)
    form = ContactForm(obj=case)
    clashes = form.stale_edits(case, CONTACT_FIELDS)
    heading = "Name and contact details"
    if clashes:
        flash(stale_refusal(clashes), "warning")
        return render_template("cases/case_form.html", case=case, form=form, heading=heading), 409
    if form.validate_on_submit():
        case.first_name = form.first_name.data.strip()
        case.last_name = form.last_name.data.strip()
        case.set_contact(form.email.data, form.phone.data)
        case.address = form.address.data or None
        case.postcode = normalise_postcode(form.postcode.data)
        db.session.commit()
        flash(" ".join(filter(None, ["Contact details saved.", form.merge_note()])), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/case_form.html", case=case, form=form, heading=heading)

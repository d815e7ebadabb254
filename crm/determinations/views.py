"""Thin views: a qualifying determination's page and its steps, and reviews of approval."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm import audit, create_once
from crm.auth.access import allow
from crm.cases.records import get_case_or_404
from crm.determinations import bp
from crm.determinations.forms import (
    DecisionForm,
    IrmPapersForm,
    LeftForm,
    ProposalForm,
    RecommendationForm,
    RefusalForm,
    ResponseForm,
    ReviewForm,
)
from crm.domain import determinations as rules
from crm.domain.determinations import (
    REVIEW_STARTS,
    DeterminationKind,
    FinalOutcome,
    Recommendation,
    Response,
    ReviewOutcome,
    Step,
)
from crm.domain.households import HouseholdRuleError
from crm.domain.stages import EventKind, TransitionRefused, check_step
from crm.domain.stages import Step as StageStep
from crm.extensions import db
from crm.formatting import uk_date
from crm.households.records import editable_household_or_403
from crm.models import ApprovalReview, DeregistrationReason, Determination, Resident, Role
from crm.timeutil import today

HOUSEHOLD_ROLES = (Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)


def _determination_or_404(determination_id: int, edit: bool = False) -> Determination:
    """The determination, if its case or household may be opened (or changed)."""
    det = db.get_or_404(Determination, determination_id)
    if det.case_id is not None:
        get_case_or_404(det.case_id)
    elif not current_user.has_role(*HOUSEHOLD_ROLES):
        abort(403)
    elif edit:
        editable_household_or_403(det.household_id)
    return det


def _page(det: Determination, status: int = 200, **forms):
    day = today()
    step = det.step_on(day)
    shown = {
        "response_form": ResponseForm() if det.response is None and not det.decided_on else None,
        "papers_form": (
            IrmPapersForm()
            if det.response is Response.IRM and det.irm_papers_sent_on is None
            else None
        ),
        "recommendation_form": (
            RecommendationForm()
            if det.response is not None and det.recommended_on is None and not det.decided_on
            else None
        ),
        "decision_form": (DecisionForm() if step in (Step.MAY_DECIDE, Step.DECISION_DUE) else None),
    }
    shown.update(forms)
    return (
        render_template(
            "determinations/show.html",
            det=det,
            step=step,
            awaiting=step is Step.AWAITING_RESPONSE,
            irm=det.response is Response.IRM,
            decision_due=rules.decision_due_on(det.recommended_on) if det.recommended_on else None,
            papers_due=(
                rules.irm_papers_due_on(det.response_received_on)
                if det.response is Response.IRM
                else None
            ),
            **shown,
        ),
        status,
    )


@bp.route("/<int:determination_id>")
def show(determination_id: int):
    det = _determination_or_404(determination_id)
    page = _page(det)
    audit.record_view(det.case or det.household)
    db.session.commit()
    return page


def _saved(det: Determination, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("determinations.show", determination_id=det.id))


@bp.route("/<int:determination_id>/response", methods=["POST"])
def respond(determination_id: int):
    """Representations or an IRM application, within the 28 days (reg 27(6), 28(7))."""
    det = _determination_or_404(determination_id, edit=True)
    form = ResponseForm()
    if form.validate_on_submit():
        try:
            det.receive_response(Response(form.response.data), form.received_on.data)
        except HouseholdRuleError as refused:
            form.received_on.errors.append(str(refused))
        else:
            return _saved(det, f"{det.response.label} recorded.")
    return _page(det, 400, response_form=form)


@bp.route("/<int:determination_id>/irm-papers", methods=["POST"])
def irm_papers(determination_id: int):
    """The reports and the notice sent to the IRM (reg 29(2))."""
    det = _determination_or_404(determination_id, edit=True)
    form = IrmPapersForm()
    if form.validate_on_submit():
        try:
            det.send_irm_papers(form.irm_papers_sent_on.data)
        except HouseholdRuleError as refused:
            form.irm_papers_sent_on.errors.append(str(refused))
        else:
            return _saved(det, "Papers sent to the IRM recorded.")
    return _page(det, 400, papers_form=form)


@bp.route("/<int:determination_id>/recommendation", methods=["POST"])
def recommend(determination_id: int):
    """The fostering panel's reconsideration (reg 27(8), 28(10)) or the IRM panel's."""
    det = _determination_or_404(determination_id, edit=True)
    form = RecommendationForm()
    if form.validate_on_submit():
        try:
            det.recommend(Recommendation(form.recommendation.data), form.recommended_on.data)
        except HouseholdRuleError as refused:
            form.recommended_on.errors.append(str(refused))
        else:
            return _saved(det, "Recommendation recorded.")
    return _page(det, 400, recommendation_form=form)


@bp.route("/<int:determination_id>/decision", methods=["POST"])
def decide(determination_id: int):
    """The final decision; as proposed, it refuses, deregisters or changes the terms."""
    det = _determination_or_404(determination_id, edit=True)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            det.decide(
                FinalOutcome(form.outcome.data),
                form.decided_on.data,
                current_user,
                note=form.note.data or None,
            )
        except (HouseholdRuleError, TransitionRefused) as refused:
            form.decided_on.errors.append(str(refused))
        else:
            return _saved(det, "Final decision recorded.")
    return _page(det, 400, decision_form=form)


@bp.route("/cases/<int:case_id>/refusal", methods=["GET", "POST"])
def propose_refusal(case_id: int):
    """A proposed refusal after panel, written with reasons (reg 27(6)); the case stays
    at panel until the final decision."""
    case = get_case_or_404(case_id)
    form = RefusalForm()
    if form.validate_on_submit():
        if sent := create_once.already_sent(form):
            return sent
        try:
            check_step(case.state(), StageStep(EventKind.REJECTED, form.notified_on.data), today())
            rules.check_none_open(case.determinations)
            rules.check_notice(
                DeterminationKind.REFUSAL, form.notified_on.data, form.reasons.data, today()
            )
        except (TransitionRefused, HouseholdRuleError) as refused:
            form.notified_on.errors.append(str(refused))
        else:
            det = Determination(
                kind=DeterminationKind.REFUSAL,
                case=case,
                notified_on=form.notified_on.data,
                reasons=form.reasons.data.strip(),
                recorded_by=current_user,
            )
            db.session.add(det)
            db.session.flush()
            create_once.done(form, url_for("determinations.show", determination_id=det.id))
            return _saved(det, "Proposed refusal recorded: 28 days for a response.")
    return render_template(
        "determinations/form.html",
        form=form,
        heading="Propose to refuse approval (reg 27(6))",
        back=url_for("cases.show", case_id=case.id),
        back_label=case.reference,
    ), (400 if request.method == "POST" else 200)


@bp.route("/households/<int:household_id>/proposal", methods=["GET", "POST"])
@allow(*HOUSEHOLD_ROLES)
def propose(household_id: int):
    """A proposed termination or change of terms (reg 28(7)), usually after a review."""
    household = editable_household_or_403(household_id)
    review = None
    if review_id := request.args.get("review", type=int):
        review = db.session.get(ApprovalReview, review_id)
        if review is None or review.household_id != household.id:
            abort(404)
    form = ProposalForm()
    if request.method == "GET" and review is not None:
        started = REVIEW_STARTS.get(review.outcome)
        form.kind.data = started.value if started else form.kind.data
    if form.validate_on_submit():
        if sent := create_once.already_sent(form):
            return sent
        try:
            if household.deregistration_date is not None:
                raise HouseholdRuleError(
                    f"The household was deregistered on {uk_date(household.deregistration_date)}."
                )
            rules.check_none_open(household.determinations)
            rules.check_notice(
                DeterminationKind(form.kind.data), form.notified_on.data, form.reasons.data, today()
            )
        except HouseholdRuleError as refused:
            form.notified_on.errors.append(str(refused))
        else:
            kind = DeterminationKind(form.kind.data)
            change = kind is DeterminationKind.CHANGE_OF_TERMS
            det = Determination(
                kind=kind,
                household=household,
                review=review,
                notified_on=form.notified_on.data,
                reasons=form.reasons.data.strip(),
                deregistration_reason=(
                    None if change else DeregistrationReason(form.deregistration_reason.data)
                ),
                places=form.places.data if change else None,
                min_age=form.min_age.data if change else None,
                max_age=form.max_age.data if change else None,
                categories=list(form.categories.data) if change else None,
                recorded_by=current_user,
            )
            db.session.add(det)
            db.session.flush()
            create_once.done(form, url_for("determinations.show", determination_id=det.id))
            return _saved(det, f"{kind.label} recorded: 28 days for a response.")
    return render_template(
        "determinations/form.html",
        form=form,
        heading="Propose to terminate the approval or change its terms (reg 28(7))",
        back=url_for("households.show", household_id=household.id),
        back_label=household.reference,
    ), (400 if request.method == "POST" else 200)


@bp.route("/households/<int:household_id>/review", methods=["GET", "POST"])
@allow(*HOUSEHOLD_ROLES)
def review(household_id: int):
    """A review of approval (reg 28); a change or termination goes on to its proposal."""
    household = editable_household_or_403(household_id)
    form = ReviewForm()
    if form.validate_on_submit():
        if sent := create_once.already_sent(form):
            return sent
        try:
            recorded = ApprovalReview.record(
                household,
                form.reviewed_on.data,
                ReviewOutcome(form.outcome.data),
                current_user,
                presented_to_panel_on=form.presented_to_panel_on.data,
                carers_report_on=form.carers_report_on.data,
                children_views_on=form.children_views_on.data,
                social_workers_views_on=form.social_workers_views_on.data,
                note=form.note.data or None,
            )
        except HouseholdRuleError as refused:
            target = (
                form.presented_to_panel_on if refused.field == "presented_to_panel_on" else None
            )
            (target or form.reviewed_on).errors.append(str(refused))
        else:
            db.session.flush()
            page = url_for("households.show", household_id=household.id)
            if recorded.outcome in REVIEW_STARTS:
                page = url_for(
                    "determinations.propose", household_id=household.id, review=recorded.id
                )
            create_once.done(form, page)
            db.session.commit()
            flash("Review of approval recorded.", "success")
            return redirect(page)
    return render_template(
        "determinations/form.html",
        form=form,
        heading="Review of approval (reg 28)",
        back=url_for("households.show", household_id=household.id),
        back_label=household.reference,
    ), (400 if request.method == "POST" else 200)


@bp.route(
    "/households/<int:household_id>/residents/<int:resident_id>/left", methods=["GET", "POST"]
)
@allow(*HOUSEHOLD_ROLES)
def resident_left(household_id: int, resident_id: int):
    """Someone left the household: a change that suggests a review (reg 28(2))."""
    household = editable_household_or_403(household_id)
    resident = db.session.get(Resident, resident_id)
    if resident is None or resident.household_id != household.id:
        abort(404)
    form = LeftForm()
    if form.validate_on_submit():
        earliest = resident.joined_on or household.approval_date
        if resident.left_on is not None:
            form.left_on.errors.append(f"They left on {uk_date(resident.left_on)}.")
        elif form.left_on.data < earliest:
            form.left_on.errors.append(f"That is before {uk_date(earliest)}.")
        else:
            resident.left_on = form.left_on.data
            db.session.commit()
            flash(f"{resident.full_name} left the household.", "success")
            return redirect(url_for("households.show", household_id=household.id))
    return render_template(
        "determinations/form.html",
        form=form,
        heading=f"{resident.full_name} left the household",
        back=url_for("households.show", household_id=household.id),
        back_label=household.reference,
    ), (400 if request.method == "POST" else 200)

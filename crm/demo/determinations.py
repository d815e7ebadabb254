"""The demo's qualifying determinations and reviews whenever needed (regs 27-29): a
refusal taken to the IRM, whose panel recommended approval, and the decision maker's
final decision; a termination after a review, with the carers' representations and the
fostering panel's reconsideration; and changes in households that suggest a review.

Each is built on a record the generator already made the same way, so the demo's other
figures stay as they were: the refusal is the latest rejected mainstream case (its
rejection moves from the panel's day to the final decision, within the same financial
year), the termination the latest household the service deregistered after an
allegation (deregistered on the day of its final decision, as before)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from crm.demo.staff import DemoStaff
from crm.domain.determinations import (
    DeterminationKind,
    FinalOutcome,
    Recommendation,
    Response,
    ReviewOutcome,
)
from crm.domain.periods import financial_year
from crm.domain.stages import EventKind, Stage
from crm.extensions import db
from crm.models import (
    ApprovalReview,
    CarerEventKind,
    CarerType,
    Case,
    DeregistrationReason,
    Determination,
    Household,
    InitiatedBy,
    Resident,
)
from crm.models.carer_event import CarerEvent


def add_determinations(staff: DemoStaff, today: date) -> None:
    """Build the demo's determinations and suggested reviews. Does not commit."""
    _refusal_taken_to_the_irm(staff, today)
    _termination_with_representations(staff, today)
    _changes_in_households(today)


def _refusal_taken_to_the_irm(staff: DemoStaff, today: date) -> None:
    """Panel day P: the notice a week later, the IRM application on day 21, the papers
    sent within reg 29(2)'s ten working days, the IRM panel recommending approval on
    P+80 and the decision maker refusing all the same on P+87, saying why."""
    rejected = db.session.scalars(
        sa.select(Case)
        .where(Case.stage == Stage.REJECTED, Case.carer_type == CarerType.MAINSTREAM)
        .order_by(Case.outcome_date.desc(), Case.id)
    ).all()
    for case in rejected:
        panel = max(e.occurred_on for e in case.events if e.kind is EventKind.PANEL)
        decided = panel + timedelta(days=87)
        if decided < today and financial_year(decided) == financial_year(panel):
            break
    else:
        return
    for event in [e for e in case.events if e.kind is EventKind.REJECTED]:
        case.events.remove(event)
    det = Determination(
        kind=DeterminationKind.REFUSAL,
        case=case,
        notified_on=panel + timedelta(days=7),
        reasons=(
            "The assessment found that the applicants could not yet offer a child a safe "
            "home: the concerns about the older son's behaviour and the lack of a support "
            "network were not resolved."
        ),
        recorded_by=staff.manager,
    )
    db.session.add(det)
    det.receive_response(Response.IRM, panel + timedelta(days=21), as_of=today)
    det.send_irm_papers(panel + timedelta(days=30), as_of=today)
    det.recommend(Recommendation.OTHERWISE, panel + timedelta(days=80), as_of=today)
    det.decide(
        FinalOutcome.AS_PROPOSED,
        decided,
        staff.manager,
        note=(
            "The decision maker considered the IRM panel's recommendation to approve; the "
            "support network it relied on has since moved away, so the refusal stands."
        ),
        as_of=today,
    )


def _termination_with_representations(staff: DemoStaff, today: date) -> None:
    """A review 4 months before the deregistration recommends ending the approval; the
    notice 10 days later; the carers' representations on day 18; the fostering panel
    reconsiders 5 days before the final decision, which deregisters on the same day as
    the generator did."""
    household = db.session.scalars(
        sa.select(Household)
        .where(
            Household.deregistration_initiated_by == InitiatedBy.SERVICE,
            Household.deregistration_reason == DeregistrationReason.ALLEGATION,
        )
        .order_by(Household.deregistration_date.desc(), Household.id)
    ).first()
    if household is None:
        return
    ended = household.deregistration_date
    reviewed = ended - timedelta(days=117)
    if reviewed <= household.approval_date:
        return
    event = CarerEvent(
        kind=CarerEventKind.ANNUAL_REVIEW,
        occurred_on=reviewed,
        outcome=ReviewOutcome.TERMINATE.value,
        recorded_by=household.supervising_worker,
        note="Review after the allegation concluded: the standards of care were not met.",
    )
    household.events.append(event)
    review = ApprovalReview(
        household=household,
        event=event,
        reviewed_on=reviewed,
        outcome=ReviewOutcome.TERMINATE,
        first_review=False,
        presented_to_panel_on=reviewed + timedelta(days=14),
        carers_report_on=reviewed - timedelta(days=12),
        children_views_on=reviewed - timedelta(days=8),
        social_workers_views_on=None,
        note="The children's social workers did not reply in time.",
        recorded_by=household.supervising_worker,
    )
    db.session.add(review)
    notice = reviewed + timedelta(days=24)
    db.session.add(
        Determination(
            kind=DeterminationKind.TERMINATION,
            household=household,
            review=review,
            notified_on=notice,
            reasons="The review found the household no longer suitable (reg 28(4)).",
            deregistration_reason=DeregistrationReason.ALLEGATION,
            response=Response.REPRESENTATIONS,
            response_received_on=notice + timedelta(days=18),
            recommended_on=ended - timedelta(days=5),
            recommendation=Recommendation.AS_PROPOSED,
            decided_on=ended,
            outcome=FinalOutcome.AS_PROPOSED,
            decision_note="The panel's fresh recommendation was to terminate; agreed.",
            recorded_by=staff.manager,
        )
    )


def _changes_in_households(today: date) -> None:
    """Someone joins one current household and someone leaves another, recently:
    each suggests a review of approval (reg 28(2)) until one is recorded."""
    current = db.session.scalars(
        sa.select(Household)
        .where(Household.current_on(today), Household.approval_date < today - timedelta(days=400))
        .order_by(Household.id)
        .limit(2)
    ).all()
    if len(current) < 2:
        return
    joining, leaving = current
    joining.residents.append(
        Resident(
            full_name="Mia Turner",
            relationship_to_carers="Granddaughter",
            birth_date=today - timedelta(days=365 * 9 + 40),
            joined_on=today - timedelta(days=19),
        )
    )
    leaving.residents.append(
        Resident(
            full_name="Daniel Hughes",
            relationship_to_carers="Lodger",
            birth_date=date(1994, 2, 11),
            dbs_issued_on=leaving.approval_date,
            joined_on=leaving.approval_date,
            left_on=today - timedelta(days=33),
        )
    )

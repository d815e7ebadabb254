"""The panel's work, spanning the panel's records and the case: booking an item onto a
sitting's agenda, the attendance, the recommendation (an application's is the case's
PANEL step), the final minutes and the agency decision (an application's is the case's
APPROVAL or REJECTED step, through `approve_case` and the stage rules: no second path).
Nothing here commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from crm.cases.services import approve_case
from crm.domain.panel import (
    Decision,
    DecisionRefused,
    PanelItemKind,
    Recommendation,
    check_decision,
    check_recommendation,
    quorum,
)
from crm.domain.stages import EventKind, Stage
from crm.extensions import db
from crm.formatting import uk_date
from crm.models import Case, Household, PanelItem, PanelMember, PanelSitting, User
from crm.timeutil import today

#: The stages from which an application can be booked onto an agenda: being assessed,
#: or back after a deferral.
BOOKABLE_STAGES = (Stage.STAGE2, Stage.PANEL)


def book_item(
    sitting: PanelSitting,
    kind: PanelItemKind,
    case: Case | None = None,
    household: Household | None = None,
) -> PanelItem:
    """Put an item on the sitting's agenda: an application (or a connected person's
    assessment) names its case; a review, termination or exemption its household."""
    if kind.is_application:
        if case is None:
            raise DecisionRefused(f"{kind.label} needs the applicants' case.")
        if case.stage not in BOOKABLE_STAGES or case.on_hold:
            raise DecisionRefused(
                f"{case.reference} is not ready for panel ({case.stage.label.lower()}): "
                "an application goes to panel from its Stage 2 assessment."
            )
        if any(i.sitting_id == sitting.id for i in _items_of_case(case)):
            raise DecisionRefused(f"{case.reference} is already on this agenda.")
        if case.stage is Stage.STAGE2:
            case.panel_booked_for = sitting.sits_on
        item = PanelItem(kind=kind, case=case)
    else:
        if household is None:
            raise DecisionRefused(f"{kind.label} needs the carers' household.")
        item = PanelItem(kind=kind, household=household)
    sitting.items.append(item)
    return item


def _items_of_case(case: Case) -> list[PanelItem]:
    return list(db.session.scalars(sa.select(PanelItem).where(PanelItem.case_id == case.id)))


def record_attendance(sitting: PanelSitting, members: Iterable[PanelMember]) -> None:
    """Who attended: only members on the central list on the sitting's day (reg 23)."""
    chosen = list(members)
    off = [m.name for m in chosen if not m.on_list(sitting.sits_on)]
    if off:
        raise DecisionRefused(
            f"Not on the central list on {uk_date(sitting.sits_on)}: {', '.join(off)}."
        )
    if any(item.recommendation for item in sitting.items) and not _quorate(chosen):
        raise DecisionRefused(
            "The panel has recommended at this sitting; the attendance cannot make it inquorate."
        )
    sitting.attended = chosen


def _quorate(members: list[PanelMember]) -> bool:
    return quorum(m.role for m in members).quorate


def record_recommendation(
    item: PanelItem,
    recommendation: Recommendation,
    reasons: str,
    by: User | None,
    asked_for: str | None = None,
    places: int | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    categories: Iterable[str] = (),
    quality_feedback: str | None = None,
    as_of: date | None = None,
) -> None:
    """The panel's recommendation on an item of a quorate sitting (reg 24(1), reg 25).
    On an application it is the case's PANEL step, dated the sitting, recorded through
    the stage rules the first time (a deferred case sits again: a second step)."""
    sitting = item.sitting
    check_recommendation(sitting.quorum.quorate, recommendation, reasons, asked_for)
    if item.decision is not None:
        raise DecisionRefused("The decision is made; the recommendation stands as recorded.")
    if sitting.sits_on > (as_of or today()):
        raise DecisionRefused(f"The sitting on {uk_date(sitting.sits_on)} has not happened yet.")
    case = item.case
    if item.kind.is_application and case is not None and item.recommendation is None:
        # The case's step first: when the stage rules refuse it, nothing is changed.
        case.record_step(
            EventKind.PANEL,
            sitting.sits_on,
            by,
            note=f"Panel recommended: {recommendation.label.lower()}",
            as_of=as_of,
        )
    approve = recommendation is Recommendation.APPROVE
    item.recommendation = recommendation
    item.reasons = reasons.strip()
    item.asked_for = (asked_for or "").strip() or None
    item.places = places if approve else None
    item.min_age = min_age if approve else None
    item.max_age = max_age if approve else None
    item.categories = list(categories) if approve else []
    item.quality_feedback = (quality_feedback or "").strip() or None
    item.recorded_by = by
    if item.kind.is_application and case is not None:
        case.panel_recommendation = recommendation.value
        if case.panel_booked_for == sitting.sits_on:
            case.panel_booked_for = None


def record_minutes(sitting: PanelSitting, received_on: date, as_of: date | None = None) -> None:
    """The day the final minutes reached the decision maker: NMS 14.9's 7 working days
    run from it."""
    if received_on < sitting.sits_on:
        raise DecisionRefused(
            f"The minutes cannot arrive before the sitting ({uk_date(sitting.sits_on)})."
        )
    if received_on > (as_of or today()):
        raise DecisionRefused(f"The date {uk_date(received_on)} is in the future.")
    sitting.minutes_received_on = received_on


def record_decision(
    item: PanelItem,
    decision: Decision,
    decided_on: date,
    by: User | None,
    decision_maker: str,
    reason_against: str | None = None,
    places: int | None = None,
    min_age: int = 0,
    max_age: int = 17,
    categories: Iterable[str] = ("short_term",),
    supervising_worker: User | None = None,
    as_of: date | None = None,
) -> Household | None:
    """The agency decision on a recommendation (NMS 14.9). One against the
    recommendation says why (crm.domain.panel.check_decision). On an application, an
    approval is the case's APPROVAL step with its terms and the approved household
    (`approve_case`); a refusal its REJECTED step: both through the stage rules."""
    check_decision(item.recommendation, decision, reason_against)
    if item.decision is not None:
        raise DecisionRefused("The decision on this item is already recorded.")
    if decided_on < item.sitting.sits_on:
        raise DecisionRefused(
            f"The decision cannot come before the sitting ({uk_date(item.sitting.sits_on)})."
        )
    household = None
    case = item.case
    note = f"Agency decision ({decision_maker})"
    if item.kind.is_application and case is not None:
        if decision is Decision.APPROVE:
            household = approve_case(
                case,
                decided_on,
                by,
                places=places or 1,
                min_age=min_age,
                max_age=max_age,
                categories=categories,
                supervising_worker=supervising_worker,
                note=note,
                as_of=as_of,
            )
        else:
            case.record_step(EventKind.REJECTED, decided_on, by, note=note, as_of=as_of)
    item.decision = decision
    item.decided_on = decided_on
    item.decision_maker = decision_maker.strip()
    item.reason_against = (reason_against or "").strip() or None
    return household

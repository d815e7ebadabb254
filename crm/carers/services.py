"""What supervising social workers record about a household, and the rules it must meet.

Every function checks first and changes nothing when it refuses (raising
HouseholdRuleError with a reason a worker can act on); none commits.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from crm.formatting import uk_date
from crm.models import (
    ApprovalTerms,
    CarerEvent,
    CarerEventKind,
    DeregistrationReason,
    Household,
    HouseholdBreak,
    HouseholdStatus,
    InitiatedBy,
    Placement,
    PlacementEnding,
    User,
)
from crm.timeutil import today

TERMS_NOTICE_DAYS = 28  # a change of terms takes effect 28 days after it is decided


class HouseholdRuleError(ValueError):
    """A record the rules refuse; the message says why."""


def _check_date(household: Household, on: date, what: str, today_: date | None = None) -> None:
    if on > (today_ or today()):
        raise HouseholdRuleError(f"The {what} date {uk_date(on)} is in the future.")
    if on < household.approval_date:
        raise HouseholdRuleError(
            f"The {what} date {uk_date(on)} is before the household was approved "
            f"({uk_date(household.approval_date)})."
        )
    if household.deregistration_date and on > household.deregistration_date:
        raise HouseholdRuleError(
            f"The household was deregistered on {uk_date(household.deregistration_date)}."
        )


def log_record(
    household: Household,
    kind: CarerEventKind,
    on: date,
    by: User | None,
    value: Decimal | None = None,
    outcome: str | None = None,
    note: str | None = None,
    today_: date | None = None,
) -> CarerEvent:
    """A visit, review, training, allegation, support or survey on a household."""
    _check_date(household, on, kind.label.lower(), today_)
    if kind is CarerEventKind.SURVEY and (value is None or not 1 <= value <= 5):
        raise HouseholdRuleError("A survey score is a whole number from 1 to 5.")
    if kind is CarerEventKind.TRAINING and (value is None or value <= 0):
        raise HouseholdRuleError("Training needs the hours attended.")
    record = CarerEvent(
        kind=kind, occurred_on=on, recorded_by=by, value=value, outcome=outcome, note=note
    )
    household.events.append(record)
    return record


def filled_on(household: Household, on: date) -> int:
    return sum(1 for p in household.placements if p.running_on(on))


def start_placement(
    household: Household,
    child_reference: str,
    on: date,
    child_age: int | None = None,
    today_: date | None = None,
) -> Placement:
    """A child comes to live with the household: never beyond its approved places."""
    if household.status is HouseholdStatus.DEREGISTERED:
        raise HouseholdRuleError("A deregistered household cannot be given a new placement.")
    _check_date(household, on, "placement start", today_)
    terms = household.terms_on(on)
    places = terms.places if terms else 0
    if filled_on(household, on) + 1 > places:
        raise HouseholdRuleError(
            f"All {places} approved place{'s' if places != 1 else ''} are filled on "
            f"{uk_date(on)}; change the terms of approval first."
        )
    if any(
        p.child_reference == child_reference and p.end_date is None for p in household.placements
    ):
        raise HouseholdRuleError(f"{child_reference} is already placed here.")
    placement = Placement(child_reference=child_reference, start_date=on, child_age=child_age)
    household.placements.append(placement)
    return placement


def end_placement(
    household: Household,
    child_reference: str,
    on: date,
    ending: PlacementEnding,
    today_: date | None = None,
) -> Placement:
    """A child leaves: planned, or a disruption (an unplanned ending)."""
    current = [
        p
        for p in household.placements
        if p.child_reference == child_reference and p.end_date is None
    ]
    if not current:
        raise HouseholdRuleError(f"There is no current placement of {child_reference} to end.")
    placement = current[0]
    if on < placement.start_date:
        raise HouseholdRuleError("A placement cannot end before it started.")
    _check_date(household, on, "placement end", today_)
    placement.end_date, placement.ending = on, ending
    return placement


def describe_terms(terms: ApprovalTerms | None) -> str:
    """'2 places, ages 0-17, from 3 Apr 2025, recorded by Sam Social' for messages."""
    if terms is None:
        return "none"
    who = f", recorded by {terms.recorded_by.full_name}" if terms.recorded_by else ""
    return (
        f"{terms.places} place{'s' if terms.places != 1 else ''}, ages {terms.min_age}-"
        f"{terms.max_age}, from {uk_date(terms.effective_from)}{who}"
    )


def change_terms(
    household: Household,
    decided_on: date,
    effective_from: date,
    places: int,
    min_age: int,
    max_age: int,
    categories: list[str],
    by: User | None,
    carer_agreed: bool = False,
    today_: date | None = None,
) -> ApprovalTerms:
    """New terms of approval from a date: history, never an overwrite.

    Unless the carer agreed, a change takes effect no sooner than 28 days after
    it was decided (the carer may challenge it).
    """
    _check_date(household, decided_on, "decision", today_)
    if max_age < min_age:
        raise HouseholdRuleError("The oldest age is below the youngest.")
    latest = household.terms_history[-1] if household.terms_history else None
    if latest and effective_from <= latest.effective_from:
        raise HouseholdRuleError(
            f"New terms must start after the current ones ({uk_date(latest.effective_from)})."
        )
    earliest = decided_on + timedelta(days=TERMS_NOTICE_DAYS)
    if not carer_agreed and effective_from < earliest:
        raise HouseholdRuleError(
            f"Without the carer's agreement the change takes effect 28 days after the "
            f"decision, on {uk_date(earliest)} at the earliest."
        )
    terms = ApprovalTerms(
        effective_from=effective_from,
        places=places,
        min_age=min_age,
        max_age=max_age,
        categories=categories,
        recorded_by_id=by.id if by else None,
    )
    household.terms_history.append(terms)
    return terms


def start_break(
    household: Household, on: date, reason: str | None, today_: date | None = None
) -> HouseholdBreak:
    if household.status is not HouseholdStatus.ACTIVE:
        raise HouseholdRuleError(f"The household is {household.status.label.lower()}.")
    _check_date(household, on, "break", today_)
    household.status = HouseholdStatus.ON_BREAK
    pause = HouseholdBreak(start_date=on, reason=reason)
    household.breaks.append(pause)
    return pause


def end_break(household: Household, on: date, today_: date | None = None) -> HouseholdBreak:
    current = [b for b in household.breaks if b.end_date is None]
    if not current:
        raise HouseholdRuleError("The household is not on a break.")
    if on < current[0].start_date:
        raise HouseholdRuleError("A break cannot end before it started.")
    _check_date(household, on, "break end", today_)
    current[0].end_date = on
    household.status = HouseholdStatus.ACTIVE
    return current[0]


def deregister(
    household: Household,
    on: date,
    reason: DeregistrationReason,
    initiated_by: InitiatedBy,
    exit_interview: str | None = None,
    today_: date | None = None,
) -> None:
    """End the approval. Children placed must have moved on first."""
    if household.status is HouseholdStatus.DEREGISTERED:
        raise HouseholdRuleError("This household is already deregistered.")
    _check_date(household, on, "deregistration", today_)
    if filled_on(household, on):
        raise HouseholdRuleError("Children are still placed; end their placements first.")
    for pause in household.breaks:
        if pause.end_date is None:
            pause.end_date = on
    household.deregister(on, reason, initiated_by, exit_interview)

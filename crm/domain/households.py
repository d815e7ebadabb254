"""An approved household's rules, in one place: records, placements, terms, breaks,
deregistration, and who may change them.

Every rule judges the household as it stood on the record's own date, not as
it stands as_of, so a complete history (a placement in 2019 of a household
that left in 2023) is accepted from a screen or an import alike. A household
here is anything with the model's attributes; nothing here touches the
database, so the screens, the importers and the demo generator share one
definition. Regulations: Fostering Services (England) Regulations 2011 and
the National Minimum Standards (see ../shared/domain.md).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from crm.domain.household_vocabulary import CarerEventKind, HouseholdStatus
from crm.formatting import uk_date

#: A change of terms takes effect no sooner than 28 days after it is decided, unless
#: the carer agrees (the carer may challenge it; reg 28).
TERMS_NOTICE_DAYS = 28


class HouseholdRuleError(ValueError):
    """A record the rules refuse; the message says why, for the user, and `field` names
    what it refused ("date" for a date out of bounds), so errors land where they belong."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def status_on(household: Any, day: date) -> HouseholdStatus:
    """Deregistered, on a break, or active, as the household stood on `day`."""
    if household.deregistration_date is not None and household.deregistration_date <= day:
        return HouseholdStatus.DEREGISTERED
    if any(b.running_on(day) for b in household.breaks):
        return HouseholdStatus.ON_BREAK
    return HouseholdStatus.ACTIVE


def filled_on(household: Any, day: date) -> int:
    """Children living with the household on `day`."""
    return sum(1 for p in household.placements if p.running_on(day))


def may_edit(household: Any, user_id: int | None, is_manager: bool) -> bool:
    """A supervising social worker changes only the households they supervise;
    managers change any."""
    return is_manager or (user_id is not None and household.supervising_worker_id == user_id)


def check_dated(
    household: Any, on: date, what: str, as_of: date, earliest: date | None = None
) -> None:
    """A record must fall within the approval: not in the future, not before approval
    (or `earliest`), not after deregistration."""
    if on > as_of:
        raise HouseholdRuleError(f"The {what} date {uk_date(on)} is in the future.", "date")
    if earliest is not None and earliest < household.approval_date:
        if on < earliest:
            raise HouseholdRuleError(
                f"The {what} date {uk_date(on)} is before the temporary approval "
                f"(reg 24, {uk_date(earliest)}).",
                "date",
            )
    elif on < household.approval_date:
        raise HouseholdRuleError(
            f"The {what} date {uk_date(on)} is before the household was approved "
            f"({uk_date(household.approval_date)}).",
            "date",
        )
    if household.deregistration_date and on > household.deregistration_date:
        raise HouseholdRuleError(
            f"The household was deregistered on {uk_date(household.deregistration_date)}.",
            "date",
        )


def check_record(
    kind: CarerEventKind, on: date, value: Decimal | None, household: Any, as_of: date
) -> None:
    """A visit, review, training, allegation, support or survey."""
    check_dated(household, on, kind.label.lower(), as_of)
    if kind is CarerEventKind.SURVEY and (value is None or not 1 <= value <= 5):
        raise HouseholdRuleError("A survey score is a whole number from 1 to 5.", "value")
    if kind is CarerEventKind.TRAINING and (value is None or value <= 0):
        raise HouseholdRuleError("Training needs the hours attended.", "value")
    if kind in ONCE_A_DAY and any(
        event.kind is kind and event.occurred_on == on for event in getattr(household, "events", ())
    ):
        raise HouseholdRuleError(
            f"A {kind.label.lower()} on {uk_date(on)} is already recorded for this household.",
            "date",
        )


#: Records a household has at most one of on any day: a second is a slip, not news.
ONCE_A_DAY = frozenset(
    {CarerEventKind.ANNUAL_REVIEW, CarerEventKind.TSD_COMPLETED, CarerEventKind.SURVEY}
)


def check_placement_start(household: Any, child_reference: str, on: date, as_of: date) -> None:
    """A child comes to live with the household: only while it is approved, and before
    its full approval only the child its temporary approval names (reg 24). The terms
    of approval and the usual fostering limit are crm/domain/placements.py's, which
    allow a placement outside them on a recorded footing (and keep imported history)."""
    if status_on(household, on) is HouseholdStatus.DEREGISTERED:
        raise HouseholdRuleError(
            f"The household was deregistered on {uk_date(household.deregistration_date)}; "
            "it cannot be given a new placement.",
            "date",
        )
    temporary = getattr(household, "temporary_approval_date", None)
    check_dated(household, on, "placement start", as_of, earliest=temporary)
    # Before full approval only the child named in the temporary approval (reg 24).
    if on < household.approval_date and child_reference != household.temporary_approval_child:
        raise HouseholdRuleError(
            f"Before its full approval ({uk_date(household.approval_date)}) only "
            f"{household.temporary_approval_child}, named in the temporary approval, "
            "can be placed here.",
            "child_reference",
        )
    if any(
        p.child_reference == child_reference and (p.end_date is None or p.running_on(on))
        for p in household.placements
    ):
        raise HouseholdRuleError(f"{child_reference} is already placed here.")


def open_placement(household: Any, child_reference: str) -> Any:
    """The child's placement that has not ended, or a refusal saying there is none."""
    for placement in household.placements:
        if placement.child_reference == child_reference and placement.end_date is None:
            return placement
    raise HouseholdRuleError(f"There is no current placement of {child_reference} to end.")


def check_placement_end(household: Any, placement: Any, on: date, as_of: date) -> None:
    """A child leaves: planned, or a disruption (an unplanned ending)."""
    if on < placement.start_date:
        raise HouseholdRuleError("A placement cannot end before it started.")
    check_dated(household, on, "placement end", as_of, earliest=placement.start_date)


def check_terms_change(
    household: Any,
    decided_on: date,
    effective_from: date,
    min_age: int,
    max_age: int,
    carer_agreed: bool,
    as_of: date,
) -> None:
    """New terms of approval from a date: history, never an overwrite."""
    check_dated(household, decided_on, "decision", as_of)
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
            f"Without the carer's agreement the change takes effect {TERMS_NOTICE_DAYS} days "
            f"after the decision, on {uk_date(earliest)} at the earliest."
        )


def check_terms_history(
    household: Any, effective_from: date, places: int, min_age: int, max_age: int, as_of: date
) -> None:
    """Terms that were in force from a past date, recorded as history (an import of
    what a council already decided): within the approval, and never a second set of
    terms from the same day. The notice rule is for decisions made now, not history."""
    check_dated(household, effective_from, "terms of approval", as_of)
    if not 1 <= places <= 6:
        raise HouseholdRuleError("A household is approved for 1 to 6 places.", "value")
    if max_age < min_age:
        raise HouseholdRuleError("The oldest age is below the youngest.", "max_age")
    if any(t.effective_from == effective_from for t in household.terms_history):
        raise HouseholdRuleError(
            f"Other terms of approval already start on {uk_date(effective_from)}.", "date"
        )


def open_break(household: Any) -> Any | None:
    """The earliest break that has not ended, if any (while history is being filled in,
    a past break can be open for a moment beside as_of's)."""
    still_open = [b for b in household.breaks if b.end_date is None]
    return min(still_open, key=lambda b: b.start_date) if still_open else None


def check_break_start(household: Any, on: date, as_of: date) -> None:
    """A break (holiday, illness, a house move): the household's places not available.
    Judged on its own date, so a past break can be recorded beside a current one."""
    status = status_on(household, on)
    if status is not HouseholdStatus.ACTIVE:
        raise HouseholdRuleError(f"The household is {status.label.lower()} on {uk_date(on)}.")
    check_dated(household, on, "break", as_of)


def check_break_end(household: Any, on: date, as_of: date) -> Any:
    """The break to end; refused when there is none, or when it would end before it
    began or after the next break began."""
    current = open_break(household)
    if current is None:
        raise HouseholdRuleError("The household is not on a break.")
    if on < current.start_date:
        raise HouseholdRuleError("A break cannot end before it started.")
    later = [b.start_date for b in household.breaks if b.start_date > current.start_date]
    if later and on > min(later):
        raise HouseholdRuleError(
            f"The break would run into the next one, which began on {uk_date(min(later))}."
        )
    check_dated(household, on, "break end", as_of)
    return current


def check_deregistration(household: Any, on: date, as_of: date) -> None:
    """End the approval. Children placed that day must have moved on first."""
    if household.deregistration_date is not None:
        raise HouseholdRuleError(
            f"This household is already deregistered (on {uk_date(household.deregistration_date)})."
        )
    check_dated(household, on, "deregistration", as_of)
    if filled_on(household, on):
        raise HouseholdRuleError("Children are still placed; end their placements first.")


def unavailable_on(household: Any, day: date) -> int:
    """Places marked not available on `day` (a break apart)."""
    return sum(u.places for u in household.unavailable if u.running_on(day))


def check_places_unavailable(
    household: Any, places: int, on: date, until: date | None, as_of: date
) -> None:
    """Some places not available for a while: never more than the household is approved
    for, and only while it is approved."""
    check_dated(household, on, "not-available", as_of)
    if until is not None and until <= on:
        raise HouseholdRuleError("The places become available again after they stop being.")
    terms = household.terms_on(on)
    approved = terms.places if terms else 0
    if places < 1 or unavailable_on(household, on) + places > approved:
        raise HouseholdRuleError(
            f"The household is approved for {approved} place{'s' if approved != 1 else ''} "
            f"on {uk_date(on)}; no more than that can be not available."
        )


def describe_terms(terms: Any | None) -> str:
    """'2 places, ages 0-17, from 3 Apr 2025, recorded by Sam Social' for messages."""
    if terms is None:
        return "none"
    who = f", recorded by {terms.recorded_by.full_name}" if terms.recorded_by else ""
    return (
        f"{terms.places} place{'s' if terms.places != 1 else ''}, ages {terms.min_age}-"
        f"{terms.max_age}, from {uk_date(terms.effective_from)}{who}"
    )

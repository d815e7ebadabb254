"""Correct or void a recorded record of any kind: a case's stage steps and activities, a
household's visits, reviews, training, allegations and other events, and its placements.

One service for every kind: each change is judged by the rule that judged the record
when it was made (crm/domain/stages.py for steps, crm/domain/households.py for a
household's records and placements), against the other live records; then the record
is corrected (`Correctable.correct`: the audit trail keeps old and new values with the
reason) or voided (`Correctable.void`: kept, out of every figure). What the case row
caches from its steps is folded again, so the metrics read the corrected history; the
clocks re-judge the case or household before the commit (crm/clocks/, judge_on_write).
Nothing here commits.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from crm.domain import allegations
from crm.domain import households as household_rules
from crm.domain.corrections import (
    CorrectionRefused,
    check_allegation_outcome,
    check_reason,
    check_step_correction,
    check_step_void,
)
from crm.domain.households import HouseholdRuleError
from crm.domain.placements import PlacementBasis, judge_fit
from crm.domain.stages import REASONS_REQUIRED, CaseState, EventKind, Step
from crm.extensions import db
from crm.formatting import uk_date
from crm.models import (
    Activity,
    ActivityKind,
    AuditAction,
    AuditEvent,
    CarerEvent,
    CarerEventKind,
    Case,
    Household,
    Placement,
    PlacementEnding,
    StageEvent,
    User,
)
from crm.models.carer_event import Complaint
from crm.models.case import cached_columns
from crm.models.corrections import including_voided
from crm.timeutil import today

__all__ = [
    "CorrectionRefused",
    "correct_activity",
    "correct_placement",
    "correct_record",
    "correct_step",
    "corrections_of",
    "get_recorded",
    "including_voided",
    "live_steps",
    "record_allegation_outcome",
    "recorded",
    "void_activity",
    "void_placement",
    "void_record",
    "void_step",
]


# --- a case's steps ----------------------------------------------------------------


def live_steps(case: Case) -> list[StageEvent]:
    """The case's steps that count, in the order the case reads them."""
    return sorted(
        (e for e in case.events if not e.is_voided), key=lambda e: (e.occurred_on, e.id or 0)
    )


def _steps(events: list[StageEvent]) -> list[Step]:
    return [Step(e.kind, e.occurred_on, e.reason) for e in events]


def correct_step(
    case: Case,
    event: StageEvent,
    on: date,
    reason_code: str | None,
    note: str | None,
    why: str,
    as_of: date | None = None,
) -> dict:
    """A step's date, withdrawal reason or note put right, the stage order rules kept.
    An approval's date moves the household's approval with it."""
    why = check_reason(why)
    events = live_steps(case)
    index = _index(events, event)
    if event.kind not in REASONS_REQUIRED:
        reason_code = event.reason
    corrected = Step(event.kind, on, reason_code)
    state = check_step_correction(_steps(events), index, corrected, as_of or today())
    if event.kind is EventKind.APPROVAL and on != event.occurred_on:
        _move_approval(case, event.occurred_on, on)
    changed = event.correct(why, occurred_on=on, reason=reason_code, note=note)
    _recache(case, state)
    return changed


def void_step(case: Case, event: StageEvent, why: str, by: User | None, as_of: date | None = None):
    """A step that never happened voided: the case goes back to where it stood without
    it (voiding the latest step takes the case back a step)."""
    why = check_reason(why, "void")
    events = live_steps(case)
    index = _index(events, event)
    if event.kind is EventKind.APPROVAL and _household_of(case) is not None:
        raise CorrectionRefused(
            "The approval made an approved household, which has its own records: correct "
            "the approval's date instead, or deregister the household."
        )
    state = check_step_void(_steps(events), index, as_of or today())
    event.void(by, why)
    _recache(case, state)


def _index(events: list[StageEvent], event: StageEvent) -> int:
    for index, candidate in enumerate(events):
        if candidate is event:
            return index
    raise CorrectionRefused("This step is voided already.")


def _recache(case: Case, state: CaseState) -> None:
    """The case row's cache folded again from its live steps, and its last activity
    worked out afresh (a voided call no longer counts as activity)."""
    for name, value in cached_columns(state, case.enquiry_date).items():
        setattr(case, name, value)
    case.last_activity_date = _last_activity(case, state)


def _last_activity(case: Case, state: CaseState) -> date | None:
    dated = [state.last_event_on]
    dated += [a.occurred_on for a in case.activities if not a.is_voided]
    dated += [d for check in case.checks for d in (check.requested_on, check.received_on)]
    return max(filter(None, dated), default=None)


def _household_of(case: Case) -> Household | None:
    return db.session.scalar(sa.select(Household).where(Household.case_id == case.id))


def _move_approval(case: Case, old: date, new: date) -> None:
    """The household an approval made is approved on the corrected date, with its first
    terms; refused when something was recorded on the household before that date."""
    household = _household_of(case)
    if household is None:
        return
    dated = [e.occurred_on for e in household.events]
    dated += [p.start_date for p in household.placements]
    dated += [t.effective_from for t in household.terms_history[1:]]
    earliest = min(dated, default=None)
    if earliest is not None and earliest < new:
        raise CorrectionRefused(
            f"The household has records from {uk_date(earliest)}, before {uk_date(new)}: "
            "correct those first."
        )
    if household.approval_date == old:
        household.approval_date = new
    first = household.terms_history[0] if household.terms_history else None
    if first is not None and first.effective_from == old:
        first.effective_from = new


# --- a case's activities -------------------------------------------------------------


def correct_activity(
    case: Case,
    activity: Activity,
    kind: ActivityKind,
    on: date,
    note: str | None,
    due_on: date | None,
    why: str,
    as_of: date | None = None,
) -> dict:
    """A call, email, meeting, note or task put right."""
    why = check_reason(why)
    _live(activity)
    if on > (as_of or today()):
        raise CorrectionRefused(f"The date {uk_date(on)} is in the future.")
    if kind is ActivityKind.TASK and due_on is None:
        raise CorrectionRefused("A follow-up task needs a due date.")
    changed = activity.correct(why, kind=kind, occurred_on=on, note=note, due_on=due_on)
    case.last_activity_date = _last_activity(case, case.state())
    return changed


def void_activity(case: Case, activity: Activity, why: str, by: User | None) -> None:
    """A call or meeting logged on the wrong case, or that never happened, voided."""
    why = check_reason(why, "void")
    _live(activity)
    activity.void(by, why)
    case.last_activity_date = _last_activity(case, case.state())


def _live(record: Any) -> None:
    if record.is_voided:
        raise CorrectionRefused("This record is voided already.")


# --- a household's records -----------------------------------------------------------


class _Without:
    """The household as its rules read it, without one of its records: a correction is
    judged against the other records, never against the record's own old values."""

    def __init__(self, household: Household, **lists: list) -> None:
        self._household = household
        self.__dict__.update(lists)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._household, name)


def correct_record(
    household: Household,
    record: CarerEvent,
    on: date,
    value: Decimal | None,
    outcome: str | None,
    note: str | None,
    why: str,
    as_of: date | None = None,
) -> dict:
    """A visit, review, training, allegation or other event put right, judged by the rule
    that judged it when it was recorded (crm/domain/households.check_record)."""
    why = check_reason(why)
    _live(record)
    others = [e for e in household.events if e is not record and not e.is_voided]
    try:
        household_rules.check_record(
            record.kind, on, value, _Without(household, events=others), as_of or today()
        )
    except HouseholdRuleError as refused:
        raise CorrectionRefused(str(refused)) from None
    changed = record.correct(why, occurred_on=on, value=value, outcome=outcome, note=note)
    if record.kind is CarerEventKind.COMPLAINT and "occurred_on" in changed:
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.event_id == record.id))
        if complaint is not None:
            complaint.received_on = on  # its response clock runs from the corrected day
    return changed


def void_record(household: Household, record: CarerEvent, why: str, by: User | None) -> None:
    """A record that was wrong voided: a visit that never took place no longer counts as
    the last visit, an allegation entered twice is counted once."""
    why = check_reason(why, "void")
    _live(record)
    record.void(by, why)


def record_allegation_outcome(
    record: CarerEvent,
    outcome: str,
    note: str | None,
    concluded_on: date,
    lado_referred_on: date | None = None,
    as_of: date | None = None,
) -> None:
    """The outcome of an allegation recorded as ongoing, once the investigation ends:
    on the same record, so it is counted once; with the day it concluded (the hold on
    new placements ends then: crm/domain/allegations.py) and, if not yet recorded, the
    day it was referred to the LADO."""
    _live(record)
    if record.kind is not CarerEventKind.ALLEGATION:
        raise CorrectionRefused("Only an allegation has an investigation's outcome.")
    as_of = as_of or today()
    checked = check_allegation_outcome(record.outcome, outcome)
    refused = allegations.check_conclusion(
        record.occurred_on, checked, concluded_on, as_of
    ) or allegations.check_lado_referral(record.occurred_on, lado_referred_on, as_of)
    if refused:
        raise CorrectionRefused(refused)
    record.outcome, record.concluded_on = checked, concluded_on
    if lado_referred_on is not None:
        record.lado_referred_on = lado_referred_on
    if note:
        record.note = f"{record.note}\n\n{note}" if record.note else note


# --- a household's placements -------------------------------------------------------


def _still_within_terms(
    without: _Without, placement: Placement, start: date, child_age: int | None
) -> None:
    """A placement recorded within the terms stays within them when corrected: the
    places, the ages and the usual limit on its (new) start day, as a new one is judged
    (crm/domain/placements.py). One recorded as an emergency or under an exemption keeps
    the footing it was recorded on."""
    if placement.basis not in (None, PlacementBasis.WITHIN_TERMS):
        return
    if start < without.approval_date:
        return  # before full approval: the named child of a temporary approval (reg 24)
    fit = judge_fit(without, start, child_age, placement.care_kind, placement.sibling_group)
    if not fit.within:
        raise HouseholdRuleError(
            f"{fit.described()}. Record it as a new placement, as an emergency or under an "
            "exemption, or change the terms of approval first."
        )


def correct_placement(
    household: Household,
    placement: Placement,
    child_reference: str,
    child_age: int | None,
    start_date: date,
    end_date: date | None,
    ending: PlacementEnding | None,
    why: str,
    as_of: date | None = None,
) -> dict:
    """A placement's child, dates or ending put right, judged by the rules that judge a
    new one (never beyond the approved places that day, within the approval) against
    the household's other placements."""
    why = check_reason(why)
    _live(placement)
    as_of = as_of or today()
    if (end_date is None) != (ending is None):
        raise CorrectionRefused("An ended placement needs its end date and how it ended.")
    others = [p for p in household.placements if p is not placement and not p.is_voided]
    without = _Without(household, placements=others)
    try:
        household_rules.check_placement_start(without, child_reference, start_date, as_of)
        _still_within_terms(without, placement, start_date, child_age)
        if end_date is not None:
            moved = _Without(placement, start_date=start_date)
            household_rules.check_placement_end(without, moved, end_date, as_of)
    except HouseholdRuleError as refused:
        raise CorrectionRefused(str(refused)) from None
    return placement.correct(
        why,
        child_reference=child_reference,
        child_age=child_age,
        start_date=start_date,
        end_date=end_date,
        ending=ending,
    )


def void_placement(household: Household, placement: Placement, why: str, by: User | None):
    """A placement entered on the wrong household, or that never began, voided: its place
    is vacant again on every day it covered."""
    why = check_reason(why, "void")
    _live(placement)
    placement.void(by, why)


# --- reading, voided records included ------------------------------------------------


def recorded(model: type, column: Any, value: int, *order: Any) -> list:
    """Every record of `model` whose `column` is `value`, voided ones included (a page
    shows them struck through), in `order`."""
    query = sa.select(model).where(column == value).order_by(*order)
    return db.session.scalars(query.execution_options(**including_voided())).all()


def get_recorded(model: type, record_id: int) -> Any | None:
    """One record by id, voided or not."""
    return db.session.get(model, record_id, execution_options=including_voided())


def corrections_of(record: Any) -> list:
    """The record's changes since it was made (its corrections and its void) from its
    audit trail, oldest first: each holds the old and new values, and the reason given."""
    return db.session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.entity_type == type(record).__name__,
            AuditEvent.entity_id == str(record.id),
            AuditEvent.action == AuditAction.CHANGED,
        )
        .order_by(AuditEvent.id)
    ).all()


#: Bookkeeping a change carries besides what was corrected; not shown as a change.
_BOOKKEEPING = {"correction_reason", "void_reason", "voided_at", "voided_by_id", "version"}


def change_lines(entry: AuditEvent) -> tuple[list[str], str]:
    """An audit entry of a correction in words: ["date: 3 Apr 2025 → 5 Apr 2025"], and
    the reason given (a void reads "voided")."""
    changes = entry.changes or {}
    lines = [
        f"{name.replace('_', ' ')}: {_shown(old)} → {_shown(new)}"
        for name, (old, new) in changes.items()
        if name not in _BOOKKEEPING
    ]
    if "void_reason" in changes:
        lines.append("voided")
    why = (changes.get("void_reason") or changes.get("correction_reason") or [None, ""])[1]
    return lines, why or ""


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return uk_date(value)
        except ValueError:
            return value
    return str(value).replace("_", " ")

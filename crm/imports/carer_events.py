"""Import the history of approved households: visits, reviews, training, placements...

Columns (exact; household_reference, date and type are required):
    household_reference, date, type, child_reference, value, note

`type` is one of supervision_visit, unannounced_visit, annual_review,
training, tsd_completed, allegation, complaint, placement_start,
placement_end, disruption, break_start, break_end, respite, support_group,
survey. child_reference is
required for the three placement types (a disruption is an unplanned
placement end); value is the hours for training and the 1-5 score for a
survey. Rows are applied in date order through the same services as the
screens, so a visit before approval, an overfilled placement or a placement
end with no start is refused exactly as it would be on screen. A row already
in Hearth is recognised and not added twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from crm.domain.households import HouseholdRuleError
from crm.extensions import db
from crm.imports.reading import RowError, Table, check_headers, parse_date, plain
from crm.imports.result import ImportResult
from crm.models import CarerEventKind, Household, PlacementEnding

COLUMNS = ["household_reference", "date", "type", "child_reference", "value", "note"]
REQUIRED = ["household_reference", "date", "type"]
PLACEMENT_TYPES = {"placement_start", "placement_end", "disruption"}
BREAK_TYPES = {"break_start", "break_end"}
TYPES = sorted({k.value for k in CarerEventKind} | PLACEMENT_TYPES | BREAK_TYPES)
#: A type by its code or its label, whatever its case and spacing.
TYPES_BY_NAME = {
    **{plain(t): t for t in TYPES},
    **{plain(k.label): k.value for k in CarerEventKind},
}


class _Problem(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def _parse(cells: dict[str, str], households: dict[str, Household]):
    household = households.get(cells.get("household_reference", ""))
    if household is None:
        raise _Problem("household_reference", "no such household in Hearth; import it first")
    try:
        on = parse_date(cells.get("date", ""))
    except ValueError as exc:
        raise _Problem("date", str(exc)) from None
    kind = TYPES_BY_NAME.get(plain(cells.get("type", "")))
    if kind is None:
        given = cells.get("type", "")
        raise _Problem("type", f"unknown type {given!r}; use {', '.join(TYPES)}")
    child = cells.get("child_reference") or None
    if kind in PLACEMENT_TYPES and not child:
        raise _Problem("child_reference", f"required for {kind}")
    if child and len(child) > 40:
        raise _Problem("child_reference", "longer than 40 characters")
    value = None
    if cells.get("value"):
        try:
            value = Decimal(cells["value"])
        except InvalidOperation:
            raise _Problem("value", f"{cells['value']!r} is not a number") from None
    return household, on, kind, child, value, cells.get("note") or None


def _already_there(
    household: Household,
    on: date,
    kind: str,
    child: str | None,
    value: Decimal | None,
    note: str | None,
) -> bool:
    if kind == "placement_start":
        return any(p.child_reference == child and p.start_date == on for p in household.placements)
    if kind in ("placement_end", "disruption"):
        return any(p.child_reference == child and p.end_date == on for p in household.placements)
    if kind == "break_start":
        return any(b.start_date == on for b in household.breaks)
    if kind == "break_end":
        return any(b.end_date == on for b in household.breaks)
    return any(
        e.kind.value == kind and e.occurred_on == on and e.note == note and (e.value == value)
        for e in household.events
    )


def _apply(
    household: Household,
    on: date,
    kind: str,
    child: str | None,
    value: Decimal | None,
    note: str | None,
    today: date,
) -> None:
    if kind == "break_start":
        household.start_break(on, note, as_of=today)
    elif kind == "break_end":
        household.end_break(on, as_of=today)
    elif kind == "placement_start":
        household.start_placement(child, on, as_of=today)
    elif kind in ("placement_end", "disruption"):
        ending = PlacementEnding.DISRUPTION if kind == "disruption" else PlacementEnding.PLANNED
        household.end_placement(child, on, ending, as_of=today)
    else:
        household.log_record(CarerEventKind(kind), on, None, value=value, note=note, as_of=today)


def import_carer_events(
    table: Table,
    today: date,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Apply every row in date order; keep nothing if any is bad (unless skip_invalid)."""
    check_headers(table.headers, COLUMNS, REQUIRED)
    references = {c.get("household_reference", "") for c in table.rows}
    households = {
        h.reference: h
        for h in db.session.scalars(sa.select(Household).where(Household.reference.in_(references)))
    }
    result = ImportResult()
    parsed = []
    for number, cells in enumerate(table.rows, start=2):
        try:
            parsed.append((number, *_parse(cells, households)))
        except _Problem as problem:
            result.errors.append(RowError(number, problem.column, problem.reason))
    # A child leaves, or a break ends, before the next arrives or begins on the same day.
    order = {"placement_end": 0, "disruption": 0, "break_end": 0}
    parsed.sort(key=lambda row: (row[2], order.get(row[3], 1), row[0]))
    for number, household, on, kind, child, value, note in parsed:
        try:
            if _already_there(household, on, kind, child, value, note):
                result.unchanged += 1
            else:
                with db.session.begin_nested():
                    _apply(household, on, kind, child, value, note, today)
                result.created += 1
        except HouseholdRuleError as refused:
            column = refused.field or ("child_reference" if kind in PLACEMENT_TYPES else "date")
            result.errors.append(RowError(number, column, str(refused)))
        if progress:
            progress(1)
    result.errors.sort()
    result.bad_rows = {e.row for e in result.errors}
    return result

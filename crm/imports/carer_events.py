"""Import the history of approved households: visits, reviews, training, placements...

Columns (exact; household_reference, date and type are required):
    household_reference, date, type, child_reference, value, note,
    min_age, max_age, categories

`type` is one of supervision_visit, unannounced_visit, annual_review,
training, tsd_completed, allegation, complaint, placement_start,
placement_end, disruption, break_start, break_end, respite, support_group,
survey, terms_change. child_reference is required for the three placement
types (a disruption is an unplanned placement end); value is the hours for
training, the 1-5 score for a survey and the approved places for a
terms_change, whose min_age, max_age and categories (separated by ';') are
the terms of approval in force from its date (the households file holds the
terms in force now).

Rows are applied in date order to each household's history held in memory (a
`Ledger`), through the same rules as the screens (crm.domain.households), so
a visit before approval, an overfilled placement or a placement end with no
start is refused exactly as it would be on screen, judged on the row's own
date. Every row is checked before anything is written; what passes is then
written in a few batched statements (COPY on PostgreSQL), which is what makes
a council's 150,000-row history import in seconds. A row already in Hearth is
recognised and not added twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from crm.domain import households as rules
from crm.domain.households import HouseholdRuleError
from crm.extensions import db
from crm.imports.bulk import audit_imported, insert_rows, update_rows
from crm.imports.households import Warn, care_categories, whole_number
from crm.imports.reading import (
    CellProblem,
    RowError,
    RowWarning,
    Table,
    check_headers,
    parse_date,
    plain,
)
from crm.imports.recorded import CHUNK
from crm.imports.result import ImportResult
from crm.models import (
    ApprovalTerms,
    AuditAction,
    CarerEvent,
    CarerEventKind,
    Household,
    Placement,
    PlacementEnding,
)
from crm.models.availability import HouseholdBreak
from crm.models.spans import running_on
from crm.timeutil import utcnow

COLUMNS = [
    "household_reference", "date", "type", "child_reference", "value", "note",
    "min_age", "max_age", "categories",
]  # fmt: skip
REQUIRED = ["household_reference", "date", "type"]
PLACEMENT_TYPES = {"placement_start", "placement_end", "disruption"}
BREAK_TYPES = {"break_start", "break_end"}
TERMS = "terms_change"
TYPES = sorted({k.value for k in CarerEventKind} | PLACEMENT_TYPES | BREAK_TYPES | {TERMS})
#: A type by its code or its label, whatever its case and spacing.
TYPES_BY_NAME = {
    **{plain(t): t for t in TYPES},
    **{plain(k.label): k.value for k in CarerEventKind},
}
#: On one day: a child leaves, or a break ends, before the next arrives or begins;
#: new terms apply before either.
SAME_DAY_ORDER = {"placement_end": 0, "disruption": 0, "break_end": 0, TERMS: 1}
OTHERS_SAME_DAY = 2


@dataclass
class _Span:
    """A placement or break as the rules read it: dates, and the row it came from."""

    start_date: date
    end_date: date | None = None
    id: int | None = None  # None until written
    child_reference: str | None = None
    reason: str | None = None
    ending: PlacementEnding | None = None
    ended_here: bool = False  # an existing row this import ends

    def running_on(self, day: date) -> bool:
        return running_on(self.start_date, self.end_date, day)


@dataclass
class _Terms:
    """Terms of approval from a date, as the rules read them (ApprovalTerms' shape)."""

    effective_from: date
    places: int
    min_age: int
    max_age: int
    categories: list[str]
    id: int | None = None


@dataclass
class Ledger:
    """One household's history in memory, shaped as the domain rules read a household,
    so the importer checks each row by the screens' rules without a database trip."""

    id: int
    approval_date: date
    deregistration_date: date | None
    terms_history: list[ApprovalTerms | _Terms]
    temporary_approval_date: date | None = None
    temporary_approval_child: str | None = None
    placements: list[_Span] = field(default_factory=list)
    breaks: list[_Span] = field(default_factory=list)
    records: set[tuple] = field(default_factory=set)
    new_records: list[dict] = field(default_factory=list)

    def terms_on(self, on: date) -> ApprovalTerms | None:
        current = None
        for terms in self.terms_history:
            if terms.effective_from <= on:
                current = terms
        return current

    def touched(self) -> bool:
        return bool(self.new_records) or any(
            s.id is None or getattr(s, "ended_here", False)
            for s in [*self.placements, *self.breaks, *self.terms_history]
        )


@dataclass(frozen=True)
class _Row:
    number: int
    ledger: Ledger
    on: date
    kind: str
    child: str | None
    value: Decimal | None
    note: str | None
    terms: _Terms | None = None


def _ledgers(references: Iterable[str]) -> dict[str, Ledger]:
    """The named households' histories, read in a few queries per thousand households."""
    references = sorted(set(references))
    ledgers: dict[str, Ledger] = {}
    for start in range(0, len(references), CHUNK):
        chunk = references[start : start + CHUNK]
        rows = db.session.execute(
            sa.select(
                Household.id,
                Household.reference,
                Household.approval_date,
                Household.deregistration_date,
                Household.temporary_approval_date,
                Household.temporary_approval_child,
            ).where(Household.reference.in_(chunk))
        ).all()
        named = {r.id: r.reference for r in rows}
        found = {
            r.id: Ledger(
                r.id,
                r.approval_date,
                r.deregistration_date,
                [],
                r.temporary_approval_date,
                r.temporary_approval_child,
            )
            for r in rows
        }
        ids = list(found)
        for terms in db.session.scalars(
            sa.select(ApprovalTerms)
            .where(ApprovalTerms.household_id.in_(ids))
            .order_by(ApprovalTerms.effective_from)
        ):
            found[terms.household_id].terms_history.append(terms)
        for p in db.session.execute(
            sa.select(Placement).where(Placement.household_id.in_(ids)).order_by(Placement.id)
        ).scalars():
            found[p.household_id].placements.append(
                _Span(p.start_date, p.end_date, p.id, p.child_reference, ending=p.ending)
            )
        for b in db.session.scalars(
            sa.select(HouseholdBreak)
            .where(HouseholdBreak.household_id.in_(ids))
            .order_by(HouseholdBreak.id)
        ):
            found[b.household_id].breaks.append(_Span(b.start_date, b.end_date, b.id))
        for e in db.session.execute(
            sa.select(
                CarerEvent.household_id,
                CarerEvent.kind,
                CarerEvent.occurred_on,
                CarerEvent.note,
                CarerEvent.value,
            ).where(CarerEvent.household_id.in_(ids))
        ):
            found[e.household_id].records.add((e.kind.value, e.occurred_on, e.note, e.value))
        ledgers.update({reference: found[i] for i, reference in named.items()})
    return ledgers


def _parse(number: int, cells: dict[str, str], ledgers: dict[str, Ledger], warn: Warn) -> _Row:
    ledger = ledgers.get(cells.get("household_reference", ""))
    if ledger is None:
        raise CellProblem("household_reference", "no such household in Hearth; import it first")
    try:
        on = parse_date(cells.get("date", ""))
    except ValueError as exc:
        raise CellProblem("date", str(exc)) from None
    kind = TYPES_BY_NAME.get(plain(cells.get("type", "")))
    if kind is None:
        given = cells.get("type", "")
        raise CellProblem("type", f"unknown type {given!r}; use {', '.join(TYPES)}")
    child = cells.get("child_reference") or None
    if kind in PLACEMENT_TYPES and not child:
        raise CellProblem("child_reference", f"required for {kind}")
    if child and len(child) > 40:
        raise CellProblem("child_reference", "longer than 40 characters")
    note = cells.get("note") or None
    if kind == "break_start" and note and len(note) > 120:
        raise CellProblem("note", "a break's reason is at most 120 characters")
    value = None
    if cells.get("value"):
        try:
            value = Decimal(cells["value"])
        except InvalidOperation:
            raise CellProblem("value", f"{cells['value']!r} is not a number") from None
        if not value.is_finite() or abs(value) >= 10**6:
            raise CellProblem("value", f"{cells['value']!r} is out of range")
    terms = _terms(cells, on, value, warn) if kind == TERMS else None
    return _Row(number, ledger, on, kind, child, value, note, terms)


def _terms(cells: dict[str, str], on: date, places: Decimal | None, warn: Warn) -> _Terms:
    """A terms_change row's terms: the places in `value`, ages and categories beside."""
    if places is None or places != places.to_integral_value():
        raise CellProblem("value", "the approved places, a whole number, for a terms_change")
    min_age = whole_number(cells, "min_age", 0, 0, 21)
    max_age = whole_number(cells, "max_age", 17, 0, 21)
    return _Terms(on, int(places), min_age, max_age, care_categories(cells, warn))


def _already_there(row: _Row) -> bool:
    ledger, on, kind = row.ledger, row.on, row.kind
    if kind == "placement_start":
        return any(p.child_reference == row.child and p.start_date == on for p in ledger.placements)
    if kind in ("placement_end", "disruption"):
        return any(p.child_reference == row.child and p.end_date == on for p in ledger.placements)
    if kind == "break_start":
        return any(b.start_date == on for b in ledger.breaks)
    if kind == TERMS:
        return any(_same_terms(t, row.terms) for t in ledger.terms_history)
    if kind == "break_end":
        return any(b.end_date == on for b in ledger.breaks)
    return (kind, on, row.note, row.value) in ledger.records


def _same_terms(held, given: _Terms) -> bool:
    return (held.effective_from, held.places, held.min_age, held.max_age, held.categories) == (
        given.effective_from,
        given.places,
        given.min_age,
        given.max_age,
        given.categories,
    )


def _apply(row: _Row, today: date) -> None:
    """Check the row by the screens' rules on its own date, then add it to the ledger."""
    ledger, on, kind = row.ledger, row.on, row.kind
    if kind == TERMS:
        terms = row.terms
        rules.check_terms_history(ledger, on, terms.places, terms.min_age, terms.max_age, today)
        ledger.terms_history.append(terms)
        ledger.terms_history.sort(key=lambda t: t.effective_from)
    elif kind == "break_start":
        rules.check_break_start(ledger, on, today)
        ledger.breaks.append(_Span(on, reason=row.note))
    elif kind == "break_end":
        _end(rules.check_break_end(ledger, on, today), on)
    elif kind == "placement_start":
        rules.check_placement_start(ledger, row.child, on, today)
        ledger.placements.append(_Span(on, child_reference=row.child))
    elif kind in ("placement_end", "disruption"):
        placement = rules.open_placement(ledger, row.child)
        rules.check_placement_end(ledger, placement, on, today)
        _end(placement, on)
        placement.ending = (
            PlacementEnding.DISRUPTION if kind == "disruption" else PlacementEnding.PLANNED
        )
    else:
        rules.check_record(CarerEventKind(kind), on, row.value, ledger, today)
        ledger.records.add((kind, on, row.note, row.value))
        ledger.new_records.append(
            {"kind": CarerEventKind(kind), "on": on, "value": row.value, "note": row.note}
        )


def _end(span: _Span, on: date) -> None:
    span.end_date = on
    span.ended_here = span.id is not None


def import_carer_events(
    table: Table,
    today: date,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check every row in date order; write nothing if any is bad (unless skip_invalid),
    else write what passed in batches. Does not commit: the caller commits or rolls back."""
    check_headers(table.headers, COLUMNS, REQUIRED)
    ledgers = _ledgers(c.get("household_reference", "") for c in table.rows)
    result = ImportResult()
    parsed: list[_Row] = []
    for number, cells in enumerate(table.rows, start=2):

        def warn(column: str, assumed: str, n: int = number) -> None:
            result.warnings.append(RowWarning(n, column, assumed))

        try:
            parsed.append(_parse(number, cells, ledgers, warn))
        except CellProblem as problem:
            result.errors.append(RowError(number, problem.column, problem.reason))
    parsed.sort(key=lambda r: (r.on, SAME_DAY_ORDER.get(r.kind, OTHERS_SAME_DAY), r.number))
    for index, row in enumerate(parsed, start=1):
        try:
            if _already_there(row):
                result.unchanged += 1
            else:
                _apply(row, today)
                result.created += 1
        except HouseholdRuleError as refused:
            column = refused.field or ("child_reference" if row.kind in PLACEMENT_TYPES else "date")
            result.errors.append(RowError(row.number, column, str(refused)))
        if progress and index % 5000 == 0:
            progress(5000)
    if progress:
        progress(len(table.rows) - len(parsed) + len(parsed) % 5000)
    result.errors.sort()
    result.bad_rows = {e.row for e in result.errors}
    if result.errors and not skip_invalid:
        result.created = 0
        return result
    _write([ledger for ledger in ledgers.values() if ledger.touched()], today)
    return result


def _write(ledgers: list[Ledger], today: date) -> None:
    """The checked history in batched statements: new records, placements and breaks,
    the ends of existing ones, each household's status as it stands today, and one
    audit entry per household saying what its history gained."""
    now = utcnow()
    events = [
        {
            "household_id": ledger.id,
            "kind": record["kind"],
            "occurred_on": record["on"],
            "value": record["value"],
            "outcome": None,
            "note": record["note"],
            "recorded_by_id": None,
            "recorded_at": now,
        }
        for ledger in ledgers
        for record in ledger.new_records
    ]
    placements = [
        {
            "household_id": ledger.id,
            "child_reference": p.child_reference,
            "child_age": None,
            "start_date": p.start_date,
            "end_date": p.end_date,
            "ending": p.ending,
        }
        for ledger in ledgers
        for p in ledger.placements
        if p.id is None
    ]
    breaks = [
        {
            "household_id": ledger.id,
            "start_date": b.start_date,
            "end_date": b.end_date,
            "reason": b.reason,
        }
        for ledger in ledgers
        for b in ledger.breaks
        if b.id is None
    ]
    terms = [
        {
            "household_id": ledger.id,
            "effective_from": t.effective_from,
            "places": t.places,
            "min_age": t.min_age,
            "max_age": t.max_age,
            "categories": t.categories,
            "recorded_by_id": None,
        }
        for ledger in ledgers
        for t in ledger.terms_history
        if isinstance(t, _Terms)
    ]
    batches = ((CarerEvent, events), (Placement, placements), (HouseholdBreak, breaks))
    for model, rows in (*batches, (ApprovalTerms, terms)):
        for start in range(0, len(rows), 10 * CHUNK):
            insert_rows(model, rows[start : start + 10 * CHUNK])
    update_rows(
        Placement,
        [
            {"id": p.id, "end_date": p.end_date, "ending": p.ending}
            for ledger in ledgers
            for p in ledger.placements
            if p.ended_here
        ],
    )
    update_rows(
        HouseholdBreak,
        [
            {"id": b.id, "end_date": b.end_date}
            for ledger in ledgers
            for b in ledger.breaks
            if b.ended_here
        ],
    )
    update_rows(
        Household,
        [{"id": ledger.id, "status": rules.status_on(ledger, today)} for ledger in ledgers],
    )
    audit_imported(
        AuditAction.CHANGED,
        "Household",
        {ledger.id: f"history imported: {_described(ledger)}" for ledger in ledgers},
    )


def _described(ledger: Ledger) -> str:
    """'3 placements, 1 break, 12 supervision visits' for the audit trail."""
    counts: Counter[str] = Counter()
    for p in ledger.placements:
        if p.id is None or p.ended_here:
            counts["placement" if p.id is None else "placement ended"] += 1
    for b in ledger.breaks:
        if b.id is None or b.ended_here:
            counts["break" if b.id is None else "break ended"] += 1
    for record in ledger.new_records:
        counts[record["kind"].label.lower()] += 1
    earlier = sum(isinstance(t, _Terms) for t in ledger.terms_history)
    if earlier:
        counts["earlier terms of approval"] += earlier
    return ", ".join(f"{n} × {what}" for what, n in sorted(counts.items()))


__all__ = ["COLUMNS", "REQUIRED", "TYPES", "Ledger", "import_carer_events"]

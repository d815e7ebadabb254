"""Import the history of approved households: visits, reviews, training, placements...

Columns (exact; household_reference, date and type are required):
    household_reference, date, type, child_reference, value, note,
    min_age, max_age, categories, child_birth_date, child_age

`type` is one of supervision_visit, unannounced_visit, annual_review,
training, tsd_completed, allegation, complaint, placement_start,
placement_end, disruption, break_start, break_end, respite, support_group,
survey, terms_change. child_reference is required for the three placement
types (a disruption is an unplanned placement end); value is the hours for
training, the 1-5 score for a survey and the approved places for a
terms_change, whose min_age, max_age and categories (separated by ';') are
the terms of approval in force from its date (the households file holds the
terms in force now). A placement_start gives the child's child_birth_date, or
where that is not held child_age, their age when it started: the sufficiency
table counts each filled place in the child's age band by them. A placement
already in Hearth without either gains them from a file that has them.

Rows are applied in date order to each household's history held in memory (a
`Ledger`), through the same rules as the screens (crm.domain.households), so
a visit before approval or a placement end with no start is refused exactly
as it would be on screen, judged on the row's own date. A placement outside
the terms of approval or the usual fostering limit is history, not a mistake:
it is kept, marked, and named in the preview's warnings. Every row is checked
before anything is written; what passes is then written in a few batched
statements (COPY on PostgreSQL), which is what makes a council's 150,000-row
history import in seconds. A row already in Hearth is recognised and not added
twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from crm.domain import households as rules
from crm.domain.households import HouseholdRuleError
from crm.domain.placements import Fit, PlacementBasis, judge_fit
from crm.domain.sufficiency import age_at_start
from crm.imports.households import Warn, care_categories, whole_number
from crm.imports.ledger import Ledger, Span, TermsFrom, load_ledgers, write_ledgers
from crm.imports.reading import (
    CellProblem,
    RowError,
    RowWarning,
    Table,
    check_headers,
    parse_date,
    plain,
)
from crm.imports.result import ImportResult
from crm.models import (
    CarerEventKind,
    PlacementEnding,
)

COLUMNS = [
    "household_reference", "date", "type", "child_reference", "value", "note",
    "min_age", "max_age", "categories", "child_birth_date", "child_age",
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


@dataclass(frozen=True)
class _Row:
    number: int
    ledger: Ledger
    on: date
    kind: str
    child: str | None
    value: Decimal | None
    note: str | None
    terms: TermsFrom | None = None
    birth_date: date | None = None
    age: int | None = None


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
    birth_date, age = _childs_age(cells, kind)
    return _Row(number, ledger, on, kind, child, value, note, terms, birth_date, age)


def _childs_age(cells: dict[str, str], kind: str) -> tuple[date | None, int | None]:
    """A placement_start's child's date of birth and age at the start, where given."""
    born, aged = cells.get("child_birth_date") or "", cells.get("child_age") or ""
    if not (born or aged):
        return None, None
    if kind not in PLACEMENT_TYPES:
        column = "child_birth_date" if born else "child_age"
        raise CellProblem(column, "only for a placement_start")
    birth_date = None
    if born:
        try:
            birth_date = parse_date(born)
        except ValueError as exc:
            raise CellProblem("child_birth_date", str(exc)) from None
    age = whole_number(cells, "child_age", None, 0, 25) if aged else None
    return birth_date, age


def _terms(cells: dict[str, str], on: date, places: Decimal | None, warn: Warn) -> TermsFrom:
    """A terms_change row's terms: the places in `value`, ages and categories beside."""
    if places is None or places != places.to_integral_value():
        raise CellProblem("value", "the approved places, a whole number, for a terms_change")
    min_age = whole_number(cells, "min_age", 0, 0, 21)
    max_age = whole_number(cells, "max_age", 17, 0, 21)
    return TermsFrom(on, int(places), min_age, max_age, care_categories(cells, warn))


def _already_there(row: _Row) -> bool:
    ledger, on, kind = row.ledger, row.on, row.kind
    if kind == "placement_start":
        held = _placement_started(row)
        return held is not None and not (_age_given(row) and _age_missing(held))
    if kind in ("placement_end", "disruption"):
        return any(p.child_reference == row.child and p.end_date == on for p in ledger.placements)
    if kind == "break_start":
        return any(b.start_date == on for b in ledger.breaks)
    if kind == TERMS:
        return any(_same_terms(t, row.terms) for t in ledger.terms_history)
    if kind == "break_end":
        return any(b.end_date == on for b in ledger.breaks)
    return (kind, on, row.note, row.value) in ledger.records


def _placement_started(row: _Row) -> Span | None:
    """The placement this placement_start row records, if the ledger holds it."""
    return next(
        (
            p
            for p in row.ledger.placements
            if p.child_reference == row.child and p.start_date == row.on
        ),
        None,
    )


def _age_given(row: _Row) -> bool:
    return row.birth_date is not None or row.age is not None


def _age_missing(placement: Span) -> bool:
    return placement.child_birth_date is None and placement.child_age is None


def _same_terms(held, given: TermsFrom) -> bool:
    return (held.effective_from, held.places, held.min_age, held.max_age, held.categories) == (
        given.effective_from,
        given.places,
        given.min_age,
        given.max_age,
        given.categories,
    )


def _placed(
    ledger: Ledger, child: str, on: date, birth_date: date | None, age: int | None
) -> str | None:
    """A placement from the council's history, judged against the terms in force and
    the usual limit (crm/domain/placements.py) as far as the file tells (the child's age
    when it gives one; it has no kind of care): history is never refused for being
    outside them, it is kept and marked, and the preview says so (the words returned)."""
    fit = judge_fit(ledger, on, age) if on >= ledger.approval_date else Fit()
    span = Span(
        on,
        child_reference=child,
        child_birth_date=birth_date,
        child_age=age,
        basis=PlacementBasis.WITHIN_TERMS,
    )
    ledger.placements.append(span)
    if fit.within:
        return None
    span.basis, span.outside_terms = PlacementBasis.IMPORTED_OUTSIDE_TERMS, fit.described()
    return f"kept, marked outside the terms of approval: {span.outside_terms}"


def _apply(row: _Row, today: date) -> str | None:
    """Check the row by the screens' rules on its own date, then add it to the ledger;
    the words of a warning, when the row is kept but marked."""
    ledger, on, kind = row.ledger, row.on, row.kind
    if kind == TERMS:
        terms = row.terms
        rules.check_terms_history(ledger, on, terms.places, terms.min_age, terms.max_age, today)
        ledger.terms_history.append(terms)
        ledger.terms_history.sort(key=lambda t: t.effective_from)
    elif kind == "break_start":
        rules.check_break_start(ledger, on, today)
        ledger.breaks.append(Span(on, reason=row.note))
    elif kind == "break_end":
        _end(rules.check_break_end(ledger, on, today), on)
    elif kind == "placement_start":
        return _start(row, today)
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


def _start(row: _Row, today: date) -> str | None:
    """A placement starts, with its child's age; one already held without the child's
    age gains it from the file. The words of a warning when it is kept but marked."""
    age = age_at_start(row.on, row.birth_date, row.age)
    held = _placement_started(row)
    if held is not None:
        held.child_birth_date, held.child_age = row.birth_date, age
        held.aged_here = held.id is not None
        return None
    rules.check_placement_start(row.ledger, row.child, row.on, today)
    return _placed(row.ledger, row.child, row.on, row.birth_date, age)


def _judge(row: _Row, today: date, result: ImportResult) -> None:
    """One row counted as unchanged, created (with a warning when kept but marked) or
    refused with its reason."""
    try:
        if _already_there(row):
            result.unchanged += 1
            return
        if marked := _apply(row, today):
            result.warnings.append(RowWarning(row.number, "child_reference", marked))
        result.created += 1
    except HouseholdRuleError as refused:
        column = refused.field or ("child_reference" if row.kind in PLACEMENT_TYPES else "date")
        result.errors.append(RowError(row.number, column, str(refused)))


def _end(span: Span, on: date) -> None:
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
    ledgers = load_ledgers(c.get("household_reference", "") for c in table.rows)
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
        _judge(row, today, result)
        if progress and index % 5000 == 0:
            progress(5000)
    if progress:
        progress(len(table.rows) - len(parsed) + len(parsed) % 5000)
    result.errors.sort()
    result.bad_rows = {e.row for e in result.errors}
    if result.errors and not skip_invalid:
        result.created = 0
        return result
    write_ledgers([ledger for ledger in ledgers.values() if ledger.touched()], today)
    return result


__all__ = ["COLUMNS", "REQUIRED", "TYPES", "import_carer_events"]

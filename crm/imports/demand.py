"""Importing the demand profile: each month's children looked after, as counts by age
band, placement type and need, from the children's system. All or nothing; a month
imported again replaces its counts (so a corrected file is simply imported again)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import sqlalchemy as sa

from crm.domain.sufficiency import (
    AGE_BAND_WORDS,
    NEED_WORDS,
    PLACEMENT_TYPE_WORDS,
    AgeBand,
    Need,
    PlacementType,
)
from crm.extensions import db
from crm.imports.households import whole_number
from crm.imports.reading import (
    CellProblem,
    RowError,
    Table,
    by_name,
    check_headers,
    parse_date,
    plain,
)
from crm.imports.result import ImportResult
from crm.models import DemandCount

COLUMNS = ["month", "age_band", "placement_type", "need", "children"]
REQUIRED = ["month", "age_band", "placement_type", "children"]
#: More children than any English council looks after in one cell is a typing slip.
MOST_CHILDREN = 20_000

Key = tuple[date, AgeBand, PlacementType, Need]


def parse_month(text: str) -> date:
    """The month a cell names, as its first day: 2025-04, 04/2025, Apr 2025, April 2025,
    or any date in it (2025-04-30, 30/04/2025)."""
    for pattern in ("%Y-%m", "%m/%Y", "%b %Y", "%B %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    try:
        return parse_date(text).replace(day=1)
    except ValueError:
        raise ValueError(f"{text!r} is not a month; write it as 2025-04 or April 2025") from None


def _choice(cells: dict[str, str], column: str, options, words: dict) -> object:
    given = cells.get(column, "")
    found = by_name(options, given, {plain(k): v for k, v in words.items()})
    if found is None:
        known = "; ".join(o.label for o in options)
        raise CellProblem(column, f"unknown {given!r}; use one of: {known}")
    return found


def _parse(cells: dict[str, str], today: date) -> tuple[Key, int]:
    if not cells.get("month"):
        raise CellProblem("month", "required")
    try:
        month = parse_month(cells["month"])
    except ValueError as exc:
        raise CellProblem("month", str(exc)) from None
    if month > today.replace(day=1):
        raise CellProblem("month", f"{month:%B %Y} has not happened yet")
    key = (
        month,
        _choice(cells, "age_band", AgeBand, AGE_BAND_WORDS),
        _choice(cells, "placement_type", PlacementType, PLACEMENT_TYPE_WORDS),
        _choice(cells, "need", Need, NEED_WORDS),
    )
    if cells.get("children", "").startswith("-"):
        raise CellProblem("children", f"cannot be negative ({cells['children']})")
    return key, whole_number(cells, "children", None, 0, MOST_CHILDREN)


def _needs_within_totals(rows: dict[Key, tuple[int, int]]) -> list[RowError]:
    """Children with a need are some of the band's children: never more than its total."""
    errors = []
    for (month, band, kind, need), (number, children) in rows.items():
        total = rows.get((month, band, kind, Need.ALL))
        if need is not Need.ALL and total is not None and children > total[1]:
            errors.append(
                RowError(
                    number,
                    "children",
                    f"{children} {need.label.lower()} is more than the {total[1]} children "
                    f"in all (row {total[0]})",
                )
            )
    return errors


def read_rows(table: Table, today: date) -> tuple[dict[Key, tuple[int, int]], list[RowError]]:
    """Each row's count by its key, with its row number; every bad row reported."""
    check_headers(table.headers, COLUMNS, REQUIRED)
    rows: dict[Key, tuple[int, int]] = {}
    errors = []
    for number, cells in enumerate(table.rows, start=2):
        try:
            key, children = _parse(cells, today)
        except CellProblem as problem:
            errors.append(RowError(number, problem.column, problem.reason))
            continue
        if key in rows:
            errors.append(RowError(number, "month", f"repeats row {rows[key][0]}"))
            continue
        rows[key] = (number, children)
    return rows, sorted(errors + _needs_within_totals(rows))


def import_demand(
    table: Table,
    today: date,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check every row, then write the counts: new ones added, changed ones replaced,
    the same ones left alone. Does not commit."""
    rows, errors = read_rows(table, today)
    result = ImportResult(errors=errors, bad_rows={e.row for e in errors})
    if progress:
        progress(len(table.rows))
    if errors and not skip_invalid:
        return result
    good = {key: n for key, (number, n) in rows.items() if number not in result.bad_rows}
    held = {
        c.key: c
        for c in db.session.scalars(
            sa.select(DemandCount).where(DemandCount.month.in_({key[0] for key in good}))
        )
    }
    for key, children in good.items():
        count = held.get(key)
        if count is None:
            month, band, kind, need = key
            db.session.add(
                DemandCount(
                    month=month, age_band=band, placement_type=kind, need=need, children=children
                )
            )
            result.created += 1
        elif count.children != children:
            count.children = children
            result.updated += 1
        else:
            result.unchanged += 1
    db.session.flush()  # audited there, each count created or changed, as on a screen
    return result

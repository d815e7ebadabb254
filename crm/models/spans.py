"""When a dated span runs: one rule for households, placements and breaks.

A span runs on a day when it started on or before that day and had not ended
by it. An end date is the first day it no longer runs: a child who left on a
day is not placed that day; a household deregistered on a day is not current
that day (domain.md: households at the end of a period are "approved on or
before its last day and not deregistered on or before it").

The same rule is needed on loaded rows, inside SQL and over pandas frames (the
retention model); `running_on` speaks all three, so no caller restates it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute


def running_on(start: Any, end: Any, day: Any) -> Any:
    """True (or a SQL clause, or a boolean Series) where [start, end) covers `day`."""
    if isinstance(start, QueryableAttribute | sa.ColumnElement):
        return sa.and_(start <= day, sa.or_(end.is_(None), end > day))
    if start is None or isinstance(start, date):
        return start is not None and start <= day and (end is None or end > day)
    return (start <= day) & (end.isna() | (end > day))  # pandas Series


def in_force_on(
    changes: Any, day: Any, *, per: str = "household_id", where: Iterable[Any] = ()
) -> Any:
    """The dated change in force on `day`: the latest whose `effective_from` is on or
    before it, the later record winning a tie. One rule for every dated change that
    replaces the one before (terms of approval above all).

    Terms of approval are given in writing at approval and changed only through a
    review (Fostering Services (England) Regulations 2011, regs 27 and 28). A change the
    carers agreed can apply at once; one they have not agreed applies no sooner than 28
    days after notice of the proposal, and not until the decision if they make
    representations or apply to the independent review mechanism; so terms are often
    recorded today to apply from a later day, and until then the old terms stand.

    Speaks three forms, as `running_on` does:
    - loaded rows (one owner's changes, in the order recorded) -> the row, or None;
    - a mapped class -> a subquery of its rows in force on `day`, one per `per`
      (`where` narrows the rows read, e.g. to some households);
    - a pandas DataFrame with `per` and `effective_from` (and `id`, if it has one)
      -> its rows in force on `day`, one per `per`, indexed by `per`.
    """
    if isinstance(changes, type) and hasattr(changes, "__table__"):
        return _in_force_sql(changes, day, per, where)
    if hasattr(changes, "groupby"):  # a pandas DataFrame
        eligible = changes[changes["effective_from"] <= day]
        order = ["effective_from", "id"] if "id" in changes else ["effective_from"]
        newest = eligible.sort_values([per, *order], kind="stable").groupby(per).tail(1)
        return newest.set_index(per)
    current = None
    for change in changes:
        if change.effective_from <= day and (
            current is None or change.effective_from >= current.effective_from
        ):
            current = change
    return current


def _in_force_sql(model: type, day: Any, per: str, where: Iterable[Any]) -> sa.Subquery:
    newest = sa.func.row_number().over(
        partition_by=getattr(model, per), order_by=(model.effective_from.desc(), model.id.desc())
    )
    ranked = (
        sa.select(*model.__table__.c, newest.label("newest_first"))
        .where(model.effective_from <= day, *where)
        .subquery()
    )
    kept = [column for column in ranked.c if column.name != "newest_first"]
    return sa.select(*kept).where(ranked.c.newest_first == 1).subquery()

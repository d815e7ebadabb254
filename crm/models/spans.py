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

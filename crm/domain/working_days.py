"""Working days in England and Wales: weekdays that are not bank holidays.

Bank holidays come from the maintained `holidays` package rather than a list
kept here; numpy's business-day counter does the counting, so metrics can
count for a whole column of dates at once.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
import numpy as np


@lru_cache(maxsize=1)
def _bank_holidays() -> np.ndarray:
    years = range(1990, date.today().year + 3)
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=years)
    return np.array(sorted(calendar), dtype="datetime64[D]")


def is_working_day(day: date) -> bool:
    return bool(np.is_busday(np.datetime64(day, "D"), holidays=_bank_holidays()))


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 on the same day).

    An enquiry on a Friday answered on the Monday took 1 working day.
    """
    if end <= start:
        return 0
    return int(
        np.busday_count(
            start + timedelta(days=1), end + timedelta(days=1), holidays=_bank_holidays()
        )
    )


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days after `start`: the inverse of working_days_between
    (a Saturday counts from the Friday before it, so six working days after Saturday
    7 March 2026 is Monday 16 March, as after Friday 6 March)."""
    last = np.busday_offset(
        np.datetime64(start, "D"), days, roll="backward", holidays=_bank_holidays()
    )
    return last.astype(date)


def working_days_vector(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """working_days_between for arrays of datetime64[D] dates, element by element."""
    starts = starts.astype("datetime64[D]") + np.timedelta64(1, "D")
    ends = ends.astype("datetime64[D]") + np.timedelta64(1, "D")
    counts = np.busday_count(starts, np.maximum(ends, starts), holidays=_bank_holidays())
    return counts

"""Time in one place: stored as naive UTC, shown and reasoned about in UK time.

Timestamps are stored as naive UTC because SQLite drops time zones; dates that
people enter (an enquiry date, a visit date) are plain calendar dates in the
UK and are never converted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """The current moment as naive UTC, the form every timestamp is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in the UK, which is what 'today' means to a council."""
    return datetime.now(UK).date()


def to_uk(moment: datetime) -> datetime:
    """A stored naive-UTC timestamp as UK local time, for display."""
    return moment.replace(tzinfo=UTC).astimezone(UK)

"""How dates and numbers are shown to people: the UK way (3 Apr 2025)."""

from __future__ import annotations

from datetime import date, datetime

from crm.timeutil import to_uk


def uk_date(value: date | datetime | str | None, missing: str = "") -> str:
    """3 Apr 2025. Datetimes are stored as UTC and shown on the UK calendar; ISO
    date strings (as stored figures hold them) are read first."""
    if value is None:
        return missing
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = to_uk(value).date()
    return f"{value.day} {value:%b %Y}"


def uk_datetime(value: datetime | None, missing: str = "") -> str:
    """3 Apr 2025, 14:05 in UK time."""
    if value is None:
        return missing
    local = to_uk(value)
    return f"{local.day} {local:%b %Y, %H:%M}"


def whole_days(value: float | int | None, missing: str = "–") -> str:
    """A count of days as a whole number: a median of 180.0 or a percentile of 30.25 days
    reads 180 or 30 (rounded half up), as nobody counts quarter days."""
    if value is None:
        return missing
    return f"{int(value + 0.5):,}"


def percent(value: float | None, missing: str = "–") -> str:
    """0.1234 -> 12.3%; None (nothing to divide by) -> an en dash."""
    if value is None:
        return missing
    return f"{value * 100:.1f}%"

"""How dates and numbers are shown to people: the UK way (3 Apr 2025)."""

from __future__ import annotations

from datetime import date, datetime

from markupsafe import Markup

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


def phone_href(number: str | None) -> str | None:
    """The `tel:` address of a number as typed ("0116 496 0123" -> "tel:+441164960123"),
    so a phone dials it with a tap; None when what was typed holds no number to dial."""
    if not number:
        return None
    digits = "".join(ch for ch in number if ch.isdigit())
    if number.strip().startswith("+"):
        dialled = "+" + digits
    elif digits.startswith("00"):
        dialled = "+" + digits[2:]
    elif digits.startswith("0") and len(digits) >= 10:
        dialled = "+44" + digits[1:]
    else:
        dialled = digits
    return f"tel:{dialled}" if len(digits) >= 6 else None


def address_line(*parts: str | None, missing: str = "—") -> str:
    """The parts of an address that are recorded, joined by commas: a postcode alone reads
    "LE2 3AB", never "—, LE2 3AB"; nothing recorded reads as `missing`."""
    given = [p.strip() for p in parts if p and p.strip()]
    return ", ".join(given) if given else missing


def phone_link(number: str | None, missing: str = "—") -> Markup:
    """A number shown as typed, as a link a phone dials with a tap when it holds one."""
    if not number:
        return Markup.escape(missing)
    href = phone_href(number)
    if href is None:
        return Markup.escape(number)
    return Markup('<a href="{}">{}</a>').format(href, number)

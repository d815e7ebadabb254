"""Dates and months typed into a page, a query string, the API or a command: one parser
and one sane range for all of them.

Python's dates run from year 1 to 9999, but the rules built on them do not: a financial
year before year 1 or a month after 9999 does not exist, and `/api/metrics?from=0001-01-01`
answered a 500. Anything outside 1900 to 2200 is refused, as a 400 that says so."""

from __future__ import annotations

import re
from datetime import date, datetime

from werkzeug.exceptions import BadRequest

EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
IN_RANGE = f"between {EARLIEST.year} and {LATEST.year}"

_MONTH = re.compile(r"(\d{4})-(\d{2})")


class DateOutOfRange(BadRequest):
    """A well-formed date outside the range Hearth reasons about (a 400 saying which)."""

    def __init__(self, name: str, raw: str):
        super().__init__(f"'{name}' must be a date {IN_RANGE}, not {raw.strip()[:40]!r}.")


def in_range(day: date, name: str) -> date:
    """`day`, if it lies in the range; else DateOutOfRange."""
    if not EARLIEST <= day <= LATEST:
        raise DateOutOfRange(name, day.isoformat())
    return day


def parse_date(raw: str, name: str) -> date:
    """A date as YYYY-MM-DD. ValueError if it is not one; DateOutOfRange if it is one
    outside the range."""
    text = raw.strip()
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()  # as a browser's date box sends it
    except ValueError:
        raise ValueError(f"'{name}' must be a date as YYYY-MM-DD, not {text[:40]!r}.") from None
    try:
        return in_range(day, name)
    except DateOutOfRange:
        raise DateOutOfRange(name, raw) from None


def parse_month(raw: str, name: str) -> date:
    """A month as YYYY-MM, as its first day. ValueError if it is not one; DateOutOfRange
    if it is one outside the range."""
    found = _MONTH.fullmatch(raw.strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise ValueError(f"'{name}' must be a month as YYYY-MM, not {raw.strip()[:40]!r}.")
    year = int(found[1])
    if not EARLIEST.year <= year <= LATEST.year:
        raise DateOutOfRange(name, raw)
    return date(year, int(found[2]), 1)

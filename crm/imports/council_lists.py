"""Matching a file's free text to the council's own lists, once per file."""

from __future__ import annotations

from collections.abc import Callable

from crm.enquiry_sources import SourceMatcher, campaign_names
from crm.imports.reading import CellProblem, RowWarning
from crm.plain_text import plain


class CouncilLists:
    """The council's lists (enquiry sources, campaigns) as one file meets them: values
    matched, mapped or added (said once each, with how many rows), and sources on no
    list (refused, counted)."""

    def __init__(self, matcher: SourceMatcher):
        self.matcher = matcher
        self.decided: dict[tuple[str, str], list[int]] = {}  # (column, how) -> its rows
        self.unknown: dict[str, int] = {}  # a value as first spelt -> rows
        self.campaigns = campaign_names()
        self.unlisted: dict[str, str] = {}  # a campaign on no list, as first spelt

    def source(self, number: int, given: str, warn: Callable[[str, str], None]) -> str:
        """The source code for a row's value (blank: other, said as a warning)."""
        if not given:
            warn("source", "not recorded: counted as other")
            return "other"
        code, decided = self.matcher.match(given)
        if code is None:
            spelt = next((k for k in self.unknown if plain(k) == plain(given)), given)
            self.unknown[spelt] = self.unknown.get(spelt, 0) + 1
            raise CellProblem(
                "source",
                f"{given!r} is not on the council's list of enquiry sources: map it to "
                "one, or add it as a new source",
            )
        if decided:
            self.decided.setdefault(("source", decided), []).append(number)
        return code

    def campaign(self, number: int, given: str) -> str | None:
        """The campaign as the council's list spells it; a campaign not on the list is
        kept as written (said once, with its rows): its cost is simply not known."""
        given = " ".join(given.split())
        if not given:
            return None
        if plain(given) in self.campaigns:
            return self.campaigns[plain(given)]
        spelt = self.unlisted.setdefault(plain(given), given)  # later spellings follow it
        how = f"{spelt!r} is not on the campaigns list (Admin > Campaigns): kept as written"
        self.decided.setdefault(("campaign", how), []).append(number)
        return spelt

    def warnings(self) -> list[RowWarning]:
        return [
            RowWarning(rows[0], column, f"{how} ({len(rows)} row{'s' if len(rows) > 1 else ''})")
            for (column, how), rows in self.decided.items()
        ]

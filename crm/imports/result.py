"""What an import did, for every importer."""

from __future__ import annotations

from dataclasses import dataclass, field

from crm.imports.reading import RowError, RowWarning


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: Values assumed for blanks or free text, listed apart from errors: they import.
    warnings: list[RowWarning] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    #: Values on none of the council's lists (enquiry sources), with how many rows each.
    unknown_sources: dict[str, int] = field(default_factory=dict)
    #: How the import ran, where the person running it should know (not about any row).
    notes: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.created + self.updated + self.unchanged

"""What an import did, for every importer."""

from __future__ import annotations

from dataclasses import dataclass, field

from crm.imports.reading import RowError


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)

    @property
    def written(self) -> int:
        return self.created + self.updated + self.unchanged

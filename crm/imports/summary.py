"""Headline figures an import preview shows before and after, so a council sees what
a file would do to its service before anything is kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from crm.clocks import clocks_of, sync_flags
from crm.domain.stages import OPEN_STAGES
from crm.extensions import db
from crm.imports.bulk import refresh_statistics
from crm.imports.reading import Table
from crm.imports.result import ImportResult
from crm.models import CarerEvent, Case, Household, Placement
from crm.timeutil import today


def headline_counts() -> dict[str, int]:
    """Cases, open cases, approved households now, placements and recorded events."""

    def count(query: sa.Select) -> int:
        return int(db.session.scalar(query) or 0)

    return {
        "cases": count(sa.select(sa.func.count()).select_from(Case)),
        "open cases": count(sa.select(sa.func.count()).where(Case.stage.in_(OPEN_STAGES))),
        "approved cases": count(sa.select(sa.func.count()).where(Case.approval_date.isnot(None))),
        "approved households": count(sa.select(sa.func.count()).select_from(Household)),
        "households current today": count(
            sa.select(sa.func.count()).where(Household.current_on(today()))
        ),
        "placements": count(sa.select(sa.func.count()).select_from(Placement)),
        "carer events": count(sa.select(sa.func.count()).select_from(CarerEvent)),
    }


@dataclass
class ImportOutcome:
    """What an import did or would do: its result, the headline figures before and
    after, and whether it was kept."""

    result: ImportResult
    before: dict[str, int]
    after: dict[str, int]
    kept: bool

    def figures(self) -> list[tuple[str, int, int]]:
        return [(name, value, self.after[name]) for name, value in self.before.items()]


def apply_import(
    importer: Callable[..., ImportResult],
    table: Table,
    as_of: date,
    keep: bool,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    **decisions,
) -> ImportOutcome:
    """Run an importer and keep what it wrote only when asked to and it may be kept (no
    bad row, or skip_invalid); otherwise roll it all back, so a preview and an import
    are the same run. The command line and the upload page both come through here."""
    before = headline_counts()
    result = importer(table, as_of, skip_invalid, progress=progress, **decisions)
    after = headline_counts()
    kept = keep and not (result.errors and not skip_invalid)
    if kept:
        db.session.commit()
        refresh_statistics()
        # A bulk write passes the session's write hook by: judge every clock now, as
        # the nightly run would, so the counts and lists are true straight away.
        sync_flags(today(), clocks_of("flag_work"))
        db.session.commit()
    else:
        db.session.rollback()
    return ImportOutcome(result, before, after, kept)

"""Headline figures an import preview shows before and after, so a council sees what
a file would do to its service before anything is kept."""

from __future__ import annotations

import sqlalchemy as sa

from crm.domain.stages import OPEN_STAGES
from crm.extensions import db
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

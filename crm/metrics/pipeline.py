"""The pipeline as it stands now: how many open cases are at each stage."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from crm.domain.stages import OPEN_STAGES, Stage
from crm.extensions import db
from crm.models import Case, Household, HouseholdStatus


@dataclass(frozen=True)
class PipelineNow:
    by_stage: dict[Stage, int]
    on_hold: int
    current_households: int

    @property
    def open_cases(self) -> int:
        return sum(self.by_stage.values())


def pipeline_now() -> PipelineNow:
    """Open cases per stage (cases on hold counted in their stage and apart)."""
    rows = db.session.execute(
        sa.select(Case.stage, sa.func.count())
        .where(Case.stage.in_(OPEN_STAGES))
        .group_by(Case.stage)
    ).all()
    counts = {stage: 0 for stage in OPEN_STAGES}
    counts.update({stage: n for stage, n in rows})
    on_hold = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Case)
        .where(Case.on_hold.is_(True), Case.stage.in_(OPEN_STAGES))
    )
    households = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Household)
        .where(Household.status.in_((HouseholdStatus.ACTIVE, HouseholdStatus.ON_BREAK)))
    )
    return PipelineNow(by_stage=counts, on_hold=on_hold or 0, current_households=households or 0)

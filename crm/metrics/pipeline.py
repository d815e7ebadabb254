"""The pipeline as it stands now: how many open cases are at each stage."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from crm.domain.stages import OPEN_STAGES, Stage
from crm.extensions import db
from crm.models import Case, Household, HouseholdStatus
from crm.models.case import STAGE_ENTERED_ON


@dataclass(frozen=True)
class PipelineNow:
    by_stage: dict[Stage, int]
    on_hold: int
    current_households: int
    oldest: dict[Stage, list[Case]]

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
    return PipelineNow(
        by_stage=counts,
        on_hold=on_hold or 0,
        current_households=households or 0,
        oldest=oldest_by_stage(),
    )


def oldest_by_stage(limit: int = 3) -> dict[Stage, list[Case]]:
    """The cases that have waited longest in each open stage (the ones to chase first)."""
    return {
        stage: list(
            db.session.scalars(
                sa.select(Case)
                .where(Case.stage == stage)
                .order_by(entered.asc(), Case.id)
                .limit(limit)
            )
        )
        for stage, entered in STAGE_ENTERED_ON.items()
    }

"""The pipeline as it stands now: how many open cases are at each stage."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import sqlalchemy as sa

from crm.domain.stages import OPEN_STAGES, Stage
from crm.extensions import db
from crm.models import Case, Household
from crm.models.case import STAGE_ENTERED_ON
from crm.timeutil import today


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
        sa.select(Case.stage, Case.on_hold, sa.func.count())
        .where(Case.stage.in_(OPEN_STAGES))
        .group_by(Case.stage, Case.on_hold)
    ).all()
    counts = {stage: 0 for stage in OPEN_STAGES}
    on_hold = 0
    for stage, held, n in rows:
        counts[stage] += n
        on_hold += n if held else 0
    households = db.session.scalar(
        sa.select(sa.func.count()).select_from(Household).where(Household.current_on(today()))
    )
    return PipelineNow(
        by_stage=counts,
        on_hold=on_hold,
        current_households=households or 0,
    )


def oldest_by_stage(limit: int = 3) -> dict[str, list[dict]]:
    """The cases that have waited longest in each open stage (the ones to chase first),
    keyed by stage value, as plain data so that the dashboard's snapshot can keep it.

    One pass over the open cases through the stage index, picking in Python: asked to
    ORDER BY a date LIMIT 3, PostgreSQL walked the date index through every closed
    case instead."""
    entered = sa.case(
        *((Case.stage == stage, column) for stage, column in STAGE_ENTERED_ON.items())
    )
    waiting: dict[Stage, list[tuple]] = {stage: [] for stage in STAGE_ENTERED_ON}
    for case_id, stage, since in db.session.execute(
        sa.select(Case.id, Case.stage, entered).where(Case.stage.in_(OPEN_STAGES))
    ):
        if since is not None:
            waiting[stage].append((since, case_id))
    chosen = {stage: heapq.nsmallest(limit, found) for stage, found in waiting.items()}
    ids = [case_id for found in chosen.values() for _, case_id in found]
    cases = {
        c.id: c
        for c in db.session.execute(
            sa.select(Case.id, Case.reference, Case.on_hold).where(Case.id.in_(ids))
        )
    }
    return {
        stage.value: [
            {
                "id": case_id,
                "reference": cases[case_id].reference,
                "on_hold": cases[case_id].on_hold,
                "since": since.isoformat(),
            }
            for since, case_id in found
        ]
        for stage, found in chosen.items()
    }

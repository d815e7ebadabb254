"""Reading stored risk scores for the screens (scores are written by the jobs)."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from crm.extensions import db
from crm.models import Household, JobRun, RiskModel, RiskScore, RunStatus, User


def latest_scores(
    model: RiskModel, worker_id: int | None = None, band: str | None = None
) -> list[RiskScore]:
    """The most recent day's scores from `model`, highest risk first."""
    as_of = db.session.scalar(
        sa.select(sa.func.max(RiskScore.as_of)).where(RiskScore.model_id == model.id)
    )
    query = (
        sa.select(RiskScore)
        .join(Household)
        .options(joinedload(RiskScore.household).joinedload(Household.supervising_worker))
        .where(RiskScore.model_id == model.id, RiskScore.as_of == as_of)
        .order_by(RiskScore.risk.desc())
    )
    if worker_id:
        query = query.where(Household.supervising_worker_id == worker_id)
    if band:
        query = query.where(RiskScore.band == band)
    return list(db.session.scalars(query))


def high_risk_by_worker(model: RiskModel | None) -> list[dict]:
    """From the latest day's scores: households scored and at high risk, per SSW."""
    if model is None:
        return []
    as_of = db.session.scalar(
        sa.select(sa.func.max(RiskScore.as_of)).where(RiskScore.model_id == model.id)
    )
    rows = db.session.execute(
        sa.select(
            Household.supervising_worker_id,
            sa.func.coalesce(User.full_name, "No worker allocated"),
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((RiskScore.band == "high", 1), else_=0)), 0),
        )
        .select_from(RiskScore)
        .join(Household, RiskScore.household_id == Household.id)
        .outerjoin(User, Household.supervising_worker_id == User.id)
        .where(RiskScore.model_id == model.id, RiskScore.as_of == as_of)
        .group_by(Household.supervising_worker_id, User.full_name)
    ).all()
    found = [
        {"worker_id": worker_id, "worker": name, "scored": int(scored), "high": int(high)}
        for worker_id, name, scored, high in rows
    ]
    return sorted(found, key=lambda r: (-r["high"], r["worker"]))


def score_history(household: Household) -> list[RiskScore]:
    return list(
        db.session.scalars(
            sa.select(RiskScore)
            .options(joinedload(RiskScore.model))
            .where(RiskScore.household_id == household.id)
            .order_by(RiskScore.as_of.desc())
        )
    )


def why_no_model() -> str:
    """What the last retrain said, so the screens can explain an absent score."""
    run = db.session.scalar(
        sa.select(JobRun)
        .where(JobRun.job == "retrain_risk_model", JobRun.status == RunStatus.SUCCEEDED)
        .order_by(JobRun.started_at.desc())
    )
    if run and run.counts and run.counts.get("message"):
        return run.counts["message"]
    return "The risk model has not been trained yet (the monthly retrain job trains it)."


def recorded_since(household: Household, scores: list[RiskScore]) -> list[str]:
    """What has been recorded for the household since its latest score, in words ("2
    supervision visits"): a score's reasons describe the record on the day it was scored,
    and a worker who has just logged visits must not read "only 5 visits" as today's."""
    if not scores:
        return []
    scored_on = scores[0].as_of
    kinds = Counter(e.kind for e in household.events if e.occurred_on > scored_on)
    return [
        f"{count} × {kind.label.lower()}" for kind, count in sorted(kinds.items(), key=_by_label)
    ]


def _by_label(item) -> str:
    return item[0].label

"""Trained retention models and the scores they gave, kept so risk history can be shown."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.household import Household
from crm.timeutil import utcnow


class RiskModel(db.Model):
    """One trained model: what was chosen, how it was evaluated, and the model itself."""

    __tablename__ = "risk_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(60), unique=True)
    trained_on: Mapped[date]  # the as-of date: it learnt only from history before it
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)
    summary: Mapped[dict] = mapped_column(sa.JSON)  # evaluations of every candidate, counts

    @property
    def is_age_only(self) -> bool:
        """The carer's-age baseline won: its scores rank by age and explain nothing."""
        return bool(self.summary.get("baseline_chosen"))

    # The fitted TrainedModel, pickled; only ever written by the retrain job.
    payload: Mapped[bytes] = mapped_column(sa.LargeBinary)

    __audit_ignore__ = frozenset({"payload"})


def latest_risk_model() -> RiskModel | None:
    """The most recently trained model, which the screens and the rescore job use."""
    return db.session.scalar(
        sa.select(RiskModel).order_by(RiskModel.trained_on.desc(), RiskModel.id.desc())
    )


class RiskScore(db.Model):
    __tablename__ = "risk_scores"
    __table_args__ = (
        sa.UniqueConstraint("household_id", "as_of", "model_id"),
        sa.Index("ix_risk_scores_as_of", "as_of"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    model_id: Mapped[int] = mapped_column(sa.ForeignKey("risk_models.id"))
    as_of: Mapped[date]
    risk: Mapped[float]
    band: Mapped[str] = mapped_column(sa.String(10))
    reasons: Mapped[list] = mapped_column(sa.JSON)

    household: Mapped[Household] = relationship()
    model: Mapped[RiskModel] = relationship()

"""Scheduled-job runs, and the dashboard snapshots one of them keeps."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.domain.labelled import LabelledEnum
from crm.extensions import db
from crm.models.types import enum_column
from crm.timeutil import utcnow


class RunStatus(LabelledEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobRun(db.Model):
    """One run of a job. (job, run_key) is unique: the claim that stops a second
    scheduler, or a second worker, running the same job for the same date."""

    __tablename__ = "job_runs"
    # Bookkeeping with no personal data; the admin jobs page is its record.
    __audited__ = False
    __table_args__ = (sa.UniqueConstraint("job", "run_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(60))
    run_key: Mapped[str] = mapped_column(sa.String(80))
    as_of: Mapped[date]
    trigger: Mapped[str] = mapped_column(sa.String(20))  # scheduler or cli
    status: Mapped[RunStatus] = mapped_column(enum_column(RunStatus, 20))
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    counts: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)

    __audit_ignore__ = frozenset({"counts", "finished_at", "status", "error"})

    @property
    def failed(self) -> bool:
        return self.status is RunStatus.FAILED


class MetricsSnapshot(db.Model):
    """The dashboard's figures for the financial year so far as they stood on a day.

    Kept for trend history, and read by the dashboard while `computed_at` is recent
    (the job refreshes it through the day) so that managers do not wait for them."""

    __tablename__ = "metrics_snapshots"
    __audited__ = False  # aggregate figures, no personal data

    as_of: Mapped[date] = mapped_column(primary_key=True)
    figures: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SchedulerHeartbeat(db.Model):
    """The scheduler process saying it is alive, once a minute: one row per process, so the
    jobs page can tell when none is running (or, by mistake, two)."""

    __tablename__ = "scheduler_heartbeats"
    __audited__ = False  # bookkeeping, no personal data

    process: Mapped[str] = mapped_column(sa.String(120), primary_key=True)  # host:pid
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

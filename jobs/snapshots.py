"""Nightly: keep the day's figures for the financial year so far, for trend charts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from crm.domain.periods import financial_year
from crm.extensions import db
from crm.metrics.engine import compute_metrics
from crm.models import MetricsSnapshot


def snapshot_metrics(as_of: date, progress: Callable[[int, int], None] | None = None) -> dict:
    """Store (or replace) the snapshot for `as_of`. Does not commit."""
    start, end = financial_year(as_of)
    figures = compute_metrics(start, end, as_of)
    snapshot = db.session.get(MetricsSnapshot, as_of)
    if snapshot is None:
        db.session.add(MetricsSnapshot(as_of=as_of, figures=figures))
    else:
        snapshot.figures = figures
    if progress:
        progress(1, 1)
    return {"stored": 1, "financial_year": f"{start.year}-{str(end.year)[2:]}"}

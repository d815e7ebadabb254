"""Through the day: keep the dashboard's figures for the financial year so far."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from crm.domain.periods import financial_year
from crm.metrics.dashboard import store_snapshot


def snapshot_metrics(as_of: date, progress: Callable[[int, int], None] | None = None) -> dict:
    """Store (or replace) the snapshot for `as_of`. Does not commit."""
    start, end = financial_year(as_of)
    store_snapshot(as_of)
    if progress:
        progress(1, 1)
    return {"stored": 1, "financial_year": f"{start.year}-{str(end.year)[2:]}"}

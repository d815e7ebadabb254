"""Everything the manager's dashboard shows for a period, in one JSON-able bundle.

The snapshot job stores this bundle for the financial year so far through the day,
and the dashboard reads the stored copy while it is fresh; any other period is
computed on request. Either way the numbers come from the same functions.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from crm.domain.periods import financial_year
from crm.domain.settings import Settings
from crm.extensions import db
from crm.metrics import breakdowns
from crm.metrics.determinations import determination_figures
from crm.metrics.engine import Period, case_count_rows, case_counts, metrics_by_carer_type
from crm.metrics.forecast import load_history, year_forecasts
from crm.metrics.pipeline import oldest_by_stage
from crm.metrics.stability import stability_by_year
from crm.models import CarerType, MetricsSnapshot
from crm.models.risk import latest_risk_model
from crm.risk_scores import high_risk_by_worker
from crm.timeutil import utcnow

#: Figures that depend only on the day, not on the period.
AS_OF_FIGURES = ("forecast", "high_risk_by_worker", "oldest_by_stage")


def dashboard_figures(
    period: Period, settings: Settings | None = None, as_of_figures: dict | None = None
) -> dict:
    """The engine's headline figures plus every breakdown, forecast and chart series.

    `as_of_figures` may carry the figures that depend only on as-of (the forecast,
    risk counts and stalled cases: `as_of_figures_of`) from a snapshot of the same day,
    to save working them out again."""
    dimensions = list(breakdowns.DIMENSIONS)
    counted = case_count_rows(period, *breakdowns.dimension_columns(dimensions))
    grouped = metrics_by_carer_type(
        period,
        settings,
        counts=case_counts(period, counted, by=len(dimensions)),
        stalled=(as_of_figures or {}).get("stalled"),
    )
    figures = grouped[period.carer_type]
    by_type = {t.value: grouped[t] for t in CarerType}
    monthly = breakdowns.monthly_trend(period)
    if as_of_figures is None:
        as_of_figures = {
            "forecast": year_forecasts(period.as_of, load_history()),
            "high_risk_by_worker": high_risk_by_worker(latest_risk_model()),
            "oldest_by_stage": oldest_by_stage(),
        }
    return {
        **figures,
        "by_carer_type": by_type,
        "conversion_by": breakdowns.conversion_by_each(period, dimensions, counted),
        "campaign_costs": breakdowns.campaign_costs(period.as_of),
        "stage_durations": breakdowns.stage_durations(period),
        "approval_histogram": breakdowns.approval_histogram(period),
        "monthly": monthly,
        "quarterly": breakdowns.quarterly_trend(monthly),
        "deregistrations_by_reason": breakdowns.deregistrations_by_reason(period),
        "stability_by_year": stability_by_year(period.as_of, period.carer_type),
        "determinations": determination_figures(period),
        **{name: as_of_figures[name] for name in AS_OF_FIGURES},
    }


def as_of_figures_of(bundle: dict) -> dict | None:
    """What a stored bundle holds that depends only on its as-of date (the
    AS_OF_FIGURES and the stalled cases of each group), for `dashboard_figures` of
    another period on the same day; None for a bundle stored without them."""
    if any(name not in bundle for name in AS_OF_FIGURES) or "by_carer_type" not in bundle:
        return None
    stalled = {None: bundle["stalled"]["references"]}
    stalled.update(
        {t: bundle["by_carer_type"][t.value]["stalled"]["references"] for t in CarerType}
    )
    return {**{name: bundle[name] for name in AS_OF_FIGURES}, "stalled": stalled}


def fresh_snapshot(
    period: Period, max_age: timedelta, now: datetime | None = None
) -> MetricsSnapshot | None:
    """The stored snapshot for `period`, if the snapshot job stored it for this very
    period and as-of date within `max_age`; otherwise None (compute it instead)."""
    snapshot = fresh_snapshot_of(period.as_of, max_age, now)
    if snapshot is None or (period.start, period.end) != financial_year(period.as_of):
        return None
    if "by_carer_type" not in snapshot.figures:  # stored before kinship was shown apart
        return None
    return snapshot


def fresh_snapshot_of(
    as_of: date, max_age: timedelta, now: datetime | None = None
) -> MetricsSnapshot | None:
    """The snapshot stored for `as_of`, if stored within `max_age`."""
    snapshot = db.session.get(MetricsSnapshot, as_of)
    if snapshot is None or snapshot.computed_at < (now or utcnow()) - max_age:
        return None
    return snapshot


def store_snapshot(as_of: date) -> MetricsSnapshot:
    """Compute and keep the bundle for the financial year so far at `as_of`."""
    start, end = financial_year(as_of)
    figures = dashboard_figures(Period(start, end, as_of))
    snapshot = db.session.get(MetricsSnapshot, as_of)
    if snapshot is None:
        snapshot = MetricsSnapshot(as_of=as_of, figures=figures, computed_at=utcnow())
        db.session.add(snapshot)
    else:
        snapshot.figures, snapshot.computed_at = figures, utcnow()
    return snapshot

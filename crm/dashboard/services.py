"""What the dashboard's views need: the period asked for, its figures (stored or
computed), and the tables and charts made from them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app, url_for
from werkzeug.datastructures import MultiDict

from crm.charts import BarChart, bar_chart
from crm.dashboard.forms import PeriodForm
from crm.dashboard.tables import Table, dashboard_tables
from crm.domain.periods import financial_year
from crm.metrics.dashboard import (
    as_of_figures_of,
    dashboard_figures,
    fresh_snapshot,
    fresh_snapshot_of,
)
from crm.metrics.engine import Period, make_period
from crm.timeutil import today


def chosen_period(args: MultiDict) -> tuple[PeriodForm, Period]:
    """The period in the query string, or the financial year of the as-of date (today
    unless given) so far; a bad period is explained on the form and the default shown."""
    form = PeriodForm(args)
    valid = form.validate()
    as_of = form.as_of.data if valid and form.as_of.data else today()
    start, end = financial_year(as_of)
    if valid:
        start, end = form.date_from.data or start, form.date_to.data or end
    period = make_period(start, end, as_of)
    if not form.errors:  # show the period in use, including the default one
        form.date_from.data, form.date_to.data = period.start, period.end
        form.as_of.data = period.as_of
    return form, period


def period_args(period: Period) -> dict[str, str]:
    return {
        "date_from": period.start.isoformat(),
        "date_to": period.end.isoformat(),
        "as_of": period.as_of.isoformat(),
    }


def figures_for(period: Period) -> tuple[dict, datetime | None]:
    """The dashboard's figures, and when the snapshot job worked them out if they
    came from its stored copy (None when computed now)."""
    max_age = timedelta(minutes=current_app.config["DASHBOARD_SNAPSHOT_MAX_AGE_MINUTES"])
    stored = fresh_snapshot(period, max_age)
    if stored is not None:
        return stored.figures, stored.computed_at
    same_day = fresh_snapshot_of(period.as_of, max_age)
    reused = as_of_figures_of(same_day.figures) if same_day is not None else None
    return dashboard_figures(period, as_of_figures=reused), None


def tables_for(figures: dict, period: Period) -> dict[str, Table]:
    def deregistrations(reason: str) -> str:
        return url_for(
            "households.index",
            deregistered_from=period.start.isoformat(),
            deregistered_to=period.last_day.isoformat(),
            reason=reason or "none",
        )

    def high_risk(worker_id: int | None) -> str:
        return url_for("households.at_risk", worker=worker_id, band="high")

    def placements(ended_from: str, ended_to: str, ending: str) -> str:
        last = min(date.fromisoformat(ended_to), period.as_of).isoformat()
        return url_for(
            "households.placements_ended", ended_from=ended_from, ended_to=last, ending=ending
        )

    return dashboard_tables(figures, deregistrations, high_risk, placements)


def charts_for(figures: dict) -> dict[str, BarChart]:
    monthly = figures["monthly"]
    months = [date.fromisoformat(r["month"] + "-01").strftime("%b %y") for r in monthly]
    return {
        "monthly": bar_chart(
            "chart-monthly",
            "Applications and approvals by month",
            months,
            {
                "Applications": [r["applications"] for r in monthly],
                "Approvals": [r["approvals"] for r in monthly],
            },
        ),
        "histogram": bar_chart(
            "chart-histogram",
            "Approvals by time from application to approval",
            [r["label"] for r in figures["approval_histogram"]],
            {"Approvals": [r["count"] for r in figures["approval_histogram"]]},
        ),
        "stages": bar_chart(
            "chart-stages",
            "Median days in each stage",
            [r["label"].split(" (")[0] for r in figures["stage_durations"]],
            {"Median days": [r["median"] for r in figures["stage_durations"]]},
        ),
    }

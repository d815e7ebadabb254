"""The headline figures broken down: by channel, officer and carer type; by stage; by
month and quarter; deregistrations by reason. Built from the engine's own columns
and helpers, so a breakdown's rows always add up to the engine's totals."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from crm.domain.stages import STAGE_FACTS
from crm.enquiry_sources import source_labels
from crm.extensions import db
from crm.metrics.engine import (
    MILESTONE_COUNTS,
    Period,
    approval_days,
    case_count_columns,
    case_count_rows,
    cohort_ratios,
    count_if,
    day_stats,
    period_conversion,
    repeated,
)
from crm.models import (
    Campaign,
    CarerType,
    Case,
    DeregistrationReason,
    Household,
    InitiatedBy,
    User,
)
from crm.models.case import MILESTONE_DATE
from crm.models.types import day_number

#: What conversion can be broken down by, and the case column behind each.
DIMENSIONS: dict[str, tuple[str, sa.ColumnElement]] = {
    "source": ("Source", Case.source),
    "campaign": ("Campaign", Case.campaign),
    "officer": ("Recruitment officer", Case.owner_id),
    "carer_type": ("Type of carer", Case.carer_type),
}


def _labels(dimension: str, keys: list) -> dict:
    if dimension == "officer":
        ids = [k for k in keys if k is not None]
        found = db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids)))
        names = {user_id: name for user_id, name in found}
        return {k: names.get(k, "Nobody") if k is not None else "Nobody" for k in keys}
    if dimension == "carer_type":
        return {k: CarerType(k).label for k in keys}
    if dimension == "source":
        labels = source_labels()
        return {k: labels.get(k, k) for k in keys}
    return {k: k or "No campaign" for k in keys}


def conversion_by(period: Period, dimension: str) -> list[dict]:
    """Period counts and both conversions for each value of `dimension`, biggest first.

    Rows sum to the engine's period counts (every case has exactly one value)."""
    return conversion_by_each(period, [dimension])[dimension]


def dimension_columns(dimensions: list[str]) -> list[sa.ColumnElement]:
    """The case columns behind `dimensions`, labelled with their names."""
    return [DIMENSIONS[d][1].label(d) for d in dimensions]


def conversion_by_each(
    period: Period, dimensions: list[str], rows: list[sa.Row] | None = None
) -> dict[str, list[dict]]:
    """`conversion_by` for several dimensions from one pass over the cases touched in
    the period, grouped by all of them at once and then summed for each (a pass per
    dimension cost a national dashboard 0.4 s each). `rows` are that pass's
    (`case_count_rows(period, *dimension_columns(dimensions))`) when the caller has
    them: the dashboard's headline counts come from the same rows."""
    if rows is None:
        rows = case_count_rows(period, *dimension_columns(dimensions))
    names = [c.name for c in case_count_columns(period)]
    first = 1 + len(dimensions)  # each row is (carer_type, *dimensions, *counts)
    found = {}
    for index, dimension in enumerate(dimensions):
        sums: dict = defaultdict(Counter)
        for row in rows:
            sums[row[1 + index]].update(dict(zip(names, row[first:], strict=True)))
        found[dimension] = _conversion_rows(dimension, sums)
    return found


def _conversion_rows(dimension: str, sums: dict) -> list[dict]:
    labels = _labels(dimension, list(sums))
    found = []
    for key, values in sums.items():
        values = {name: int(values[name]) for name in values}
        found.append(
            {
                "key": key.value if hasattr(key, "value") else key,
                "label": labels[key],
                **{name: values[name] for name in MILESTONE_COUNTS},
                "period_conversion": period_conversion(values),
                "cohort_conversion": cohort_ratios(values),
            }
        )
    found.sort(key=lambda r: (-r["approvals"], -r["enquiries"], r["label"]))
    return found


def campaign_costs(as_of: date) -> list[dict]:
    """Each recorded campaign over its whole life to as-of: enquiries, approvals, and
    cost per enquiry and per approval where its cost is known."""
    tallies = {
        name: (int(enquiries), int(approvals))
        for name, enquiries, approvals in db.session.execute(
            sa.select(
                Case.campaign,
                count_if(Case.enquiry_date <= as_of),
                count_if(sa.and_(Case.approval_date.isnot(None), Case.approval_date <= as_of)),
            )
            .where(Case.campaign.in_(sa.select(Campaign.name)))
            .group_by(Case.campaign)
        )
    }
    found = []
    for campaign in db.session.scalars(sa.select(Campaign).order_by(Campaign.name)):
        enquiries, approvals = tallies.get(campaign.name, (0, 0))
        cost = float(campaign.cost) if campaign.cost is not None else None

        def per(n: int, cost=cost) -> float | None:
            return None if cost is None or n == 0 else round(cost / n, 2)

        found.append(
            {
                "name": campaign.name,
                "cost": cost,
                "enquiries": enquiries,
                "approvals": approvals,
                "cost_per_enquiry": per(enquiries),
                "cost_per_approval": per(approvals),
            }
        )
    return found


@dataclass(frozen=True)
class StageSpan:
    key: str
    label: str
    starts: sa.ColumnElement
    ends: sa.ColumnElement


def _stage_spans() -> tuple[StageSpan, ...]:
    """A span for each stage whose facts give it a row in "time spent in each stage",
    from the step into it to the step into the next milestone stage that has a row or
    closes the case (a stage without a row counts in the one before it)."""
    milestones = [f for f in STAGE_FACTS if f.milestone]
    spans = []
    for index, facts in enumerate(milestones):
        if facts.time_in_stage is None:
            continue
        ends = next(f for f in milestones[index + 1 :] if f.time_in_stage or not f.is_open)
        starts, stops = MILESTONE_DATE[facts.entered_by], MILESTONE_DATE[ends.entered_by]
        spans.append(StageSpan(facts.stage.value, facts.time_in_stage, starts, stops))
    return tuple(spans)


STAGE_SPANS = _stage_spans()


def stage_durations(period: Period) -> list[dict]:
    """Days spent in each stage by the cases that left it during the period.

    One pass over the cases that left some stage in the period, each span's days worked
    out by the database, kept aside and counted a span at a time (a pass a span, each
    case's dates parsed in Python, took a national dashboard 0.5-0.7 s)."""
    left = sa.or_(*(period.covers(s.ends) for s in STAGE_SPANS))
    spans = (
        sa.select(
            *(
                sa.case(
                    (sa.and_(period.covers(s.ends), s.starts.isnot(None)), day_number(s.ends)),
                    else_=None,
                )
                - day_number(s.starts)
                for s in STAGE_SPANS
            )
        )
        .where(left)
        .cte("spans")
    )
    days = list(spans.c)
    counted = sa.union_all(
        *(
            sa.select(sa.literal(index), days[index], sa.func.count())
            .where(days[index].isnot(None))
            .group_by(days[index])
            for index in range(len(STAGE_SPANS))
        )
    )
    found_days: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for index, taken, n in db.session.execute(counted):
        found_days[index].append((taken, n))
    return [
        {"key": span.key, "label": span.label, **day_stats(repeated(found_days[index]))}
        for index, span in enumerate(STAGE_SPANS)
    ]


#: Time-to-approval histogram bins: (label, first day, last day or None).
APPROVAL_BINS = (
    ("Under 4 months", 0, 121),
    ("4 to 6 months", 122, 182),
    ("6 to 8 months", 183, 243),
    ("8 to 10 months", 244, 304),
    ("10 to 12 months", 305, 365),
    ("Over 12 months", 366, None),
)


def approval_histogram(period: Period) -> list[dict]:
    """Approvals in the period by how long they took from application."""
    days, _ = approval_days(period)
    return [
        {
            "label": label,
            "count": sum(1 for d in days if d >= low and (high is None or d <= high)),
        }
        for label, low, high in APPROVAL_BINS
    ]


TREND_FIGURES = ("enquiries", "initial_visits", "applications", "approvals")


def _months(period: Period) -> list[tuple[int, int]]:
    months, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.last_day.year, period.last_day.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _by_month(column: sa.ColumnElement, period: Period) -> Counter:
    year, month = sa.extract("year", column), sa.extract("month", column)
    rows = db.session.execute(
        sa.select(year, month, sa.func.count()).where(period.covers(column)).group_by(year, month)
    )
    return Counter({(int(y), int(m)): n for y, m, n in rows})


def monthly_trend(period: Period) -> list[dict]:
    """Counts per calendar month of the period (events to the period's last known day)."""
    if period.last_day < period.start:
        return []
    series = {
        name: _by_month(MILESTONE_DATE[MILESTONE_COUNTS[name]], period) for name in TREND_FIGURES
    }
    series["deregistrations"] = _by_month(Household.deregistration_date, period)
    return [
        {
            "month": f"{year:04d}-{month:02d}",
            "label": date(year, month, 1).strftime("%b %Y"),
            **{name: found[(year, month)] for name, found in series.items()},
        }
        for year, month in _months(period)
    ]


def financial_quarter(year: int, month: int) -> str:
    """'2025-26 Q1' for April-June 2025: quarters of the financial year."""
    start_year = year if month >= 4 else year - 1
    quarter = ((month - 4) % 12) // 3 + 1
    return f"{start_year}-{str(start_year + 1)[2:]} Q{quarter}"


def quarterly_trend(months: list[dict]) -> list[dict]:
    """The monthly trend summed into financial-year quarters."""
    quarters: dict[str, dict] = {}
    for row in months:
        year, month = (int(part) for part in row["month"].split("-"))
        label = financial_quarter(year, month)
        total = quarters.setdefault(
            label, {"label": label, **dict.fromkeys((*TREND_FIGURES, "deregistrations"), 0)}
        )
        for name in (*TREND_FIGURES, "deregistrations"):
            total[name] += row[name]
    return [{k: v for k, v in q.items() if k not in ("month",)} for q in quarters.values()]


def deregistrations_by_reason(period: Period) -> list[dict]:
    """Deregistrations in the period by reason, and who started each (carer or service)."""
    rows = db.session.execute(
        sa.select(
            Household.deregistration_reason,
            Household.deregistration_initiated_by,
            sa.func.count(),
        )
        .where(period.covers(Household.deregistration_date))
        .group_by(Household.deregistration_reason, Household.deregistration_initiated_by)
    ).all()
    table: dict = {}
    for reason, initiated_by, n in rows:
        entry = table.setdefault(
            reason,
            {
                "reason": reason.value if reason else "",
                "label": reason.label if reason else "Not recorded",
                **{who.value: 0 for who in InitiatedBy},
                "not_recorded": 0,
                "total": 0,
            },
        )
        entry[initiated_by.value if initiated_by else "not_recorded"] += n
        entry["total"] += n
    order = list(DeregistrationReason)
    return sorted(
        table.values(),
        key=lambda e: (
            -e["total"],
            order.index(DeregistrationReason(e["reason"])) if e["reason"] else len(order),
        ),
    )

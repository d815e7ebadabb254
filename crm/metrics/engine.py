"""The metrics engine: every figure managers see, exactly as ../shared/domain.md defines it.

All figures are computed from dated events as they stood on an as-of date:
an event dated after as-of is not yet known, so a period's counts run from
its first day to the earlier of its last day and as-of ("last_day" below).
Counts include both ends. Ratios are floats in 0-1 rounded to 4 places, or
None when there is nothing to divide by. Day figures are calendar days;
percentiles interpolate linearly, as numpy.percentile does by default.

The dashboard, the API, the CLI and the jobs all call `compute_metrics`;
nothing else computes these figures.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import sqlalchemy as sa

from crm.domain.household_terms import GOOD_OUTCOME_EXITS
from crm.domain.settings import Settings
from crm.domain.working_days import working_days_vector
from crm.extensions import db
from crm.metrics.assessments import timescales, withdrawals
from crm.metrics.cases import stalled_cases
from crm.metrics.period import (  # noqa: F401  (the engine's public names)
    COUNTED_STEPS,
    MILESTONE_COUNTS,
    Period,
    PeriodError,
    count_if,
    day_stats,
    make_period,
    ratio,
    step_in_period,
)
from crm.metrics.places import places_on
from crm.models import CarerType, Case, Household
from crm.models.setting import load_settings


def case_event_columns(period: Period) -> list[sa.ColumnElement[int]]:
    """One labelled count per counted step, for events in the period."""
    return [
        count_if(step_in_period(kind, period)).label(name) for name, kind in COUNTED_STEPS.items()
    ]


def counts(period: Period) -> dict[str, int]:
    """Events whose date falls in the period (one pass over cases)."""
    row = db.session.execute(sa.select(*case_event_columns(period)).where(period.cases)).one()
    found = {name: int(value) for name, value in row._mapping.items()}
    found["deregistrations"] = db.session.scalar(
        sa.select(sa.func.count()).where(
            period.covers(Household.deregistration_date), period.households
        )
    )
    return found


def period_conversion(found: dict[str, int]) -> dict[str, float | None]:
    """Ofsted style: later-stage events in the period over earlier-stage events in it."""
    return {
        "enquiry_to_application": ratio(found["applications"], found["enquiries"]),
        "application_to_approval": ratio(found["approvals"], found["applications"]),
    }


def cohort_conversion(period: Period) -> dict[str, float | None]:
    """Of the enquiries (applications) dated in the period, the share that reached a
    later stage on or before as-of."""
    row = db.session.execute(sa.select(*cohort_columns(period)).where(period.cases)).one()
    return cohort_ratios(row._mapping)


def cohort_columns(period: Period) -> list[sa.ColumnElement[int]]:
    """Counts behind cohort conversion, as labelled columns (so they can be grouped)."""
    as_of = period.as_of

    def reached(cohort_column: sa.ColumnElement, column: sa.ColumnElement):
        return count_if(sa.and_(period.covers(cohort_column), column.isnot(None), column <= as_of))

    return [
        count_if(period.covers(Case.enquiry_date)).label("enquiry_cohort"),
        reached(Case.enquiry_date, Case.initial_visit_date).label("cohort_initial_visits"),
        reached(Case.enquiry_date, Case.application_date).label("cohort_applications"),
        reached(Case.enquiry_date, Case.approval_date).label("cohort_approvals"),
        count_if(period.covers(Case.application_date)).label("application_cohort"),
        reached(Case.application_date, Case.approval_date).label("application_cohort_approvals"),
    ]


def cohort_ratios(found) -> dict[str, float | None]:
    total = found["enquiry_cohort"]
    return {
        "enquiry_to_initial_visit": ratio(found["cohort_initial_visits"], total),
        "enquiry_to_application": ratio(found["cohort_applications"], total),
        "enquiry_to_approval": ratio(found["cohort_approvals"], total),
        "application_to_approval": ratio(
            found["application_cohort_approvals"], found["application_cohort"]
        ),
    }


def approval_days(period: Period) -> tuple[list[int], list[int]]:
    """Days from application, and from enquiry, to approval for each approval in the period."""
    rows = db.session.execute(
        sa.select(Case.enquiry_date, Case.application_date, Case.approval_date).where(
            period.covers(Case.approval_date), period.cases
        )
    ).all()
    from_application = [(approved - applied).days for _, applied, approved in rows]
    from_enquiry = [(approved - enquired).days for enquired, _, approved in rows]
    return from_application, from_enquiry


def approval_times(period: Period) -> tuple[dict, dict]:
    """Time to approval (from application, and from enquiry) for approvals in the period."""
    from_application, from_enquiry = approval_days(period)
    return day_stats(from_application), day_stats(from_enquiry, percentiles=False)


def response_times(period: Period, settings: Settings) -> dict:
    """Working days from enquiry to first contact, for enquiries in the period.

    count and median cover enquiries contacted by as-of. within_target_rate is
    contacted-within-target over every enquiry whose outcome is known at as-of:
    those contacted, plus those still uncontacted once their target has passed.
    """
    rows = db.session.execute(
        sa.select(Case.enquiry_date, Case.first_contact_date).where(
            period.covers(Case.enquiry_date), period.cases
        )
    ).all()
    target = settings.first_contact_target_working_days
    as_of = np.datetime64(period.as_of, "D")
    enquired = np.array([r[0] for r in rows], dtype="datetime64[D]")
    contacted_on = np.array([r[1] or period.as_of for r in rows], dtype="datetime64[D]")
    contacted = np.array([r[1] is not None and r[1] <= period.as_of for r in rows], dtype=bool)
    taken = working_days_vector(enquired, contacted_on) if rows else np.array([], dtype=int)
    waited = working_days_vector(enquired, np.full(len(rows), as_of)) if rows else taken
    within = int(np.sum(contacted & (taken <= target)))
    missed = int(np.sum(~contacted & (waited > target)))
    days = taken[contacted].tolist()
    stats = day_stats(days, percentiles=False)
    stats["within_target_rate"] = ratio(within, int(np.sum(contacted)) + missed)
    return stats


def households(period: Period) -> dict:
    """Approved households at the start and end, approvals, deregistrations, turnover."""
    at_start = Household.current_on(period.day_before)
    at_end = Household.current_on(period.last_day)
    good_outcome = Household.deregistration_reason.in_(GOOD_OUTCOME_EXITS)
    row = db.session.execute(
        sa.select(
            count_if(at_start),
            count_if(period.covers(Household.approval_date)),
            count_if(period.covers(Household.deregistration_date)),
            count_if(sa.and_(period.covers(Household.deregistration_date), good_outcome)),
            count_if(at_end),
        ).where(period.households)
    ).one()
    start_count, approved, deregistered, good, end_count = (int(v) for v in row)
    return {
        "at_start": start_count,
        "approved_in_period": approved,
        "deregistered_in_period": deregistered,
        "left_for_a_good_outcome": good,
        "lost_in_period": deregistered - good,
        "at_end": end_count,
        "net_gain": approved - deregistered,
        "turnover_rate": ratio(deregistered - good, start_count),
    }


def household_filters(period: Period) -> dict[str, dict[str, str]]:
    """The household-list filters that select exactly what each household figure counts."""
    return {
        "at_start": {"current_on": period.day_before.isoformat()},
        "approved_in_period": {
            "approved_from": period.start.isoformat(),
            "approved_to": period.last_day.isoformat(),
        },
        "deregistered_in_period": {
            "deregistered_from": period.start.isoformat(),
            "deregistered_to": period.last_day.isoformat(),
        },
        "at_end": {"current_on": period.last_day.isoformat()},
    }


def compute_metrics(
    start: date,
    end: date,
    as_of: date | None = None,
    settings: Settings | None = None,
    carer_type: CarerType | None = None,
) -> dict:
    """Every headline figure for a period, as the JSON that CLI and API print; for
    mainstream or kinship carers alone when `carer_type` is given (the same shape)."""
    return metrics_for(make_period(start, end, as_of, carer_type), settings)


def metrics_for(period: Period, settings: Settings | None = None) -> dict:
    settings = settings or load_settings()
    found = counts(period)
    to_approval, enquiry_to_approval = approval_times(period)
    stalled = stalled_cases(period.as_of, settings, period.carer_type)
    places = places_on(period.last_day, period.carer_type)
    return {
        "period": {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "as_of": period.as_of.isoformat(),
        },
        "counts": found,
        "period_conversion": period_conversion(found),
        "cohort_conversion": cohort_conversion(period),
        "time_to_approval_days": to_approval,
        "enquiry_to_approval_days": enquiry_to_approval,
        "response_time_working_days": response_times(period, settings),
        "withdrawals": withdrawals(period),
        "timescales": timescales(period, settings),
        "stalled": {"count": len(stalled), "references": [s.reference for s in stalled]},
        "households": households(period),
        "places": {**places.as_dict(), "utilisation": ratio(places.filled, places.approved)},
    }

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

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import sqlalchemy as sa

from crm.domain.household_terms import GOOD_OUTCOME_EXITS
from crm.domain.settings import Settings
from crm.domain.stages import APPLICANT_WITHDRAWAL_REASONS, MILESTONES, EventKind
from crm.domain.timescales import panel_within_timescale
from crm.domain.working_days import working_days_between, working_days_vector
from crm.extensions import db
from crm.metrics.cases import stalled_cases
from crm.metrics.places import places_on
from crm.models import CarerType, Case, Household
from crm.models.case import step_date
from crm.models.setting import load_settings
from crm.timeutil import today


class PeriodError(ValueError):
    """A period that makes no sense (its end before its start); the message says why."""


@dataclass(frozen=True)
class Period:
    """What a figure is about: the dates it covers, what was known on as-of, and which
    carers (mainstream, kinship, or both when `carer_type` is None)."""

    start: date
    end: date
    as_of: date
    carer_type: CarerType | None = None

    @property
    def day_before(self) -> date:
        """Households "at the start" are those current on the day before the period."""
        return self.start - timedelta(days=1)

    @property
    def last_day(self) -> date:
        """The last day whose events are known: the period's end, or as-of if earlier."""
        return min(self.end, self.as_of)

    def covers(self, column: sa.ColumnElement) -> sa.ColumnElement[bool]:
        return column.between(self.start, self.last_day)

    def of_type(self, column: sa.ColumnElement) -> sa.ColumnElement[bool]:
        """Rows of the period's carer type (a case's or a household's `carer_type`)."""
        return sa.true() if self.carer_type is None else column == self.carer_type

    @property
    def cases(self) -> sa.ColumnElement[bool]:
        return self.of_type(Case.carer_type)

    @property
    def households(self) -> sa.ColumnElement[bool]:
        return self.of_type(Household.carer_type)


def make_period(
    start: date, end: date, as_of: date | None = None, carer_type: CarerType | None = None
) -> Period:
    if end < start:
        raise PeriodError("The period ends before it starts.")
    return Period(start, end, as_of or today(), carer_type)


def ratio(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(numerator / denominator, 4)


def day_stats(days: list[int], percentiles: bool = True) -> dict:
    stats: dict = {"count": len(days), "median": None}
    if percentiles:
        stats.update(p75=None, p90=None)
    if days:
        values = np.array(days, dtype=float)
        stats["median"] = round(float(np.percentile(values, 50)), 2)
        if percentiles:
            stats["p75"] = round(float(np.percentile(values, 75)), 2)
            stats["p90"] = round(float(np.percentile(values, 90)), 2)
    return stats


def count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), zero on no rows."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


#: The dated steps a period counts, by the name the figures use. Each is dated by the
#: case column `step_date` gives, so a count and the list it opens are the same rule.
COUNTED_STEPS: dict[str, EventKind] = {
    "enquiries": EventKind.ENQUIRY,
    "first_contacts": EventKind.FIRST_CONTACT,
    "initial_visits": EventKind.INITIAL_VISIT,
    "applications": EventKind.APPLICATION,
    "approvals": EventKind.APPROVAL,
    "withdrawn_by_applicant": EventKind.WITHDRAWN_BY_APPLICANT,
    "withdrawn_by_service": EventKind.WITHDRAWN_BY_SERVICE,
    "rejected": EventKind.REJECTED,
}
#: The milestones among them, each with a date column of its own.
MILESTONE_COUNTS = {name: kind for name, kind in COUNTED_STEPS.items() if kind in MILESTONES}


def step_in_period(kind: EventKind, period: Period) -> sa.ColumnElement[bool]:
    """A case whose `kind` step is dated in the period."""
    column, closed_as = step_date(kind)
    if closed_as is None:
        return period.covers(column)
    return sa.and_(Case.stage == closed_as, period.covers(column))


def case_event_columns(period: Period) -> list[sa.ColumnElement[int]]:
    """One labelled count per counted step, for events in the period."""
    return [
        count_if(step_in_period(kind, period)).label(name) for name, kind in COUNTED_STEPS.items()
    ]


#: Ofsted's codes for applications withdrawn by the applicant before panel.
AW_CODES = tuple(APPLICANT_WITHDRAWAL_REASONS)


def withdrawal_columns(period: Period) -> list[sa.ColumnElement[int]]:
    """Withdrawals in the period, before and after application apart, and applications
    the applicant withdrew before panel by Ofsted's AW code (a missing or unknown
    reason is AW0, other or unknown), as labelled columns that can be grouped."""
    applied = Case.application_date.isnot(None)
    by_applicant = step_in_period(EventKind.WITHDRAWN_BY_APPLICANT, period)
    by_service = step_in_period(EventKind.WITHDRAWN_BY_SERVICE, period)
    before_panel = sa.and_(by_applicant, applied, Case.panel_date.is_(None))
    known = [code for code in AW_CODES if code != "AW0"]

    def with_code(code: str) -> sa.ColumnElement[bool]:
        if code == "AW0":
            return sa.or_(Case.outcome_reason.is_(None), Case.outcome_reason.not_in(known))
        return Case.outcome_reason == code

    return [
        count_if(sa.and_(by_applicant, ~applied)).label("applicant_before_application"),
        count_if(sa.and_(by_service, ~applied)).label("service_before_application"),
        count_if(sa.and_(by_applicant, applied)).label("applicant_after_application"),
        count_if(sa.and_(by_service, applied)).label("service_after_application"),
        *(count_if(sa.and_(before_panel, with_code(c))).label(c) for c in AW_CODES),
    ]


def withdrawals_from(found: Mapping[str, int]) -> dict:
    """The withdrawal figures, shaped for people, from `withdrawal_columns`' counts."""
    return {
        "before_application": {
            "by_applicant": int(found["applicant_before_application"]),
            "by_service": int(found["service_before_application"]),
        },
        "after_application": {
            "by_applicant": int(found["applicant_after_application"]),
            "by_service": int(found["service_after_application"]),
        },
        "applicant_before_panel_by_reason": {code: int(found[code]) for code in AW_CODES},
    }


def withdrawals(period: Period) -> dict:
    row = db.session.execute(sa.select(*withdrawal_columns(period)).where(period.cases)).one()
    return withdrawals_from(row._mapping)


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


def timescales(period: Period, settings: Settings) -> dict:
    """NMS 14.4 for the panels in the period (recommendation within 8 months of the
    application), and the agency decisions in the period made within the service's
    limit of working days after panel."""
    panels = db.session.execute(
        sa.select(Case.application_date, Case.panel_date).where(
            period.covers(Case.panel_date), period.cases
        )
    ).all()
    on_time = sum(panel_within_timescale(applied, panel) for applied, panel in panels)
    decided = sa.or_(
        step_in_period(EventKind.APPROVAL, period), step_in_period(EventKind.REJECTED, period)
    )
    decisions = db.session.execute(
        sa.select(Case.panel_date, Case.outcome_date).where(
            decided, Case.panel_date.isnot(None), period.cases
        )
    ).all()
    limit = settings.decision_limit_working_days
    prompt = sum(working_days_between(panel, on) <= limit for panel, on in decisions)
    return {
        "panel_within_8_months": {
            "count": len(panels),
            "within": on_time,
            "rate": ratio(on_time, len(panels)),
        },
        "decision_within_limit": {
            "count": len(decisions),
            "within": prompt,
            "rate": ratio(prompt, len(decisions)),
            "limit_working_days": limit,
        },
    }


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

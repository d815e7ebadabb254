"""What a figure is about, and the small pieces every figure is built from: the period
(dates, as-of, carer type), ratios and day statistics, and the dated steps a period
counts. See crm.metrics.engine for the rules every figure follows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

import numpy as np
import sqlalchemy as sa

from crm.domain.stages import MILESTONES, STAGE_FACTS, EventKind
from crm.models import CarerType, Case, Household
from crm.models.case import step_date
from crm.timeutil import today

T = TypeVar("T")


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


#: The groups every figure is given for: all carers (None), then each carer type.
GROUPS: tuple[CarerType | None, ...] = (None, *CarerType)


def split_by_group(
    items: Iterable[T], carer_type_of: Callable[[T], CarerType]
) -> dict[CarerType | None, list[T]]:
    """{group: its items} for every group in GROUPS: each item under its own carer type
    and under all carers. The one way figures worked out once are told apart by type."""
    found: dict[CarerType | None, list[T]] = {group: [] for group in GROUPS}
    for item in items:
        found[carer_type_of(item)].append(item)
        found[None].append(item)
    return found


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


def repeated(counted: list[tuple[int, int]]) -> list[int]:
    """The values of (value, how many) pairs, each as many times as it was counted: the
    list `day_stats` wants from a query that grouped its days."""
    values = np.array([value for value, _ in counted], dtype=np.int64)
    return np.repeat(values, [n for _, n in counted]).tolist()


def count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), zero on no rows."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


#: The dated steps a period counts, by the name the figures use (each stage's
#: `counted_as`, in pipeline order). Each is dated by the case column `step_date`
#: gives, so a count and the list it opens are the same rule.
COUNTED_STEPS: dict[str, EventKind] = {
    f.counted_as: f.entered_by for f in STAGE_FACTS if f.counted_as is not None
}
#: The milestones among them, each with a date column of its own.
MILESTONE_COUNTS = {name: kind for name, kind in COUNTED_STEPS.items() if kind in MILESTONES}


def recruitment_enquiry() -> sa.ColumnElement[bool]:
    """A case that came as an enquiry, not a connected person's referral
    (`Case.came_as_enquiry`)."""
    return Case.came_as_enquiry()


def step_in_period(kind: EventKind, period: Period) -> sa.ColumnElement[bool]:
    """A case whose `kind` step is dated in the period (an enquiry: one that came as an
    enquiry, not a connected person's referral dated the same way)."""
    column, closed_as = step_date(kind)
    found = period.covers(column)
    if kind is EventKind.ENQUIRY:
        return sa.and_(recruitment_enquiry(), found)
    if closed_as is None:
        return found
    return sa.and_(Case.stage == closed_as, found)


def touched_in(period: Period) -> sa.ColumnElement[bool]:
    """A case with some counted step dated in the period: each count of a step, cohort
    or withdrawal in the period needs one, so a count over these cases alone is the
    same count. The columns are compared as they are (no order between them assumed),
    so a row whose dates are out of order is still found."""
    columns = {step_date(kind)[0].key: step_date(kind)[0] for kind in COUNTED_STEPS.values()}
    return sa.or_(*(period.covers(column) for column in columns.values()))

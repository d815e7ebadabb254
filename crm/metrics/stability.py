"""Placement stability: placements that ended in a period, planned or unplanned.

An unplanned ending (a disruption, or breakdown) is what councils' sufficiency
strategies ask to see fall (Leicestershire's asks for fewer breakdowns; Ofsted's
fostering return counts unplanned endings). A placement ends on its `end_date`
with its `ending` (planned, disruption, or not recorded, as an old import may
leave it); it belongs to the carer type of its household. Each count here and the
list it opens (`placements_ended`) are the same rule, `ended_in`.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from crm.domain.household_vocabulary import PlacementEnding
from crm.domain.periods import financial_year
from crm.extensions import db
from crm.metrics.period import GROUPS, Period, count_if, ratio
from crm.models import CarerType, Household, Placement

#: How a placement ended, by the name the figures and the list's filter use.
ENDINGS: dict[str, PlacementEnding | None] = {
    "planned": PlacementEnding.PLANNED,
    "disruptions": PlacementEnding.DISRUPTION,
    "ending_not_recorded": None,
}
#: The words for each, as the dashboard and the list say them.
ENDING_WORDS = {
    "planned": "Planned endings",
    "disruptions": "Disruptions (unplanned endings)",
    "ending_not_recorded": "Ending not recorded",
}
#: How many financial years the dashboard's table shows, the as-of date's last.
YEARS_SHOWN = 5


def ended_in(period: Period, ending: str | None = None) -> sa.ColumnElement[bool]:
    """A placement (joined to its household) that ended in the period, of the period's
    carer type, and ended as `ending` (a key of ENDINGS) when given."""
    found = [period.covers(Placement.end_date), period.households]
    if ending is not None:
        kind = ENDINGS[ending]
        found.append(Placement.ending.is_(None) if kind is None else Placement.ending == kind)
    return sa.and_(*found)


def placements_ended(period: Period, ending: str | None = None) -> sa.Select:
    """The placements a stability count counts, latest ending first."""
    return (
        sa.select(Placement)
        .join(Household, Household.id == Placement.household_id)
        .options(contains_eager(Placement.household))
        .where(ended_in(period, ending))
        .order_by(Placement.end_date.desc(), Placement.id.desc())
    )


def _counts(periods: list[Period]) -> list[dict[CarerType | None, dict]]:
    """For each period, each group's placements started and ended (by how), in one
    query over the placements that started or ended in any of them."""
    columns = []
    for period in periods:
        columns.append(count_if(period.covers(Placement.start_date)))
        columns.append(count_if(ended_in(period)))
        columns.extend(count_if(ended_in(period, ending)) for ending in ENDINGS)
    touched = sa.or_(
        *(sa.or_(p.covers(Placement.start_date), p.covers(Placement.end_date)) for p in periods)
    )
    rows = db.session.execute(
        sa.select(Household.carer_type, *columns)
        .join(Household, Household.id == Placement.household_id)
        .where(touched)
        .group_by(Household.carer_type)
    ).all()
    names = ["started", "ended", *ENDINGS]
    width = len(names)
    found = []
    for index in range(len(periods)):
        by_type = {t: dict.fromkeys(names, 0) for t in CarerType}
        for carer_type, *values in rows:
            chosen = values[index * width : (index + 1) * width]
            by_type[carer_type] = {n: int(v) for n, v in zip(names, chosen, strict=True)}
        by_type[None] = {n: sum(by_type[t][n] for t in CarerType) for n in names}
        found.append({group: _figures(by_type[group]) for group in GROUPS})
    return found


def _figures(counted: dict[str, int]) -> dict:
    return {**counted, "unplanned_share": ratio(counted["disruptions"], counted["ended"])}


def stability(period: Period) -> dict[CarerType | None, dict]:
    """Placements started and ended in the period, for all carers and each carer type:
    planned, disruptions, ending not recorded, and the share of endings unplanned
    (disruptions / placements ended; None when none ended)."""
    return _counts([Period(period.start, period.end, period.as_of)])[0]


def stability_by_year(as_of: date, carer_type: CarerType | None = None) -> list[dict]:
    """The same figures for each of the last YEARS_SHOWN financial years to `as_of`
    (the current one so far), oldest first, for the period's carers."""
    start, _ = financial_year(as_of)
    periods = []
    for back in range(YEARS_SHOWN - 1, -1, -1):
        first = start.replace(year=start.year - back)
        periods.append(
            Period(first, first.replace(year=first.year + 1) - timedelta(days=1), as_of, carer_type)
        )
    return [
        {
            "year": f"{p.start.year}-{str(p.start.year + 1)[2:]}",
            "from": p.start.isoformat(),
            "to": p.end.isoformat(),
            **figures[carer_type],
        }
        for p, figures in zip(periods, _counts(periods), strict=True)
    ]

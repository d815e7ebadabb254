"""Placement sufficiency: the children the council fosters (its demand profile, imported
from the children's system) beside the places its own carers offer, month by month.

For a month, on its last day:
- fostered children are those in in-house or agency foster care (kinship carers are
  approved for a named child, and residential care is not foster care);
- a band's in-house places are those of current households whose terms of approval in
  force take children of some age in the band, so a household approved for 0-17 counts
  in every band and bands do not add up to the service (as on the capacity page);
- a band's gap is its fostered children less its in-house approved places: above 0,
  the service has fewer places than children it fosters at that age;
- a need's places are those of households approved for the kinds of care that meet it
  (`NEED_CATEGORIES`), each household once;
- the pipeline of a band or need is the applications open on that day (applied, not yet
  approved or closed) whose applicants hope to offer those ages or that kind of care;
  applicants who have not said count in neither (`pipeline_unsaid`); its expected
  approvals by the financial year's end add up each application's chance, the same
  chance the approvals forecast uses (`chance_by_case`);
- agency placements in-house places could have taken: the fewer of the children with
  agency carers and the service's vacant in-house places (each place once). An upper
  bound: a vacant place suits a child only when the match is right. Their weekly cost
  is what those agency placements cost; the saving, that less what the same number of
  in-house placements cost (settings).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from crm.domain.periods import financial_year
from crm.domain.settings import Settings
from crm.domain.sufficiency import (
    AIMS_BY_KEY,
    BAND_AIMS,
    FOSTERED,
    NEED_AIMS,
    AgeBand,
    Aim,
    Need,
    PlacementType,
)
from crm.extensions import db
from crm.metrics.forecast import chance_by_case
from crm.metrics.period import ratio
from crm.metrics.places import Offer, Places, offers_on, total
from crm.models import Case, DemandCount, Household, SufficiencyTarget
from crm.models.setting import load_settings


@dataclass(frozen=True)
class Row:
    """One line of the sufficiency table: an age band or a need."""

    label: str
    in_house: int  # children with in-house foster carers
    agency: int  # children with agency (IFA) foster carers
    places: Places  # in-house places that can take them
    pipeline: int = 0  # open applications hoping to offer that care
    #: Of them, approvals expected by the financial year's end (the forecast's chances).
    expected: float = 0.0
    key: str = ""  # the aim's key, which the household list filters by

    @property
    def fostered(self) -> int:
        return self.in_house + self.agency

    @property
    def gap(self) -> int:
        return self.fostered - self.places.approved


@dataclass(frozen=True)
class TargetProgress:
    """A target for the financial year: households approved so far that meet its aim
    (by their terms in force on the day), and the pipeline's expected approvals."""

    aim: Aim
    target: int
    approved: int
    expected: float

    @property
    def in_reach(self) -> bool:
        return self.approved + self.expected >= self.target


@dataclass(frozen=True)
class Sufficiency:
    month: date
    by_band: list[Row]
    by_need: list[Row]
    service: Row
    could_take: int
    agency_weekly_cost: int
    weekly_saving: int
    pipeline_unsaid: int  # open applications that have not said what they hope to offer
    targets: list[TargetProgress]


def months_held() -> list[date]:
    """The months the demand profile covers, newest first."""
    return list(
        db.session.scalars(
            sa.select(DemandCount.month).distinct().order_by(DemandCount.month.desc())
        )
    )


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _counts(month: date) -> dict[tuple[AgeBand, PlacementType, Need], int]:
    rows = db.session.scalars(sa.select(DemandCount).where(DemandCount.month == month))
    return {(c.age_band, c.placement_type, c.need): c.children for c in rows}


def _children(counts: dict, need: Need, bands=tuple(AgeBand)) -> tuple[int, int]:
    """Children with in-house and with agency foster carers, of the bands, with the need."""
    in_house, agency = FOSTERED
    return (
        sum(counts.get((band, in_house, need), 0) for band in bands),
        sum(counts.get((band, agency, need), 0) for band in bands),
    )


def _places(offers: list[Offer], fits) -> Places:
    return total([offer.places for offer in offers if fits(offer)])


@dataclass(frozen=True)
class Application:
    """An application open on the day, and what its applicants hope to offer."""

    case_id: int
    kinds: frozenset[str]
    min_age: int | None
    max_age: int | None

    @property
    def unsaid(self) -> bool:
        return not self.kinds and self.min_age is None and self.max_age is None


def open_applications(day: date) -> list[Application]:
    """Each application open on `day`, with what it hopes to offer (None where not said)."""
    rows = db.session.execute(
        sa.select(
            Case.id, Case.intended_categories, Case.intended_min_age, Case.intended_max_age
        ).where(Case.application_open_on(day))
    )
    return [Application(i, frozenset(kinds or ()), low, high) for i, kinds, low, high in rows]


def sufficiency_for(month: date, settings: Settings | None = None) -> Sufficiency:
    """The month's demand beside the in-house places on its last day."""
    settings = settings or load_settings()
    day = month_end(month)
    counts, offers, pipeline = _counts(month), offers_on(day), open_applications(day)
    chances = chance_by_case(day) if pipeline else {}

    def row(aim: Aim) -> Row:
        bands = (aim.band,) if aim.band else tuple(AgeBand)
        hoping = [a for a in pipeline if aim.met_by(a.min_age, a.max_age, a.kinds)]
        return Row(
            aim.band.label if aim.band else aim.need.label,
            *_children(counts, aim.need or Need.ALL, bands),
            _places(offers, lambda o: aim.met_by(o.min_age, o.max_age, o.categories)),
            len(hoping),
            round(sum(chances.get(a.case_id, 0.0) for a in hoping), 1),
            aim.key,
        )

    by_band, by_need = [row(a) for a in BAND_AIMS], [row(a) for a in NEED_AIMS]
    rows = dict(zip(BAND_AIMS + NEED_AIMS, by_band + by_need, strict=True))
    service = Row(
        "All fostered children", *_children(counts, Need.ALL), total([o.places for o in offers])
    )
    could_take = min(service.agency, service.places.vacant)
    return Sufficiency(
        month,
        by_band,
        by_need,
        service,
        could_take,
        could_take * settings.weekly_cost_agency_foster,
        could_take * (settings.weekly_cost_agency_foster - settings.weekly_cost_in_house_foster),
        sum(1 for application in pipeline if application.unsaid),
        _targets(day, offers, rows),
    )


def _targets(day: date, offers: list[Offer], rows: dict[Aim, Row]) -> list[TargetProgress]:
    start, _ = financial_year(day)
    targets = db.session.scalars(
        sa.select(SufficiencyTarget).where(SufficiencyTarget.financial_year == start.year)
    ).all()
    if not targets:
        return []
    new = set(
        db.session.scalars(
            sa.select(Household.id).where(Household.approval_date.between(start, day))
        )
    )
    found = []
    for target in targets:
        aim = AIMS_BY_KEY.get(target.aim)
        if aim is None:
            continue  # an aim no longer offered: shown on the targets page, not here
        approved = sum(
            1
            for o in offers
            if o.household_id in new and aim.met_by(o.min_age, o.max_age, o.categories)
        )
        found.append(TargetProgress(aim, target.households, approved, rows[aim].expected))
    return found


def in_house_share_by_month() -> list[tuple[date, int, int, float | None]]:
    """For each month held, oldest first: fostered children with in-house carers, with
    agency carers, and the in-house share of them."""
    in_house, agency = FOSTERED
    found: dict[date, dict[PlacementType, int]] = defaultdict(lambda: defaultdict(int))
    for month, kind, children in db.session.execute(
        sa.select(DemandCount.month, DemandCount.placement_type, DemandCount.children).where(
            DemandCount.need == Need.ALL, DemandCount.placement_type.in_(FOSTERED)
        )
    ):
        found[month][kind] += children
    return [
        (
            month,
            found[month][in_house],
            found[month][agency],
            ratio(found[month][in_house], found[month][in_house] + found[month][agency]),
        )
        for month in sorted(found)
    ]


def children_looked_after(month: date) -> dict[PlacementType, int]:
    """Every child the council looked after at the month's end, by placement type."""
    found = {kind: 0 for kind in PlacementType}
    for (_, kind, need), children in _counts(month).items():
        if need is Need.ALL:
            found[kind] += children
    return found

"""Placement sufficiency: the children the council fosters (its demand profile, imported
from the children's system) beside the places its own carers offer, month by month.

For a month, on its last day, each in-house place is counted once, in one of three
tables kept apart (`crm.domain.sufficiency.Supply`): mainstream full-time places
against fostered children (in-house and agency foster care); kinship (connected
persons) places against children in kinship care; short-break-only (respite) places,
which meet no full-time demand, on their own. In each:

- a band's filled places are those filled on the day by children whose age that day
  (from their date of birth, or their age when the placement started) is in the band:
  a filled place belongs to the age of the child in it, so the bands' filled places
  add up (with those whose child's age is not recorded, and young people of 18 or over,
  who are in no band) to the table's filled places;
- a band's vacant places are those whose terms of approval could take a child of
  some age in it: a place vacant for ages 0-17 could take each band, so vacant places
  overlap between bands and are never summed across them. A kinship carer's vacant
  place could take no band's children: their approval names the child it is for
  (Fostering Services (England) Regulations 2011 reg 27(5)(a)), so it is in the
  kinship service row only;
- places not available (a break, places kept back) take no child of any age: counted
  apart, in the table's service row only;
- a band's gap is its children less its filled places less the vacant places that
  could take it: above 0, a shortfall (more children than places that hold or could
  take them); below 0, places to spare;
- the service row counts each place once: filled + vacant + not available (a child
  placed beyond a household's approved places, in an emergency or under an
  exemption, fills a place of its own: `over_approval` says how many);
- a need's places are those of mainstream households approved for the kinds of care
  that meet it (`NEED_CATEGORIES`; respite meets no need for full-time care), each
  household once: its filled places (Hearth does not hold a placed child's needs, so
  every filled place there counts, an upper bound) and its vacant places;
- the pipeline of a band or need is the applications open on that day (applied, not yet
  approved or closed) whose applicants hope to offer those ages or that kind of care;
  applicants who have not said count in neither (`pipeline_unsaid`); its expected
  approvals by the financial year's end add up each application's chance, the same
  chance the approvals forecast uses (`chance_by_case`);
- agency placements in-house places could have taken: the fewer of the children with
  agency carers and the vacant mainstream places (each place once). An upper bound: a
  vacant place suits a child only when the match is right. Their weekly cost is what
  those agency placements cost; the saving, that less what the same number of in-house
  placements cost (settings).
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
    DEMAND_OF,
    FOSTERED,
    NEED_AIMS,
    AgeBand,
    Aim,
    Need,
    PlacementType,
    Supply,
    age_on,
    full_time_kinds,
    supply_of,
)
from crm.extensions import db
from crm.metrics.forecast import chance_by_case
from crm.metrics.period import ratio
from crm.metrics.places import Offer, offers_on, total
from crm.models import Case, DemandCount, Household, Placement, SufficiencyTarget
from crm.models.setting import load_settings

#: Filled places counted in no age band, and why.
AGE_NOT_RECORDED = "age not recorded"
ADULT = "aged 18 or over"


@dataclass(frozen=True)
class Row:
    """One line of a sufficiency table: an age band, a need, or the service."""

    label: str
    in_house: int  # children with in-house foster carers (kinship table: in kinship care)
    agency: int  # children with agency (IFA) foster carers
    filled: int  # places filled by children of the row's ages (service: every one)
    vacant: int  # vacant places that could take the row's children (bands overlap)
    not_available: int | None = None  # the service row only: no age takes them
    pipeline: int = 0  # open applications hoping to offer that care
    #: Of them, approvals expected by the financial year's end (the forecast's chances).
    expected: float = 0.0
    key: str = ""  # the aim's key, which the household list filters by

    @property
    def fostered(self) -> int:
        return self.in_house + self.agency

    @property
    def gap(self) -> int:
        """Children less the places that hold them or could take them: above 0, short."""
        return self.fostered - self.filled - self.vacant

    @property
    def places(self) -> int:
        """The service row's places, each once: filled + vacant + not available."""
        return self.filled + self.vacant + (self.not_available or 0)


@dataclass(frozen=True)
class Table:
    """One kind of place's table (mainstream, kinship or short breaks)."""

    supply: Supply
    by_band: list[Row]
    by_need: list[Row]  # mainstream only
    service: Row
    unbanded: dict[str, int]  # filled places in no band: age not recorded, 18 or over
    over_approval: int  # children placed beyond their household's approved places
    households: int

    @property
    def is_mainstream(self) -> bool:
        """Mainstream places: the only table with agency children, needs and a pipeline."""
        return self.supply is Supply.MAINSTREAM

    @property
    def has_demand(self) -> bool:
        """Whether the demand profile counts children these places are for."""
        return bool(DEMAND_OF[self.supply])


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
    tables: dict[Supply, Table]
    could_take: int
    agency_weekly_cost: int
    weekly_saving: int
    pipeline_unsaid: int  # open applications that have not said what they hope to offer
    targets: list[TargetProgress]

    @property
    def mainstream(self) -> Table:
        return self.tables[Supply.MAINSTREAM]

    @property
    def kinship(self) -> Table:
        return self.tables[Supply.KINSHIP]

    @property
    def short_breaks(self) -> Table:
        return self.tables[Supply.SHORT_BREAKS]

    @property
    def by_band(self) -> list[Row]:
        return self.mainstream.by_band

    @property
    def by_need(self) -> list[Row]:
        return self.mainstream.by_need

    @property
    def service(self) -> Row:
        """Mainstream full-time places against fostered children."""
        return self.mainstream.service

    @property
    def places(self) -> int:
        """Every in-house place, each once: the three tables' service rows together."""
        return sum(table.service.places for table in self.tables.values())

    @property
    def shortfalls(self) -> list[Row]:
        """The mainstream bands and needs with more children than places (gap above 0)."""
        return [r for r in self.by_band + self.by_need if r.gap > 0]


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


def _children(
    counts: dict, kinds: tuple[PlacementType, ...], need: Need, bands=tuple(AgeBand)
) -> tuple[int, int]:
    """Children of the bands, with the need, in the placement types `kinds`: those with
    agency carers apart from the rest (in-house foster care, or kinship care)."""
    agency = PlacementType.AGENCY_FOSTER

    def of(chosen) -> int:
        return sum(counts.get((band, k, need), 0) for band in bands for k in chosen)

    return of([k for k in kinds if k is not agency]), of([k for k in kinds if k is agency])


def ages_placed_on(day: date, households: set[int]) -> dict[int, list[int | None]]:
    """The age on `day` of each child placed that day, by household (None: not
    recorded): the same placements `places_on_day` counts as filled."""
    rows = db.session.execute(
        sa.select(
            Placement.household_id,
            Placement.child_birth_date,
            Placement.child_age,
            Placement.start_date,
        ).where(Placement.running_on(day))
    )
    found: dict[int, list[int | None]] = defaultdict(list)
    for household_id, born, aged, started in rows:
        if household_id in households:
            found[household_id].append(age_on(day, born, aged, started))
    return found


def meets(aim: Aim, offer: Offer) -> bool:
    """Whether a household's terms in force could take the aim's children: ages for a
    band; for a need, the kinds of care that meet it full-time (never respite)."""
    return aim.met_by(offer.min_age, offer.max_age, full_time_kinds(offer.categories))


def _vacant_taking(aim: Aim, offers: list[Offer]) -> list[Offer]:
    return [o for o in offers if o.places.vacant and meets(aim, o)]


def vacant_taking(aim: Aim, day: date) -> list[int]:
    """The mainstream households with a vacant place on `day` that could take the aim's
    children: the list a mainstream row's count of vacant places opens, by its rule."""
    mainstream = [
        o for o in offers_on(day) if supply_of(o.carer_type, o.categories) is Supply.MAINSTREAM
    ]
    return [o.household_id for o in _vacant_taking(aim, mainstream)]


def _filled_by_band(offers: list[Offer], ages: dict) -> tuple[dict, dict[str, int]]:
    """Filled places by the band of the child in each, and those in no band."""
    by_band: dict[AgeBand, int] = defaultdict(int)
    unbanded = {AGE_NOT_RECORDED: 0, ADULT: 0}
    for offer in offers:
        for age in ages.get(offer.household_id, ()):
            band = None if age is None else AgeBand.of(age)
            if band is not None:
                by_band[band] += 1
            else:
                unbanded[AGE_NOT_RECORDED if age is None else ADULT] += 1
    return by_band, unbanded


def _table(supply: Supply, offers: list[Offer], ages: dict, counts: dict, hopes) -> Table:
    """One kind of place's table: its bands, its needs (mainstream) and its service row."""
    kinds = DEMAND_OF[supply]
    by_band, unbanded = _filled_by_band(offers, ages)

    def band_row(aim: Aim) -> Row:
        return Row(
            aim.band.label,
            *_children(counts, kinds, Need.ALL, (aim.band,)),
            by_band[aim.band],
            0
            if supply is Supply.KINSHIP
            else sum(o.places.vacant for o in _vacant_taking(aim, offers)),
            None,
            *hopes(aim),
            aim.key,
        )

    def need_row(aim: Aim) -> Row:
        approved = [o for o in offers if meets(aim, o)]
        return Row(
            aim.need.label,
            *_children(counts, kinds, aim.need),
            sum(o.places.filled for o in approved),
            sum(o.places.vacant for o in _vacant_taking(aim, approved)),
            None,
            *hopes(aim),
            aim.key,
        )

    places = total([o.places for o in offers])
    service = Row(
        "All fostered children" if supply is Supply.MAINSTREAM else supply.label,
        *_children(counts, kinds, Need.ALL),
        places.filled,
        places.vacant,
        places.not_available,
    )
    return Table(
        supply,
        [band_row(aim) for aim in BAND_AIMS],
        [need_row(aim) for aim in NEED_AIMS] if supply is Supply.MAINSTREAM else [],
        service,
        unbanded,
        sum(max(o.places.filled - o.places.approved, 0) for o in offers),
        len(offers),
    )


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
    ages = ages_placed_on(day, {o.household_id for o in offers})

    def hopes(aim: Aim) -> tuple[int, float]:
        hoping = [a for a in pipeline if aim.met_by(a.min_age, a.max_age, a.kinds)]
        return len(hoping), round(sum(chances.get(a.case_id, 0.0) for a in hoping), 1)

    def no_hopes(aim: Aim) -> tuple[int, float]:
        return 0, 0.0

    supplies = defaultdict(list)
    for offer in offers:
        supplies[supply_of(offer.carer_type, offer.categories)].append(offer)
    tables = {
        supply: _table(
            supply,
            supplies[supply],
            ages,
            counts,
            hopes if supply is Supply.MAINSTREAM else no_hopes,
        )
        for supply in Supply
    }
    mainstream = tables[Supply.MAINSTREAM]
    rows = dict(zip(BAND_AIMS + NEED_AIMS, mainstream.by_band + mainstream.by_need, strict=True))
    could_take = min(mainstream.service.agency, mainstream.service.vacant)
    return Sufficiency(
        month,
        tables,
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

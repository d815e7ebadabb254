"""The households matching can offer a child on a day, read once from the same places
and terms the capacity and sufficiency pages count."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from crm.domain import allegations, matching
from crm.domain.stages import Stage
from crm.domain.sufficiency import age_on
from crm.extensions import db
from crm.metrics.places import places_by_household
from crm.models import (
    ApprovalTerms,
    Carer,
    CarerEvent,
    CarerEventKind,
    CarerType,
    Case,
    Household,
    HouseholdBreak,
    Placement,
    PostcodeDistrict,
    Resident,
    User,
)
from crm.models.spans import in_force_on
from crm.visibility import cases_visible_to

#: An allegation's outcome while it is investigated (ALLEGATION_OUTCOMES).
#: How far ahead a break's end or a panel date counts as "soon".
SOON = timedelta(days=28)


def _terms_in_force(ids: list[int], day: date) -> dict[int, ApprovalTerms]:
    in_force = in_force_on(ApprovalTerms, day, where=[ApprovalTerms.household_id.in_(ids)])
    rows = db.session.scalars(
        sa.select(ApprovalTerms).join(in_force, in_force.c.id == ApprovalTerms.id)
    )
    return {terms.household_id: terms for terms in rows}


def _years(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _placed_ages(ids: list[int], day: date) -> dict[int, list[int | None]]:
    """The ages on `day` of the children placed there: from the birth date where the
    placement holds it, else from the age at the start (the sufficiency table's rule)."""
    found: dict[int, list[int | None]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(
            Placement.household_id,
            Placement.child_birth_date,
            Placement.child_age,
            Placement.start_date,
        ).where(Placement.household_id.in_(ids), Placement.running_on(day))
    )
    for household_id, born, age, started in rows:
        found[household_id].append(age_on(day, born, age, started))
    return found


def _own_children(ids: list[int], day: date) -> dict[int, list[int]]:
    """The ages on `day` of the others living there who are children (under 18)."""
    found: dict[int, list[int]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(Resident.household_id, Resident.birth_date).where(
            Resident.household_id.in_(ids), Resident.birth_date.is_not(None)
        )
    )
    for household_id, born in rows:
        if born <= day and _years(born, day) < 18:
            found[household_id].append(_years(born, day))
    return found


def allegations_open(ids: list[int], day: date) -> dict[int, date]:
    """Households under a hold on new placements on `day`, with the day the allegation
    that holds them was made: one made on or before `day` whose investigation had not
    concluded by then (crm/domain/allegations.py: from the allegation until its
    conclusion). An outcome recorded without its conclusion date (before it was asked,
    or imported as a later allegation record) holds no longer, as before; so for those
    the latest allegation decides (domain.md: "no new placements while one is open")."""
    rows = db.session.execute(
        sa.select(
            CarerEvent.household_id,
            CarerEvent.occurred_on,
            CarerEvent.outcome,
            CarerEvent.concluded_on,
        )
        .where(
            CarerEvent.household_id.in_(ids),
            CarerEvent.kind == CarerEventKind.ALLEGATION,
            CarerEvent.occurred_on <= day,
        )
        .order_by(CarerEvent.household_id, CarerEvent.occurred_on, CarerEvent.id)
    )
    held: dict[int, date] = {}
    latest: dict[int, tuple[date, str | None]] = {}
    for household_id, made, outcome, concluded_on in rows:
        latest[household_id] = (made, outcome)
        if concluded_on is not None and allegations.holds_on(made, outcome, concluded_on, day):
            held.setdefault(household_id, made)
    for household_id, (made, outcome) in latest.items():
        if allegations.is_open(outcome):
            held[household_id] = min(made, held.get(household_id, made))
    return held


def _identity(carers: list[Carer]) -> matching.Identity:
    return matching.Identity(
        religions=frozenset(c.religion for c in carers if c.religion is not None),
        ethnicities=frozenset(c.ethnicity for c in carers if c.ethnicity is not None),
        languages=frozenset().union(*(matching.split_languages(c.languages) for c in carers)),
    )


def households_on(
    day: date, with_identity: Callable[[Household], bool] = lambda h: False
) -> list[matching.Household]:
    """Every current household with a place free on `day`, as matching sees it; the
    carers' recorded identity only where `with_identity` says the reader may see it."""
    places = {h: p for h, p in places_by_household(day).items() if p.vacant > 0}
    ids = list(places)
    terms = _terms_in_force(ids, day)
    placed, own, held = _placed_ages(ids, day), _own_children(ids, day), allegations_open(ids, day)
    found = db.session.scalars(
        sa.select(Household).where(Household.id.in_(ids)).options(selectinload(Household.carers))
    )
    return [
        matching.Household(
            id=h.id,
            reference=h.reference,
            name=h.display_name,
            postcode=h.postcode,
            places=places[h.id].approved,
            filled=places[h.id].filled,
            vacant=places[h.id].vacant,
            min_age=terms[h.id].min_age,
            max_age=terms[h.id].max_age,
            categories=frozenset(terms[h.id].categories or ()),
            prefers=h.prefers,
            siblings_up_to=h.siblings_up_to,
            kinship=h.carer_type is CarerType.KINSHIP,
            allegation_open_since=held.get(h.id),
            bedrooms=h.bedrooms,
            placed_ages=tuple(placed.get(h.id, ())),
            own_children_ages=tuple(own.get(h.id, ())),
            identity=_identity(h.carers) if with_identity(h) else None,
        )
        for h in found
        if h.id in terms
    ]


def centroids_for(districts: set[str]) -> dict[str, tuple[float, float]]:
    return PostcodeDistrict.centroids({d for d in districts if d})


@dataclass(frozen=True)
class Upcoming:
    reference: str
    name: str
    on: date
    what: str
    household_id: int | None = None
    case_id: int | None = None


def coming_back(day: date) -> list[Upcoming]:
    """Households whose break ends within four weeks of `day`."""
    rows = db.session.execute(
        sa.select(Household, HouseholdBreak.end_date)
        .join(HouseholdBreak, HouseholdBreak.household_id == Household.id)
        .where(
            Household.current_on(day),
            HouseholdBreak.running_on(day),
            HouseholdBreak.end_date <= day + SOON,
        )
        .order_by(HouseholdBreak.end_date)
    )
    return [
        Upcoming(h.reference, h.display_name, ends, "back from a break", household_id=h.id)
        for h, ends in rows
    ]


def approved_soon(day: date, seen_by: User | None = None) -> list[Upcoming]:
    """Applicants waiting for the decision after panel, or whose panel is booked within
    four weeks of `day`; only those `seen_by` may open, when given (applicants are named
    only to those who may open their case)."""
    booked_soon = sa.and_(
        Case.stage == Stage.STAGE2, Case.panel_booked_for.between(day, day + SOON)
    )
    rows = db.session.scalars(
        sa.select(Case)
        .where(sa.or_(Case.stage == Stage.PANEL, booked_soon))
        .where(sa.true() if seen_by is None else cases_visible_to(seen_by))
        .order_by(Case.panel_date, Case.panel_booked_for, Case.id)
    )
    return [
        Upcoming(
            c.reference,
            c.display_name,
            c.panel_date or c.panel_booked_for,
            "awaiting the decision after panel" if c.stage is Stage.PANEL else "panel booked",
            case_id=c.id,
        )
        for c in rows
    ]

"""The households matching can offer a child on a day, read once from the same places
and terms the capacity and sufficiency pages count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from crm.domain import matching
from crm.domain.stages import Stage
from crm.extensions import db
from crm.metrics.places import places_by_household
from crm.models import ApprovalTerms, Case, Household, HouseholdBreak, User
from crm.models.spans import in_force_on
from crm.visibility import cases_visible_to

#: How far ahead a break's end or a panel date counts as "soon".
SOON = timedelta(days=28)


def _terms_in_force(ids: list[int], day: date) -> dict[int, ApprovalTerms]:
    in_force = in_force_on(ApprovalTerms, day, where=[ApprovalTerms.household_id.in_(ids)])
    rows = db.session.scalars(
        sa.select(ApprovalTerms).join(in_force, in_force.c.id == ApprovalTerms.id)
    )
    return {terms.household_id: terms for terms in rows}


def households_on(day: date) -> list[matching.Household]:
    """Every current household as matching sees it on `day`."""
    places = places_by_household(day)
    terms = _terms_in_force(list(places), day)
    found = db.session.scalars(sa.select(Household).where(Household.id.in_(list(places))))
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
        )
        for h in found
        if h.id in terms
    ]


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

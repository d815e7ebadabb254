"""Places on a date: approved = filled + vacant + not available (Ofsted's definitions).

For each household approved on the date and not yet deregistered: its
approved places come from the terms of approval in force that day; filled
places are placements that started on or before the day and had not ended
(a child who left that day is not counted); a household on a break that day
has its unfilled places not available rather than vacant; otherwise places
marked not available that day (a placed child's needs, the carers'
circumstances) are taken from the unfilled ones, never more than there are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date

import sqlalchemy as sa

from crm.domain.sufficiency import BAND_AIMS
from crm.extensions import db
from crm.metrics.period import split_by_group
from crm.models import (
    ApprovalTerms,
    CarerType,
    Household,
    HouseholdBreak,
    Placement,
    UnavailablePlaces,
)


@dataclass(frozen=True)
class Places:
    approved: int = 0
    filled: int = 0
    vacant: int = 0
    not_available: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def places_by_household(
    day: date, only: list[int] | None = None, carer_type: CarerType | None = None
) -> dict[int, Places]:
    """Each current household's places on `day` (five queries, whatever the size);
    `only` narrows it to some households, as a household's own page needs."""
    current = sa.select(Household.id).where(Household.current_on(day))
    if carer_type is not None:
        current = current.where(Household.carer_type == carer_type)
    if only is not None:
        current = current.where(Household.id.in_(only))
    approved: dict[int, int] = {}
    for household_id, places in db.session.execute(
        sa.select(ApprovalTerms.household_id, ApprovalTerms.places)
        .where(ApprovalTerms.household_id.in_(current), ApprovalTerms.effective_from <= day)
        .order_by(ApprovalTerms.household_id, ApprovalTerms.effective_from, ApprovalTerms.id)
    ):
        approved[household_id] = places  # the latest terms in force win
    filled = Counter(
        db.session.scalars(
            sa.select(Placement.household_id).where(
                Placement.household_id.in_(current),
                Placement.running_on(day),
            )
        )
    )
    on_break = set(
        db.session.scalars(
            sa.select(HouseholdBreak.household_id).where(
                HouseholdBreak.household_id.in_(current),
                HouseholdBreak.running_on(day),
            )
        )
    )
    withheld: Counter = Counter()
    for household_id, places in db.session.execute(
        sa.select(UnavailablePlaces.household_id, UnavailablePlaces.places).where(
            UnavailablePlaces.household_id.in_(current), UnavailablePlaces.running_on(day)
        )
    ):
        withheld[household_id] += places
    result = {}
    for household_id, places in approved.items():
        taken = filled.get(household_id, 0)
        spare = max(places - taken, 0)
        unavailable = spare if household_id in on_break else min(withheld[household_id], spare)
        result[household_id] = Places(places, taken, spare - unavailable, unavailable)
    return result


def places_on(day: date, carer_type: CarerType | None = None) -> Places:
    """Totals across the service (or its mainstream or kinship carers) on `day`."""
    return total(list(places_by_household(day, carer_type=carer_type).values()))


def places_by_group(day: date) -> dict[CarerType | None, Places]:
    """Totals on `day` for the whole service (None) and for each carer type."""
    per_household = places_by_household(day)
    current = sa.select(Household.id, Household.carer_type).where(Household.current_on(day))
    types = dict(db.session.execute(current).all())
    split = split_by_group(per_household.items(), lambda item: types[item[0]])
    return {group: total([places for _, places in found]) for group, found in split.items()}


@dataclass(frozen=True)
class Offer:
    """What a current household offers on a day: its places, and the kinds of care and
    ages its terms of approval in force allow."""

    places: Places
    categories: frozenset[str]
    min_age: int
    max_age: int
    household_id: int = 0


def offers_on(day: date) -> list[Offer]:
    """Every current household's offer on `day` (six queries, whatever the size)."""
    per_household = places_by_household(day)
    terms_rows = db.session.execute(
        sa.select(
            ApprovalTerms.household_id,
            ApprovalTerms.categories,
            ApprovalTerms.min_age,
            ApprovalTerms.max_age,
        )
        .where(
            ApprovalTerms.household_id.in_(list(per_household)), ApprovalTerms.effective_from <= day
        )
        .order_by(ApprovalTerms.household_id, ApprovalTerms.effective_from, ApprovalTerms.id)
    )
    latest = {household_id: (cats, low, high) for household_id, cats, low, high in terms_rows}
    return [
        Offer(places, frozenset(latest[h][0] or ()), latest[h][1], latest[h][2], h)
        for h, places in per_household.items()
    ]


def total(places: list[Places]) -> Places:
    """The sum, field by field (asdict per pair took a national service 0.3 s)."""
    return Places(
        approved=sum(p.approved for p in places),
        filled=sum(p.filled for p in places),
        vacant=sum(p.vacant for p in places),
        not_available=sum(p.not_available for p in places),
    )


def capacity_on(day: date) -> tuple[dict[str, Places], dict[str, Places]]:
    """Places on `day` by kind of care and by age band the terms cover (the DfE's bands,
    which the children's demand profile counts in).

    A household approved for several kinds of care (or age bands) counts under
    each, so these columns do not add up to the service total.
    """
    offers = offers_on(day)
    categories = sorted({c for offer in offers for c in offer.categories})
    by_category = {c: total([o.places for o in offers if c in o.categories]) for c in categories}
    by_age = {
        aim.band.label: total(
            [o.places for o in offers if aim.met_by(o.min_age, o.max_age, o.categories)]
        )
        for aim in BAND_AIMS
    }
    return by_category, by_age

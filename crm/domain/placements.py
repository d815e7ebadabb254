"""Whether a placement is within the law: the terms of approval in force on its start
day, the usual fostering limit, and the two records that allow a placement outside
them. Pure rules over anything shaped like a household (crm.domain.households says
which attributes), so the screens, the carer events import and the demo judge alike.

The terms of approval (Fostering Services (England) Regulations 2011, reg 27(5)(a)):
a child may be placed with approved foster carers only where the terms of their
approval "are consistent with the proposed placement" (Care Planning, Placement and
Case Review (England) Regulations 2010, reg 22(1), "Conditions to be complied with
before placing C with a local authority foster parent"; reg 23 is the emergency
exception, reg 24 the temporary approval of a connected person). Hearth checks the
three terms it holds: the child's age against the age range, the kind of care against
the kinds approved, and the number of children against the approved places, on every
day the new child would share the home with children already placed (a child who
leaves later this month is still there when the new one arrives).

The usual fostering limit (Children Act 1989, Schedule 7): "a person may not foster
more than three children" (para 2) unless "the children concerned are all siblings
with respect to each other" (para 3) or the person "is exempted from it by the local
authority within whose area he lives" (para 4(1)), which tells the carer in writing
"of the children, described by name, whom he may foster" (para 4(3)(b)). An exemption
lifts the limit only: it does not widen the terms of approval (CoramBAAF's advice to
services in England says the same).

Outside the terms only two routes are lawful: an emergency placement, or a change of
terms first (then the placement is within the new terms and needs nothing else).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from crm.domain.household_vocabulary import care_label
from crm.domain.households import HouseholdRuleError
from crm.domain.labelled import LabelledEnum
from crm.domain.working_days import add_working_days
from crm.formatting import uk_date

#: Children Act 1989, Sch. 7 para 2: "a person may not foster more than three children".
USUAL_FOSTERING_LIMIT = 3
#: Care Planning Regulations 2010, reg 23(1): an emergency placement outside the terms
#: "for no longer than six working days".
EMERGENCY_WORKING_DAYS = 6


class PlacementBasis(LabelledEnum):
    """On what footing a child was placed: what made the placement lawful."""

    WITHIN_TERMS = "within_terms", "Within the terms of approval"
    EMERGENCY = "emergency", "Emergency placement outside the terms (reg 23)"
    EXEMPTION = "exemption", "Over the usual fostering limit by exemption (Sch. 7)"
    IMPORTED_OUTSIDE_TERMS = "imported_outside_terms", "Outside the terms (imported history)"
    TEMPORARY_APPROVAL = (
        "temporary_approval",
        "The named child of a connected person's temporary approval (reg 24)",
    )


@dataclass(frozen=True)
class Emergency:
    """Who agreed to the emergency placement, when, and the last day it may run."""

    agreed_by: str
    agreed_on: date
    until: date | None = None  # None: as long as reg 23 allows


@dataclass(frozen=True)
class Exemption:
    """The local authority's exemption from the usual fostering limit: who granted it,
    when, and the children it names (Sch. 7 para 4(3))."""

    granted_by: str
    granted_on: date
    children: str


@dataclass(frozen=True)
class Fit:
    """How a proposed placement stands on its start day: why it is outside the terms
    in force (nothing when within them), and why it is over the usual limit (None)."""

    outside_terms: tuple[str, ...] = ()
    over_limit: str | None = None

    @property
    def within(self) -> bool:
        return not self.outside_terms and self.over_limit is None

    def described(self) -> str:
        """Every reason, as one sentence for a message or a record."""
        reasons = [*self.outside_terms, *([self.over_limit] if self.over_limit else [])]
        return _sentence("; ".join(reasons))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def emergency_ends_on(start: date) -> date:
    """The last day an emergency placement outside the terms may run: the sixth working
    day after the day of placement (the day of placement not counted, as Hearth counts
    working days everywhere; reg 13 counts its "five working days of the start of the
    placement" the same way). A child placed on Friday 6 March 2026 may stay under
    reg 23 until Monday 16 March."""
    return add_working_days(start, EMERGENCY_WORKING_DAYS)


def _days_shared(household: Any, on: date) -> list[date]:
    """The start day, and each later day another child arrives: the days on which the
    number of children placed can rise while the new child is there."""
    later = {p.start_date for p in household.placements if p.start_date > on}
    return [on, *sorted(later)]


def _placed_on(household: Any, day: date) -> list[Any]:
    return [p for p in household.placements if p.running_on(day)]


def judge_fit(
    household: Any,
    on: date,
    child_age: int | None = None,
    care_kind: str | None = None,
    sibling_group: str | None = None,
) -> Fit:
    """A new child placed from `on` against the terms in force and the usual limit.

    An age or kind of care not given is not judged (an imported row carries neither);
    a household with no terms in force is outside them whatever the child."""
    terms = household.terms_on(on)
    if terms is None:
        return Fit((f"no terms of approval are in force on {uk_date(on)}",))
    reasons = []
    if child_age is not None and not terms.min_age <= child_age <= terms.max_age:
        reasons.append(
            f"aged {child_age}, where the terms allow ages {terms.min_age}-{terms.max_age}"
        )
    kinds = list(terms.categories or ())
    if care_kind and kinds and care_kind not in kinds:
        allowed = ", ".join(care_label(k).lower() for k in kinds)
        reasons.append(f"{care_label(care_kind).lower()} care, where the terms allow {allowed}")
    over_places = over_limit = None
    for day in _days_shared(household, on):
        day_terms = household.terms_on(day)
        places = day_terms.places if day_terms else 0
        others = _placed_on(household, day)
        if over_places is None and len(others) + 1 > places:
            over_places = _filled(places, day)
            reasons.append(over_places)
        if over_limit is None and len(others) + 1 > USUAL_FOSTERING_LIMIT:
            groups = {p.sibling_group for p in others} | {sibling_group}
            if len(groups) != 1 or None in groups or "" in groups:
                over_limit = (
                    f"{len(others) + 1} children would be fostered here on {uk_date(day)}, "
                    f"more than the usual fostering limit of {USUAL_FOSTERING_LIMIT}, and "
                    "they are not all siblings (Children Act 1989, Sch. 7)"
                )
    return Fit(tuple(reasons), over_limit)


def _filled(places: int, day: date) -> str:
    if places == 1:
        return f"the one approved place is filled on {uk_date(day)}"
    if places == 0:
        return f"no places are approved on {uk_date(day)}"
    return f"all {places} approved places are filled on {uk_date(day)}"


def basis_for(
    fit: Fit,
    child_reference: str,
    on: date,
    as_of: date,
    emergency: Emergency | None = None,
    exemption: Exemption | None = None,
) -> tuple[PlacementBasis, Emergency | None, Exemption | None]:
    """What makes the placement lawful, and the records kept for it; refused (a
    HouseholdRuleError on the field "basis") when nothing does.

    Within the terms and the limit, nothing more is needed (an emergency or exemption
    typed anyway is not kept). Outside the terms, only an emergency placement under
    the Care Planning, Placement and Case Review (England) Regulations 2010, reg 23,
    "Emergency placement with a local authority foster parent": reg 23(1) lets the
    responsible authority, where it is necessary to place a child in an emergency,
    place the child with an approved local authority foster parent "even if the terms
    of that approval are not consistent with the placement, provided that the placement
    is for no longer than six working days"; and reg 23(2): when the six working days
    expire "the responsible authority must terminate the placement unless the terms of
    that person's approval have been amended to be consistent with the placement"
    (statutory guidance, Volume 2, para 3.84). Over the usual limit, only an exemption
    that names the child (Children Act 1989, Sch. 7 para 4(3)(b)); an emergency does
    not lift the limit. A placement can need both."""
    if fit.within:
        return PlacementBasis.WITHIN_TERMS, None, None
    if fit.outside_terms:
        if emergency is None:
            raise HouseholdRuleError(
                f"{fit.described()}. Outside the terms of approval a child can be placed "
                "only in an emergency (Care Planning Regulations 2010, reg 23: for up to "
                f"{EMERGENCY_WORKING_DAYS} working days, with who agreed it) or after a "
                "change of terms.",
                "basis",
            )
        emergency = _checked_emergency(emergency, on, as_of)
    else:
        emergency = None
    if fit.over_limit:
        if exemption is None:
            raise HouseholdRuleError(
                f"{fit.described()}. More than three children who are not all siblings "
                "need the local authority's exemption naming each child (Sch. 7 para 4).",
                "basis",
            )
        _check_exemption(exemption, child_reference, on)
    else:
        exemption = None
    return (
        (PlacementBasis.EMERGENCY if emergency else PlacementBasis.EXEMPTION),
        emergency,
        exemption,
    )


def _checked_emergency(emergency: Emergency, on: date, as_of: date) -> Emergency:
    if not emergency.agreed_by.strip():
        raise HouseholdRuleError("Say who agreed the emergency placement.", "basis")
    if emergency.agreed_on > on or emergency.agreed_on > as_of:
        raise HouseholdRuleError(
            "An emergency placement is agreed on or before the day the child is placed.",
            "basis",
        )
    latest = emergency_ends_on(on)
    until = emergency.until or latest
    if until < on:
        raise HouseholdRuleError("The emergency placement cannot end before it starts.", "basis")
    if until > latest:
        raise HouseholdRuleError(
            f"An emergency placement outside the terms runs for no longer than "
            f"{EMERGENCY_WORKING_DAYS} working days (reg 23): until {uk_date(latest)} at "
            "the latest; change the terms of approval to keep the child longer.",
            "basis",
        )
    return Emergency(emergency.agreed_by.strip(), emergency.agreed_on, until)


def named_children(children: str) -> set[str]:
    """The references an exemption names, however they were separated."""
    return {c.casefold() for c in re.split(r"[\s,;/]+", children or "") if c}


def _check_exemption(exemption: Exemption, child_reference: str, on: date) -> None:
    if not exemption.granted_by.strip():
        raise HouseholdRuleError("Say who granted the exemption.", "basis")
    if exemption.granted_on > on:
        raise HouseholdRuleError(
            "The exemption must be granted before the child is placed "
            f"(it was granted on {uk_date(exemption.granted_on)}).",
            "basis",
        )
    if child_reference.casefold() not in named_children(exemption.children):
        raise HouseholdRuleError(
            f"The exemption does not name {child_reference}; an exemption names the "
            "children the carers may foster (Sch. 7 para 4(3)(b)).",
            "basis",
        )


def emergency_running_past(placement: Any, day: date) -> bool:
    """An emergency placement still running on or after the last day reg 23 allows:
    its worker must end it or have the terms amended to fit (reg 23(2))."""
    return (
        placement.basis is PlacementBasis.EMERGENCY
        and placement.emergency_until is not None
        and placement.emergency_until <= day
        and placement.running_on(day)
    )


def covered_now(household: Any, placement: Any, day: date) -> bool:
    """The terms in force on `day` now fit the placement (amended, reg 23(2)): its age
    at the start, its kind of care, and the places with the others there that day."""
    terms = household.terms_on(day)
    if terms is None:
        return False
    kinds = list(terms.categories or ())
    age = placement.child_age
    placed = _placed_on(household, day)
    return (
        (age is None or terms.min_age <= age <= terms.max_age)
        and (not placement.care_kind or not kinds or placement.care_kind in kinds)
        and len(placed) <= terms.places
    )

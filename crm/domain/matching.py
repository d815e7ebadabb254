"""Matching a child to carers: how well an approved household fits a described child,
with what fits and what does not, in words a placement officer can act on.

The rules (domain.md):
- a household takes the ages and kinds of care its terms of approval say; a child
  outside them needs a change of terms, and more children than its approved places
  too: shown, never hidden;
- the usual fostering limit is three children at a time unless they are all siblings;
  more needs the local authority's exemption (Children Act 1989, Schedule 7);
- a child's needs are met by the kinds of care that meet them (the sufficiency page's
  own rule, `Aim.met_by`);
- a place is free when it is vacant on the day (not filled, not withheld, the carers
  not on a break).

Households are ranked by what stands against them (fewest first: nothing to change
beats a change of terms beats an exemption), then by how much fits, then nearest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from crm.domain.household_vocabulary import CareCategory
from crm.domain.labelled import LabelledEnum
from crm.domain.sufficiency import AIMS_BY_KEY, Need

#: The usual fostering limit (Children Act 1989, Schedule 7).
USUAL_LIMIT = 3
_DISTRICT = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?")


class ChildSex(LabelledEnum):
    GIRL = "girl"
    BOY = "boy"


class ReferralOutcome(LabelledEnum):
    OFFERED = "offered", "Offered, waiting for the carers' answer"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class DeclineReason(LabelledEnum):
    """Why carers said no: counted together, they show what the service lacks."""

    NO_PLACE = "no_place", "No place free after all"
    AGE = "age", "The child's age"
    NEEDS = "needs", "Needs beyond the carers' experience"
    SIBLINGS = "siblings", "Cannot take the whole sibling group"
    DISTANCE = "distance", "Too far from school or family"
    HOUSEHOLD = "household", "The carers' own circumstances"
    PLAN_CHANGED = "plan_changed", "The child's plan changed"
    OTHER = "other"


@dataclass(frozen=True)
class Child:
    """A child (or sibling group) described for a search: never a stored record."""

    age: int
    on: date
    siblings: int = 1  # children placed together, this child included
    needs: frozenset[Need] = frozenset()
    care: CareCategory | None = None
    district: str | None = None  # a postcode district: "LE2"
    sex: ChildSex | None = None


@dataclass(frozen=True)
class Household:
    """What matching needs to know of a household on the day."""

    id: int
    reference: str
    name: str
    postcode: str | None
    places: int
    filled: int
    vacant: int
    min_age: int
    max_age: int
    categories: frozenset[str]
    #: The carers' own preferences, beside their terms (None: no preference said).
    prefers: ChildSex | None = None
    siblings_up_to: int | None = None


@dataclass
class Fit:
    household: Household
    fits: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)
    #: Changes the placement needs first: a change of terms, an exemption.
    needs_change: list[str] = field(default_factory=list)

    @property
    def rank_key(self) -> tuple:
        return (
            len(self.against),
            len(self.needs_change),
            -len(self.fits),
            self.household.reference,
        )


def district(postcode: str | None) -> str | None:
    """The outward code's district ("LE2" of "LE2 7AB"), or None."""
    if not postcode or not postcode.strip():
        return None
    written = postcode.upper().split()
    outward = written[0] if len(written) > 1 else written[0][:-3] or written[0]
    return outward if _DISTRICT.fullmatch(outward) else None


def _area(code: str | None) -> str | None:
    return re.match(r"[A-Z]+", code).group(0) if code else None


def _places(child: Child, h: Household, fit: Fit) -> None:
    if h.vacant >= child.siblings:
        fit.fits.append(f"{h.vacant} place{'s' if h.vacant != 1 else ''} free")
    elif h.vacant:
        fit.against.append(f"only {h.vacant} place{'s' if h.vacant != 1 else ''} free")
    else:
        fit.against.append("no place free on the day")
    if h.filled + child.siblings > h.places:
        fit.needs_change.append(
            f"over its terms of approval ({h.places} place{'s' if h.places != 1 else ''}): "
            "needs a change of terms"
        )
    if h.filled + child.siblings > USUAL_LIMIT and h.filled > 0:
        fit.needs_change.append(
            f"{h.filled + child.siblings} children would be over the usual fostering limit "
            "of three: needs the local authority's exemption"
        )


def _terms(child: Child, h: Household, fit: Fit) -> None:
    if h.min_age <= child.age <= h.max_age:
        fit.fits.append(f"approved for ages {h.min_age}–{h.max_age}")
    else:
        fit.needs_change.append(
            f"approved for ages {h.min_age}–{h.max_age}, not {child.age}: needs a change of terms"
        )
    if child.care is not None:
        if child.care.value in h.categories:
            fit.fits.append(f"approved for {child.care.label.lower()}")
        else:
            fit.needs_change.append(f"not approved for {child.care.label.lower()}")
    for need in sorted(child.needs, key=list(Need).index):
        if AIMS_BY_KEY[f"need:{need.value}"].met_by(None, None, h.categories):
            fit.fits.append(f"approved for care that meets: {need.label.lower()}")
        else:
            fit.against.append(f"not approved for care that meets: {need.label.lower()}")


def _preferences(child: Child, h: Household, fit: Fit) -> None:
    """What the carers said they prefer: not terms, so against a match, never a bar."""
    if h.prefers is not None and child.sex is not None:
        if h.prefers is child.sex:
            fit.fits.append(f"prefer to care for {child.sex.label.lower()}s")
        else:
            fit.against.append(f"prefer to care for {h.prefers.label.lower()}s")
    if h.siblings_up_to is not None and child.siblings > 1:
        if child.siblings <= h.siblings_up_to:
            fit.fits.append(f"take sibling groups of up to {h.siblings_up_to}")
        else:
            fit.against.append(f"take sibling groups of up to {h.siblings_up_to}")


def _where(child: Child, h: Household, fit: Fit) -> None:
    if not child.district:
        return
    theirs = district(h.postcode)
    if theirs == child.district:
        fit.fits.append(f"lives in {theirs}")
    elif theirs and _area(theirs) == _area(child.district):
        fit.fits.append(f"lives nearby ({theirs})")
    else:
        fit.against.append(f"lives outside the area ({theirs or 'no postcode'})")


def assess(child: Child, household: Household) -> Fit:
    """What fits and what does not, for one household."""
    fit = Fit(household)
    _places(child, household, fit)
    _terms(child, household, fit)
    _preferences(child, household, fit)
    _where(child, household, fit)
    return fit


def rank(child: Child, households: list[Household]) -> list[Fit]:
    """Every household assessed, best first."""
    return sorted((assess(child, h) for h in households), key=lambda f: f.rank_key)


class ReferralRefused(ValueError):
    """An offer or an answer the rules refuse: the field, and why, in words."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field, self.reason = field, reason


def check_offer(offered_on: date, today: date) -> None:
    if offered_on > today:
        raise ReferralRefused("offered_on", "The offer cannot be dated in the future.")


def check_answer(
    outcome: ReferralOutcome,
    offered_on: date,
    answered_on: date,
    reason: DeclineReason | None,
    already: ReferralOutcome,
    today: date,
) -> None:
    """An answer comes once, after the offer and not in the future; a refusal says why
    (the reasons, counted, show what the service lacks), an acceptance gives none."""
    if already is not ReferralOutcome.OFFERED:
        raise ReferralRefused("outcome", f"The carers have already answered ({already.label}).")
    if outcome is ReferralOutcome.OFFERED:
        raise ReferralRefused("outcome", "Choose whether they accepted or declined.")
    if answered_on > today:
        raise ReferralRefused("answered_on", "The answer cannot be dated in the future.")
    if answered_on < offered_on:
        raise ReferralRefused("answered_on", "The answer cannot come before the offer.")
    if outcome is ReferralOutcome.DECLINED and reason is None:
        raise ReferralRefused("decline_reason", "Say why they declined.")
    if outcome is ReferralOutcome.ACCEPTED and reason is not None:
        raise ReferralRefused("decline_reason", "An accepted offer has no reason to decline.")

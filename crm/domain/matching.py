"""Matching a child, or a group of brothers and sisters, to carers: which approved
households may take them, in the order the law and practice weigh it, each saying why
it sits where it does, in words a placement officer can act on.

The council "must place C in the placement which is, in their opinion, the most
appropriate placement available" (Children Act 1989 s.22C(5)), preferring a relative,
friend or other connected person who is a foster parent (s.22C(6)(a), (7)(a)).

The order (domain.md, "Matching"), each tier weighed only when the ones above it are
equal:

0. Never offered. A household approved for a named child (connected persons, kinship:
   the written notice "specifying any terms on which the approval is given" names the
   child, Fostering Services (England) Regulations 2011 reg 27(5)(a); or a temporary
   approval for that child alone, Care Planning Regulations 2010 reg 24) is not offered
   for an unrelated child. A household approved only for short breaks (respite) is not
   offered for full-time care, nor counted as meeting a disabled child's full-time
   needs. A household on a break, or under a hold on new placements (an allegation
   still open: from the day it was made until its investigation concluded,
   crm/domain/allegations.py; NMS 22), is not offered until it ends.
1. Legal bars, which need something done first and are shown, never hidden: the terms
   of approval in force on the day (ages, kind of care, places: reg 27(5)(a); a child
   is placed only where the terms of the carers' approval "are consistent with the
   proposed placement", Care Planning Regulations 2010 reg 22(1)); and the usual fostering
   limit: "a person may not foster more than three children" unless they are all
   siblings with respect to each other, or the local authority exempts them (Children
   Act 1989 Sch. 7 paras 2, 3 and 4).
2. What the law asks the council to weigh, never a bar. The placement should, so far
   as reasonably practicable (s.22C(7)(b)), allow the child to live near their home
   and not disrupt their education (s.22C(8)(a), (b)), and let a child live with a
   looked-after brother or sister (s.22C(8)(c)); and "due consideration ... to the
   child's religious persuasion, racial origin and cultural and linguistic background"
   (s.22(5)(c)), against what the carers recorded of themselves.
3. The household as it is: places free on the day, the ages of the children already
   placed and of the carers' own children, bedrooms (each child over three should have
   their own bedroom, or sharing is agreed by each child's authority: Fostering Services
   NMS 2011, 10.6), and the carers' skills (kinds of care that meet the needs; a
   disabled child's accommodation suitable to their needs: s.22C(8)(d)).
4. The carers' preferences (not terms: no panel decides them).
5. Distance from the child's home district, nearest first.

A shortfall is said once: "three children in two places" is one fact (over the terms),
not also "only two places free".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from crm.domain.characteristics import Ethnicity, Religion
from crm.domain.geography import Centroids, Distance, distance
from crm.domain.household_vocabulary import CareCategory
from crm.domain.labelled import LabelledEnum
from crm.domain.sufficiency import NEED_CATEGORIES, Need

#: The usual fostering limit (Children Act 1989, Schedule 7, para 2).
USUAL_LIMIT = 3
#: Within this many kilometres a household counts as near a child's home or school.
NEAR_KM = 10.0
#: A child of this age or under may share a bedroom without an agreement (NMS 10.6).
SHARES_A_ROOM_UP_TO = 3
#: Needs that are a kind of placement of their own, so the terms must name them.
NEEDS_IN_TERMS = frozenset({Need.PARENT_AND_CHILD})


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
    """One child of a search, described, never a stored record."""

    age: int
    sex: ChildSex | None = None
    needs: frozenset[Need] = frozenset()


@dataclass(frozen=True)
class Group:
    """The child (or brothers and sisters to place together) a search is for, with what
    the whole group shares: the day, the kind of care, home and school, identity."""

    children: tuple[Child, ...]
    on: date
    care: CareCategory | None = None
    district: str | None = None  # the child's home postcode district: "LE2"
    school_district: str | None = None
    religion: Religion | None = None
    ethnicity: Ethnicity | None = None
    language: str | None = None

    @property
    def size(self) -> int:
        return len(self.children)

    @property
    def age(self) -> int:
        """The first child's age (the one the search was started for)."""
        return self.children[0].age

    @property
    def ages(self) -> list[int]:
        return [c.age for c in self.children]

    @property
    def needs(self) -> frozenset[Need]:
        """Every child's needs; brothers and sisters together are a sibling group."""
        found = frozenset().union(*(c.needs for c in self.children))
        return found | {Need.SIBLING_GROUP} if self.size > 1 else found

    @property
    def full_time(self) -> bool:
        """Anything but short breaks is full-time care."""
        return self.care is not CareCategory.RESPITE

    @property
    def describes_identity(self) -> bool:
        return bool(_said(self.religion) or _said(self.ethnicity) or self.language)


@dataclass(frozen=True)
class Identity:
    """What the carers recorded of themselves (special category data)."""

    religions: frozenset[Religion] = frozenset()
    ethnicities: frozenset[Ethnicity] = frozenset()
    languages: frozenset[str] = frozenset()  # lower case


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
    #: Approved as connected persons, for a named child (kinship).
    kinship: bool = False
    #: The day of an allegation still open on the day (no new placements meanwhile).
    allegation_open_since: date | None = None
    on_break: bool = False
    bedrooms: int | None = None
    #: Ages of the children placed there on the day (None: not recorded).
    placed_ages: tuple[int | None, ...] = ()
    #: Ages of the carers' own children (other residents under 18) on the day.
    own_children_ages: tuple[int, ...] = ()
    #: The carers' recorded identity; None when the reader may not see it.
    identity: Identity | None = None


#: What each tier says of a result it holds, for the page.
STANDING = {
    0: "Not offered: the law or a hold bars it",
    1: "A legal bar: needs a change of terms or an exemption first",
    2: "Within its terms; what the law asks to weigh stands against it",
    3: "Within its terms and the law's considerations; the household as it is weighs against it",
    4: "Only the carers' preferences stand against it",
    5: "Nothing stands against it: ordered by distance",
}


@dataclass
class Fit:
    household: Household
    fits: list[str] = field(default_factory=list)
    #: Tier 0: never offered (kinship for another child, respite only, a hold, a break).
    not_offered: list[str] = field(default_factory=list)
    #: Tier 1: a change of terms or an exemption needed first.
    bars: list[str] = field(default_factory=list)
    #: Tier 2: what s.22C and s.22(5)(c) ask to weigh, against this household.
    weigh: list[str] = field(default_factory=list)
    #: Tier 3: the household as it is.
    as_it_is: list[str] = field(default_factory=list)
    #: Tier 4: the carers' preferences.
    preferences: list[str] = field(default_factory=list)
    #: Neither for nor against: what is not known.
    unknown: list[str] = field(default_factory=list)
    home: Distance | None = None

    @property
    def offered(self) -> bool:
        return not self.not_offered

    @property
    def tier(self) -> int:
        """The first tier where something stands against it (5: nothing does)."""
        tiers = (self.not_offered, self.bars, self.weigh, self.as_it_is, self.preferences)
        return next((n for n, found in enumerate(tiers) if found), 5)

    @property
    def standing(self) -> str:
        return STANDING[self.tier]

    @property
    def against(self) -> list[str]:
        """Everything against it, the legal bars first."""
        return self.not_offered + self.bars + self.weigh + self.as_it_is + self.preferences

    @property
    def rank_key(self) -> tuple:
        return (
            len(self.not_offered),
            len(self.bars),
            len(self.weigh),
            len(self.as_it_is),
            len(self.preferences),
            self.home.order if self.home else (0, 0.0),
            -len(self.fits),
            self.household.reference,
        )


def _said(value) -> bool:
    return value is not None and value.value != "not_said"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _children(n: int) -> str:
    return "1 child" if n == 1 else f"{n} children"


def _ages(ages: list[int]) -> str:
    words = [str(a) for a in sorted(ages)]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _uk(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def kinds_meeting(need: Need, full_time: bool) -> frozenset[str]:
    """The kinds of care that meet a need: short breaks never meet a need in full-time
    care (a household approved for respite offers a disabled child short breaks only)."""
    kinds = NEED_CATEGORIES[need]
    if full_time:
        kinds = kinds - {CareCategory.RESPITE}
    return frozenset(k.value for k in kinds)


def respite_only(categories: frozenset[str]) -> bool:
    return bool(categories) and categories <= {CareCategory.RESPITE.value}


def _never_offered(group: Group, h: Household, fit: Fit) -> None:
    """Tier 0."""
    if h.kinship:
        fit.not_offered.append(
            "approved as connected persons for a named child (kinship): "
            "not offered for an unrelated child"
        )
    if group.full_time and respite_only(h.categories):
        fit.not_offered.append("approved only for short breaks (respite): not for full-time care")
    if h.allegation_open_since is not None:
        fit.not_offered.append(
            f"an allegation made on {_uk(h.allegation_open_since)} is still open: "
            "no new placements until its outcome"
        )
    if h.on_break:
        fit.not_offered.append("on a break: no new placements until it ends")


def _places(group: Group, h: Household, fit: Fit) -> None:
    """Tier 1 (places in the terms, the usual limit) and 3 (places free on the day):
    a shortfall against the terms is said once, as the terms."""
    n, after = group.size, h.filled + group.size
    if after > h.places:
        fit.bars.append(
            f"{_children(after)} in {_plural(h.places, 'approved place')}: "
            "over its terms of approval, needs a change of terms"
        )
    elif h.vacant < n:
        fit.as_it_is.append(
            f"only {_plural(h.vacant, 'place')} free on the day (the others are not available)"
        )
    else:
        fit.fits.append(f"{_plural(h.vacant, 'place')} free")
    if after > USUAL_LIMIT and h.filled > 0:
        fit.bars.append(
            f"{after} fostered children would be over the usual fostering limit of three: "
            "needs the local authority's exemption (Children Act 1989, Sch. 7)"
        )
    elif after > USUAL_LIMIT:
        fit.fits.append(f"{n} brothers and sisters: the usual limit of three allows siblings")


def _terms(group: Group, h: Household, fit: Fit) -> None:
    """Tier 1: the terms of approval in force on the day, for every child of the group."""
    outside = [a for a in group.ages if not h.min_age <= a <= h.max_age]
    approved = f"approved for ages {h.min_age}–{h.max_age}"
    if not outside:
        every = f" (all {group.size} children)" if group.size > 1 else ""
        fit.fits.append(approved + every)
    elif group.size == 1:
        fit.bars.append(f"{approved}, not {outside[0]}: needs a change of terms")
    else:
        fit.bars.append(
            f"{approved}: the {'child' if len(outside) == 1 else 'children'} aged "
            f"{_ages(outside)} {'is' if len(outside) == 1 else 'are'} outside them: "
            "needs a change of terms"
        )
    if group.care is not None:
        if group.care.value in h.categories:
            fit.fits.append(f"approved for {group.care.label.lower()}")
        else:
            fit.bars.append(f"not approved for {group.care.label.lower()}: needs a change of terms")
    for need in sorted(group.needs & NEEDS_IN_TERMS, key=list(Need).index):
        if kinds_meeting(need, group.full_time) & h.categories:
            fit.fits.append(f"approved for {need.label.lower()} placements")
        else:
            fit.bars.append(
                f"not approved for {need.label.lower()} placements: needs a change of terms"
            )


def _near(what: str, section: str, to: str, place: Distance, fit: Fit) -> None:
    if not place.recorded:
        fit.unknown.append(f"where they live is not recorded (no postcode): {what} not judged")
    elif place.same:
        fit.fits.append(f"near the child's {what}: lives in {to}")
    elif place.km is None:
        fit.unknown.append(
            f"lives in {place.theirs}, not {to}: how far from the child's {what} is not known"
        )
    elif place.km <= NEAR_KM:
        fit.fits.append(f"near the child's {what}: {place.theirs}, about {place.km:.0f} km")
    else:
        fit.weigh.append(
            f"far from the child's {what}: {place.theirs}, about {place.km:.0f} km ({section})"
        )


def _considerations(group: Group, h: Household, fit: Fit, centroids: Centroids) -> None:
    """Tier 2: s.22C(8) and s.22(5)(c), weighed, never bars."""
    if group.district:
        fit.home = distance(h.postcode, group.district, centroids)
        _near("home", "s.22C(8)(a)", group.district, fit.home, fit)
    if group.school_district:
        school = distance(h.postcode, group.school_district, centroids)
        _near("school", "s.22C(8)(b)", group.school_district, school, fit)
    if group.size > 1 and h.filled + group.size <= h.places:
        fit.fits.append(f"takes all {group.size} brothers and sisters together (s.22C(8)(c))")
    if group.describes_identity:
        _identity(group, h, fit)


def _identity(group: Group, h: Household, fit: Fit) -> None:
    """s.22(5)(c): "the child's religious persuasion, racial origin and cultural and
    linguistic background". A carer shares a child's heritage when they recorded the
    same one; the census's broad group is not a shared background (a Pakistani child
    and Indian carers are both "Asian", a Gypsy child and White British carers both
    "White"), so it is said, never counted as a match."""
    if h.identity is None:
        fit.unknown.append("religion, heritage and language: ask their supervising social worker")
        return
    mine = h.identity
    if _said(group.religion):
        _compare(
            fit, "religion", group.religion.label.lower(),
            group.religion in mine.religions, any(_said(r) for r in mine.religions),
        )  # fmt: skip
    if _said(group.ethnicity):
        _compare(
            fit, "heritage", group.ethnicity.label,
            group.ethnicity in mine.ethnicities, any(_said(e) for e in mine.ethnicities),
        )  # fmt: skip
        if group.ethnicity not in mine.ethnicities and any(
            _said(e) and e.group == group.ethnicity.group for e in mine.ethnicities
        ):
            fit.unknown.append(
                f"a carer is of the same broad group ({group.ethnicity.group}), "
                "not the child's heritage: weigh what they share"
            )
    if group.language:
        wanted = group.language.strip().lower()
        _compare(fit, "language", group.language.strip(), wanted in mine.languages,
                 bool(mine.languages))  # fmt: skip


def _compare(fit: Fit, what: str, theirs: str, shared: bool, recorded: bool) -> None:
    if shared:
        fit.fits.append(f"a carer shares the child's {what} ({theirs})")
    elif recorded:
        fit.weigh.append(f"no carer shares the child's {what} ({theirs}) (s.22(5)(c))")
    else:
        fit.unknown.append(f"the carers' {what} is not recorded")


def split_languages(text: str | None) -> frozenset[str]:
    """ "English, Urdu; Punjabi" as {"english", "urdu", "punjabi"}."""
    return frozenset(w.strip().lower() for w in re.split(r"[,;/]| and ", text or "") if w.strip())


def _as_it_is(group: Group, h: Household, fit: Fit) -> None:
    """Tier 3: the children there now, bedrooms, skills (kinds of care for the needs)."""
    for need in sorted(group.needs - NEEDS_IN_TERMS, key=list(Need).index):
        if kinds_meeting(need, group.full_time) & h.categories:
            fit.fits.append(f"approved for care that meets: {need.label.lower()}")
        else:
            fit.as_it_is.append(f"not approved for care that meets: {need.label.lower()}")
    _bedrooms(group, h, fit)
    _children_there(group, h, fit)


def _bedrooms(group: Group, h: Household, fit: Fit) -> None:
    if h.bedrooms is None:
        fit.unknown.append("bedrooms not recorded")
        return
    free = max(h.bedrooms - h.filled, 0)
    own_room = sum(1 for a in group.ages if a > SHARES_A_ROOM_UP_TO)
    needed = max(own_room, 1)
    if free >= needed:
        fit.fits.append(f"{_plural(free, 'bedroom')} free")
    else:
        fit.as_it_is.append(
            f"{_plural(free, 'bedroom')} free for {_children(needed)} "
            "who need their own: sharing needs each child's authority's agreement (NMS 10.6)"
        )


def _children_there(group: Group, h: Household, fit: Fit) -> None:
    placed = [a for a in h.placed_ages if a is not None]
    if h.placed_ages or h.own_children_ages:
        said = []
        if h.placed_ages:
            known = f" aged {_ages(placed)}" if placed else ""
            said.append(f"{_children(len(h.placed_ages))} placed{known}")
        if h.own_children_ages:
            said.append(f"the carers' own aged {_ages(list(h.own_children_ages))}")
        fit.unknown.append("living there now: " + "; ".join(said))
    if h.own_children_ages:
        youngest = min(h.own_children_ages)
        older = [a for a in group.ages if a >= youngest]
        if older:
            fit.as_it_is.append(
                f"the {'child' if len(older) == 1 else 'children'} aged {_ages(older)} would "
                f"not be younger than the carers' own youngest (aged {youngest})"
            )


def _preferences(group: Group, h: Household, fit: Fit) -> None:
    """Tier 4: what the carers said they prefer: not terms, so weighed, never a bar."""
    sexes = {c.sex for c in group.children if c.sex is not None}
    if h.prefers is not None and sexes:
        if sexes == {h.prefers}:
            fit.fits.append(f"prefer to care for {h.prefers.label.lower()}s")
        else:
            fit.preferences.append(f"prefer to care for {h.prefers.label.lower()}s")
    if h.siblings_up_to is not None and group.size > 1:
        if group.size <= h.siblings_up_to:
            fit.fits.append(f"take sibling groups of up to {h.siblings_up_to}")
        else:
            fit.preferences.append(f"take sibling groups of up to {h.siblings_up_to}")


def assess(group: Group, household: Household, centroids: Centroids | None = None) -> Fit:
    """Where one household stands for the group, tier by tier, with its reasons."""
    fit = Fit(household)
    _never_offered(group, household, fit)
    _places(group, household, fit)
    _terms(group, household, fit)
    _considerations(group, household, fit, centroids or {})
    _as_it_is(group, household, fit)
    _preferences(group, household, fit)
    return fit


def rank(
    group: Group, households: list[Household], centroids: Centroids | None = None
) -> list[Fit]:
    """Every household assessed, best first (those never offered last)."""
    return sorted((assess(group, h, centroids) for h in households), key=lambda f: f.rank_key)


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

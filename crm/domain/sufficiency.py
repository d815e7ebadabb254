"""The children's side of placement sufficiency, as counts: how many children the council
looks after each month, by age band, placement type and need. Hearth holds no child's
record; the children's system exports these counts (domain.md: "Figures come from the
children's system as counts")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crm.domain.case_vocabulary import CarerType
from crm.domain.household_vocabulary import CareCategory
from crm.domain.households import HouseholdRuleError
from crm.domain.labelled import LabelledEnum
from crm.formatting import uk_date


class AgeBand(LabelledEnum):
    """The age bands of the DfE's children looked after statistics (SSDA903)."""

    UNDER_1 = "under_1", "Under 1"
    AGED_1_TO_4 = "1_to_4", "1 to 4"
    AGED_5_TO_9 = "5_to_9", "5 to 9"
    AGED_10_TO_15 = "10_to_15", "10 to 15"
    AGED_16_PLUS = "16_plus", "16 and over"

    @property
    def ages(self) -> tuple[int, int]:
        """The youngest and oldest age in the band (17: a child looked after is under 18)."""
        return _AGES[self]

    @classmethod
    def of(cls, age: int) -> AgeBand | None:
        """The band of a child of `age`; None from 18 (a young person staying put, or
        in supported lodgings, is no longer a child looked after, so in no band)."""
        return next((band for band in cls if band.ages[0] <= age <= band.ages[1]), None)


_AGES = {
    AgeBand.UNDER_1: (0, 0),
    AgeBand.AGED_1_TO_4: (1, 4),
    AgeBand.AGED_5_TO_9: (5, 9),
    AgeBand.AGED_10_TO_15: (10, 15),
    AgeBand.AGED_16_PLUS: (16, 17),
}


class PlacementType(LabelledEnum):
    IN_HOUSE_FOSTER = "in_house_foster", "In-house foster care"
    KINSHIP = "kinship", "Kinship (family and friends) care"
    AGENCY_FOSTER = "agency_foster", "Agency foster care (IFA)"
    RESIDENTIAL = "residential", "Residential care"
    OTHER = "other", "Other placement"


#: Fostered children: in-house and agency foster care (kinship carers are approved for
#: a named child, so their places are not the pool sufficiency is about).
FOSTERED = (PlacementType.IN_HOUSE_FOSTER, PlacementType.AGENCY_FOSTER)


class Need(LabelledEnum):
    """A row's children: all of them, or those of them with a need (a child may have
    several needs, so the needs of a band never add up to its total)."""

    ALL = "all", "All children"
    SIBLING_GROUP = "sibling_group", "In a sibling group"
    DISABILITY = "disability", "Disabled"
    PARENT_AND_CHILD = "parent_and_child", "Parent and child"
    UASC = "uasc", "Unaccompanied asylum-seeking"


#: The kinds of care in a household's terms of approval that meet each need: short
#: breaks and specialist care are how disabled children are mostly fostered.
NEED_CATEGORIES: dict[Need, frozenset[CareCategory]] = {
    Need.SIBLING_GROUP: frozenset({CareCategory.SIBLING_GROUP}),
    Need.DISABILITY: frozenset({CareCategory.RESPITE, CareCategory.SPECIALIST}),
    Need.PARENT_AND_CHILD: frozenset({CareCategory.PARENT_AND_CHILD}),
    Need.UASC: frozenset({CareCategory.UASC}),
}


def age_on(
    day: date,
    birth_date: date | None = None,
    age_at_start: int | None = None,
    start: date | None = None,
) -> int | None:
    """A placed child's age on `day` in completed years: from their date of birth where
    held; else from their age when the placement started plus the whole years since (a
    child aged 4 on 1 June 2025 is taken as 4 until 1 June 2026, then 5: at worst a
    year young, never older than they are); None where neither is held."""
    if birth_date is not None:
        return _whole_years(birth_date, day)
    if age_at_start is not None and start is not None:
        return age_at_start + _whole_years(start, day)
    return None


def age_at_start(start: date, birth_date: date | None, age: int | None) -> int | None:
    """The age a placement records for its child at its start: from the date of birth
    where given (a birth after the start, or an age that disagrees with it, is refused,
    so the record can be trusted in the sufficiency table), else the age given."""
    if birth_date is None:
        return age
    if birth_date > start:
        raise HouseholdRuleError(
            f"The child's date of birth ({uk_date(birth_date)}) is after the placement "
            f"started ({uk_date(start)}).",
            "child_birth_date",
        )
    years = _whole_years(birth_date, start)
    if age is not None and age != years:
        raise HouseholdRuleError(
            f"Born on {uk_date(birth_date)}, the child was {years} when the placement "
            f"started on {uk_date(start)}, not {age}.",
            "child_age",
        )
    return years


def _whole_years(since: date, day: date) -> int:
    years = day.year - since.year
    return years - 1 if (day.month, day.day) < (since.month, since.day) else years


class Supply(LabelledEnum):
    """The three kinds of in-house places a sufficiency statement keeps apart
    (domain.md, "Sufficiency"): each place is in exactly one.

    - mainstream full-time places meet the demand of fostered children (in-house and
      agency foster care);
    - kinship (connected persons) places, approved for a named child (the terms of a
      full approval name the child, Fostering Services (England) Regulations 2011 reg
      27(5)(a); a temporary approval is for that child alone, Care Planning, Placement
      and Case Review (England) Regulations 2010, regs 24-25), meet the demand of
      children in kinship care and no other; a vacant one is kept for its named child;
    - short breaks: a household approved only for respite offers short breaks, not a
      home, so its places are no supply for a child who needs full-time care.
    """

    MAINSTREAM = "mainstream", "Mainstream foster care (full-time)"
    KINSHIP = "kinship", "Kinship (connected persons) care"
    SHORT_BREAKS = "short_breaks", "Short breaks only (respite)"


#: The children each kind of place is for, from the demand profile (short breaks: none
#: of the children it counts, who are in full-time care).
DEMAND_OF: dict[Supply, tuple[PlacementType, ...]] = {
    Supply.MAINSTREAM: FOSTERED,
    Supply.KINSHIP: (PlacementType.KINSHIP,),
    Supply.SHORT_BREAKS: (),
}


def respite_only(kinds: frozenset[str]) -> bool:
    """Terms of approval for respite (short breaks) and nothing else."""
    return kinds == {CareCategory.RESPITE.value}


def supply_of(carer_type: CarerType, kinds: frozenset[str]) -> Supply:
    """Which kind of place a household's places are, by its carer type and the kinds of
    care in its terms of approval in force."""
    if carer_type is CarerType.KINSHIP:
        return Supply.KINSHIP
    return Supply.SHORT_BREAKS if respite_only(kinds) else Supply.MAINSTREAM


def full_time_kinds(kinds: frozenset[str]) -> frozenset[str]:
    """The kinds of care that meet a need for full-time care: short breaks meet no one's
    need for a home, so respite in a household's terms counts for no need there."""
    return kinds - {CareCategory.RESPITE.value}


def covers(low: int, high: int, band: AgeBand) -> bool:
    """Terms of approval for ages `low` to `high` take children of some age in `band`."""
    youngest, oldest = band.ages
    return low <= oldest and high >= youngest


#: Other words a children's system writes for the same things (besides each member's
#: value and label), matched whatever their case and spacing by the importer.
AGE_BAND_WORDS = {
    "under 1": AgeBand.UNDER_1,
    "0": AgeBand.UNDER_1,
    "1-4": AgeBand.AGED_1_TO_4,
    "5-9": AgeBand.AGED_5_TO_9,
    "10-15": AgeBand.AGED_10_TO_15,
    "16+": AgeBand.AGED_16_PLUS,
    "16-17": AgeBand.AGED_16_PLUS,
    "16 to 17": AgeBand.AGED_16_PLUS,
}
PLACEMENT_TYPE_WORDS = {
    "in-house": PlacementType.IN_HOUSE_FOSTER,
    "in house": PlacementType.IN_HOUSE_FOSTER,
    "in-house foster": PlacementType.IN_HOUSE_FOSTER,
    "la foster": PlacementType.IN_HOUSE_FOSTER,
    "ifa": PlacementType.AGENCY_FOSTER,
    "agency": PlacementType.AGENCY_FOSTER,
    "connected persons": PlacementType.KINSHIP,
    "family and friends": PlacementType.KINSHIP,
    "children's home": PlacementType.RESIDENTIAL,
}
NEED_WORDS = {
    "": Need.ALL,
    "any": Need.ALL,
    "total": Need.ALL,
    "siblings": Need.SIBLING_GROUP,
    "sibling group": Need.SIBLING_GROUP,
    "disabled": Need.DISABILITY,
    "mother and baby": Need.PARENT_AND_CHILD,
}


@dataclass(frozen=True)
class Aim:
    """Something a service recruits for, an age band or a need: the sufficiency page's
    rows, and what targets name by `key` ("band:10_to_15", "need:sibling_group")."""

    key: str
    label: str
    band: AgeBand | None = None
    need: Need | None = None

    def met_by(self, low: int | None, high: int | None, kinds: frozenset[str]) -> bool:
        """Whether terms (or an applicant's hopes) for ages low-high and these kinds of
        care meet it; hopes that name no ages meet no age band."""
        if self.band is not None:
            if low is None and high is None:
                return False
            return covers(0 if low is None else low, 17 if high is None else high, self.band)
        return bool(kinds & {k.value for k in NEED_CATEGORIES[self.need]})


BAND_AIMS = [Aim(f"band:{b.value}", f"Ages {b.label.lower()}", band=b) for b in AgeBand]
NEED_AIMS = [Aim(f"need:{n.value}", n.label, need=n) for n in NEED_CATEGORIES]
AIMS_BY_KEY = {aim.key: aim for aim in BAND_AIMS + NEED_AIMS}

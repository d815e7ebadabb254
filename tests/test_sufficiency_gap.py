"""A sufficiency gap that adds up (issue 31, item 5), on a service worked out by hand.

The day: 31 May 2026 (the demand profile's May 2026). Households, each approved since
1 June 2023 (terms: places, ages, kinds of care):

  A  "Little ones", mainstream: 2 places, 0-4, short-term. Baby born 10 Sep 2025,
     placed 1 Dec 2025: aged 0 on the day (under 1). 1 vacant.
  B  "Older", mainstream: 4 places, 5-17, long-term and sibling groups.
     - born 15 Jun 2016, placed 10 Jan 2024: 9 on the day (birthday not yet): 5 to 9;
     - no birth date held, 11 when placed on 1 Jun 2025: 11 + 0 whole years = 11: 10 to 15;
     - neither held (placed 1 Feb 2026): age not recorded, in no band.
     1 vacant.
  C  "Short breaks", mainstream: 2 places, 0-17, respite only. Born 1 Feb 2014, placed
     1 May 2026: 12 (10 to 15). 1 vacant. Short-break places: no full-time supply.
  D  "Kinship", connected persons: 1 place, 0-17. Born 3 Mar 2019, placed 1 Dec 2023:
     7 (5 to 9). Kinship places: set against children in kinship care only.
  E  "Resting", mainstream: 2 places, 0-17, short-term; on a break since 1 Apr 2026:
     both places not available, none vacant.

Demand (May 2026): in-house foster / agency foster by band: under 1: 1/2; 1 to 4:
0/4; 5 to 9: 1/1; 10 to 15: 1/5; 16 and over: 0/1 (16 fostered children). Kinship
care: 5 to 9: 1; 10 to 15: 2. Of the fostered 10 to 15s with agencies: 3 in a sibling
group, 1 disabled.

Mainstream full-time (A, B, E): gap = fostered - filled by that age - vacant that could take it

  band        fostered  filled  vacant could take   gap
  under 1        3        1      1 (A)               1 short
  1 to 4         4        0      1 (A)               3 short
  5 to 9         2        1      1 (B)               0
  10 to 15       6        1      1 (B)               4 short
  16 and over    1        0      1 (B)               0
  (filled: 1 + 0 + 1 + 1 + 0 = 3, and 1 of unrecorded age: 4)
  service       16        4      2, not available 2 (E): 8 places = A 2 + B 4 + E 2;
                                  gap 16 - 4 - 2 = 10 short

Today's code counts every approved place of every household (C's and D's too) in each
band its terms touch: under 1, A 2 + C 2 + D 1 + E 2 = 7 places against 3 children;
5 to 9, B 4 + C 2 + D 1 + E 2 = 9 against 2; every band a surplus (-4, -3, -7, -3, -8)
while its service row is 16 - 11 = 5 short: the inversion the issue found on the demo.

Needs (mainstream): sibling group, B: 3 fostered - 3 filled - 1 vacant = 1 spare;
disabled: no household approved for specialist care (C's respite is short breaks, not
a home): 1 short. Kinship: 5 to 9, 1 - 1 - 0 = 0; 10 to 15, 2 - 0 - 0 = 2 short;
service 3 children, 1 place (filled). Short breaks: 10 to 15 filled 1; its 1 vacant
place could take any band; service 2 places. Every in-house place: 8 + 1 + 2 = 11.
"""

from __future__ import annotations

from datetime import date

import pytest

from crm.domain.sufficiency import AgeBand, Need, PlacementType
from crm.metrics.places import places_on
from crm.metrics.sufficiency import sufficiency_for
from crm.models import CarerType, DemandCount
from tests.factories import HouseholdFactory, terms

MAY = date(2026, 5, 1)
DAY = date(2026, 5, 31)
TODAY = date(2026, 6, 30)
IN_HOUSE, AGENCY = PlacementType.IN_HOUSE_FOSTER, PlacementType.AGENCY_FOSTER


def demand(db, band, kind, children, need=Need.ALL):
    db.session.add(
        DemandCount(month=MAY, age_band=band, placement_type=kind, need=need, children=children)
    )


@pytest.fixture
def service(db):
    little = HouseholdFactory(reference="A", terms_history=terms(2, 0, 4, "short_term"))
    little.start_placement(
        "A-1", date(2025, 12, 1), as_of=TODAY, child_birth_date=date(2025, 9, 10)
    )
    older = HouseholdFactory(
        reference="B", terms_history=terms(4, 5, 17, "long_term", "sibling_group")
    )
    older.start_placement("B-1", date(2024, 1, 10), as_of=TODAY, child_birth_date=date(2016, 6, 15))
    older.start_placement("B-2", date(2025, 6, 1), 11, as_of=TODAY)
    older.start_placement("B-3", date(2026, 2, 1), as_of=TODAY)
    breaks = HouseholdFactory(reference="C", terms_history=terms(2, 0, 17, "respite"))
    breaks.start_placement("C-1", date(2026, 5, 1), as_of=TODAY, child_birth_date=date(2014, 2, 1))
    kin = HouseholdFactory(
        reference="D", carer_type=CarerType.KINSHIP, terms_history=terms(1, 0, 17, "short_term")
    )
    kin.start_placement("D-1", date(2023, 12, 1), as_of=TODAY, child_birth_date=date(2019, 3, 3))
    resting = HouseholdFactory(reference="E", terms_history=terms(2, 0, 17, "short_term"))
    resting.start_break(date(2026, 4, 1), "House move", as_of=TODAY)
    for band, in_house, agency in [
        (AgeBand.UNDER_1, 1, 2),
        (AgeBand.AGED_1_TO_4, 0, 4),
        (AgeBand.AGED_5_TO_9, 1, 1),
        (AgeBand.AGED_10_TO_15, 1, 5),
        (AgeBand.AGED_16_PLUS, 0, 1),
    ]:
        demand(db, band, IN_HOUSE, in_house)
        demand(db, band, AGENCY, agency)
    demand(db, AgeBand.AGED_5_TO_9, PlacementType.KINSHIP, 1)
    demand(db, AgeBand.AGED_10_TO_15, PlacementType.KINSHIP, 2)
    demand(db, AgeBand.AGED_10_TO_15, AGENCY, 3, Need.SIBLING_GROUP)
    demand(db, AgeBand.AGED_10_TO_15, AGENCY, 1, Need.DISABILITY)
    db.session.commit()
    return sufficiency_for(MAY)


def by_label(rows):
    return {r.label: r for r in rows}


def test_a_filled_place_counts_in_the_band_of_the_child_in_it(service):
    """The baby in A fills an under-1 place, not a 1-4 one; B's 9- and 11-year-olds fill
    5-9 and 10-15 places; no child of 1-4 or 16+ is placed."""
    assert [r.filled for r in service.by_band] == [1, 0, 1, 1, 0]


def test_a_vacant_place_could_take_every_band_its_terms_allow(service):
    """A's vacant place (0-4) could take under-1s and 1-4s; B's (5-17) the three older
    bands; E's places are not available (a break), so vacant for no band."""
    assert [r.vacant for r in service.by_band] == [1, 1, 1, 1, 1]


def test_each_bands_gap_is_children_less_filled_by_that_age_less_vacant_that_could_take_it(
    service,
):
    assert [r.gap for r in service.by_band] == [1, 3, 0, 4, 0]


def test_no_longer_every_band_a_surplus_while_the_service_is_short(service):
    """The demo's inversion: on today's code every band shows places to spare (-4, -3,
    -7, -3, -8) while its service row is 5 short."""
    assert service.service.gap == 10
    assert [r.label for r in service.by_band if r.gap > 0] == ["Under 1", "1 to 4", "10 to 15"]


def test_the_service_row_counts_each_place_once(service):
    """8 mainstream places (A 2, B 4, E 2): 4 filled + 2 vacant + 2 not available."""
    s = service.service
    assert (s.fostered, s.filled, s.vacant, s.not_available, s.places) == (16, 4, 2, 2, 8)


def test_the_bands_filled_places_and_those_of_no_recorded_age_add_up_to_the_service(service):
    table = service.mainstream
    banded = sum(r.filled for r in table.by_band)
    assert (banded, table.unbanded["age not recorded"]) == (3, 1)
    assert banded + sum(table.unbanded.values()) == table.service.filled


def test_every_in_house_place_once_across_the_three_tables(service):
    """8 mainstream, 1 kinship, 2 short breaks: the places Hearth holds on the day."""
    assert service.places == 11 == places_on(DAY).approved


def test_kinship_places_meet_kinship_demand_on_both_sides_apart(service):
    kinship = service.kinship
    bands = by_label(kinship.by_band)
    assert (bands["5 to 9"].fostered, bands["5 to 9"].filled, bands["5 to 9"].gap) == (1, 1, 0)
    assert bands["10 to 15"].gap == 2
    assert (kinship.service.fostered, kinship.service.places) == (3, 1)


def test_short_break_only_places_are_no_full_time_supply(service):
    """C's places count in no mainstream row, and its respite meets no need for a home:
    1 disabled child fostered, no specialist household, 1 short."""
    breaks = service.short_breaks
    assert (breaks.service.filled, breaks.service.vacant, breaks.service.places) == (1, 1, 2)
    assert by_label(breaks.by_band)["10 to 15"].filled == 1
    assert by_label(service.by_need)["Disabled"].gap == 1


def test_a_needs_places_are_the_mainstream_households_approved_for_it(service):
    siblings = by_label(service.by_need)["In a sibling group"]
    assert (siblings.fostered, siblings.filled, siblings.vacant, siblings.gap) == (3, 3, 1, -1)


def test_agency_placements_vacant_mainstream_places_could_take(service):
    """Two vacant mainstream places (A, B); C's short-break place is not one."""
    assert (service.service.agency, service.could_take) == (13, 2)


def test_a_bands_vacant_places_open_the_households_that_have_them(manager_client, service):
    page = manager_client.get("/sufficiency/?month=2026-05").get_data(as_text=True)
    assert "/households/?vacant_for=band:1_to_4&amp;current_on=2026-05-31" in page

    def listed(key: str) -> set[str]:
        text = manager_client.get(
            "/households/", query_string={"vacant_for": key, "current_on": "2026-05-31"}
        ).get_data(as_text=True)
        return {ref for ref in "ABCDE" if f">{ref}</a>" in text}

    assert listed("band:1_to_4") == {"A"}
    assert listed("band:10_to_15") == {"B"}  # not C (short breaks) nor E (on a break)


def test_the_page_shows_each_band_short_and_the_service_row_once(manager_client, service):
    page = manager_client.get("/sufficiency/?month=2026-05").get_data(as_text=True)
    assert "<strong>3 short</strong>" in page  # 1 to 4
    assert "<strong>10 fewer places, filled or vacant, than fostered children</strong>" in page
    assert "1 is filled by a child whose age is not recorded" in page


def test_the_statement_names_the_shortfall_and_never_a_surplus(manager_client, service):
    """Today's statement reads "No age band or need has fewer in-house places than
    fostered children" for this service, 5 short overall."""
    page = manager_client.get("/sufficiency/statement?month=2026-05").get_data(as_text=True)
    assert "surplus" not in page.lower() and "No age band or need has fewer" not in page
    assert "fostered <strong>10 more children than its mainstream carers had places" in page
    assert (
        "1 to 4: 4 fostered children, 0 filled by children of these ages, 1 vacant place"
        " that could take them: <strong>3 short</strong>"
    ) in page

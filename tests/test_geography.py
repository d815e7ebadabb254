"""Where people live (issue 31, item 3): postcode districts, the centroids a council loads
once from the ONS's open data (tests/fixtures/postcode_districts.csv: Leicester and
Leicestershire, with Nuneaton and Nottingham), distances in km, and the households file's
postcode and bedrooms."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm.domain.geography import Distance, distance, district, haversine_km
from crm.domain.matching import Child, Group
from crm.matching.services import find_carers
from crm.models import PostcodeDistrict
from tests.factories import HouseholdFactory, terms
from tests.household_files import households, run_households, smiths

FIXTURE = Path(__file__).parent / "fixtures" / "postcode_districts.csv"
ON = date(2025, 6, 2)
LE2, LE3, LE11 = (52.6093, -1.1192), (52.6297, -1.1794), (52.7721, -1.2062)


@pytest.mark.parametrize(
    ("postcode", "found"),
    [("LE2 7AB", "LE2"), ("le27ab", "LE2"), ("LE67 1AA", "LE67"), ("SW1A 1AA", "SW1A"), ("", None)],
)
def test_a_postcode_district_is_its_outward_code(postcode, found):
    assert district(postcode) == found


def test_leicester_south_to_west_is_under_five_km_and_to_loughborough_nineteen():
    """LE2 to LE3: 0.0204 degrees of latitude (2.27 km) and 0.0602 of longitude at 52.6 N
    (4.07 km): 4.66 km. LE2 to LE11: 0.1628 (18.10 km) and 0.0870 (5.88 km): 19.03 km."""
    assert haversine_km(LE2, LE3) == pytest.approx(4.65, abs=0.02)
    assert haversine_km(LE2, LE11) == pytest.approx(19.03, abs=0.02)


def test_without_centroids_only_the_same_district_is_judged():
    assert distance("LE2 1AA", "LE2", {}) == Distance("LE2", same=True, km=0.0)
    assert distance("LE3 1AA", "LE2", {}) == Distance("LE3")  # not known, never "far"
    assert distance(None, "LE2", {}) == Distance(None)  # not recorded, never "outside"


def load(runner, path):
    return runner.invoke(args=["places", "load-districts", str(path)])


def test_a_council_loads_the_district_centroids_once_from_a_file(runner, db):
    result = load(runner, FIXTURE)
    assert result.exit_code == 0, result.output
    assert "Loaded the centroids of 19 postcode districts" in result.output
    assert PostcodeDistrict.centroids({"LE2", "LE11", "ZZ9"}) == {"LE2": LE2, "LE11": LE11}


def test_a_file_with_a_bad_row_loads_nothing_and_says_which(runner, db, tmp_path):
    bad = tmp_path / "districts.csv"
    bad.write_text(
        "district,latitude,longitude\nLE1,52.6347,-1.1318\nLE 2,52.6,-1.1\nLE3,152.6,-1.2\n"
        "LE1,52.6,-1.1\n"
    )
    result = load(runner, bad)
    assert result.exit_code != 0
    assert "row 3, district: not a postcode district (such as LE2): 'LE 2'" in result.output
    assert "row 4, latitude: 152.6 is not in the United Kingdom" in result.output
    assert "row 5, district: LE1 repeats row 2" in result.output
    assert "nothing was loaded" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PostcodeDistrict)) == 0


def test_a_file_without_the_columns_is_refused(runner, db, tmp_path):
    bad = tmp_path / "districts.csv"
    bad.write_text("pcd,lat,long\nLE1,52.6,-1.1\n")
    result = load(runner, bad)
    assert result.exit_code != 0 and "Missing required column(s): district" in result.output


def test_a_search_near_le2_says_how_far_each_household_lives(runner, db):
    """With centroids: LE3 is near (about 5 km), Loughborough (LE11, 19 km) is far from
    the child's home; a household with no postcode is not known, and ranks after both
    only by distance (nothing else stands against any of them)."""
    load(runner, FIXTURE)
    for reference, postcode in [("WEST", "LE3 9QQ"), ("LOUGHBOROUGH", "LE11 3AA")]:
        HouseholdFactory(reference=reference, postcode=postcode, terms_history=terms(2, 0, 17))
    HouseholdFactory(reference="UNKNOWN", postcode=None, terms_history=terms(2, 0, 17))
    HouseholdFactory(reference="SOUTH", postcode="LE2 5XY", terms_history=terms(2, 0, 17))
    found = find_carers(Group((Child(6),), on=ON, district="LE2"))
    fits = {fit.household.reference: fit for fit in found.free}
    assert "near the child's home: LE3, about 5 km" in fits["WEST"].fits
    assert fits["LOUGHBOROUGH"].weigh == [
        "far from the child's home: LE11, about 19 km (s.22C(8)(a))"
    ]
    assert [fit.household.reference for fit in found.free] == [
        "SOUTH",
        "WEST",
        "UNKNOWN",
        "LOUGHBOROUGH",
    ]


def test_the_households_file_carries_postcode_and_bedrooms(db, ssw, households_file):
    result = run_households(households_file(smiths(ssw, postcode="le2 7ab", bedrooms="2")))
    assert result.errors == []
    household = households(db)["HH-1"]
    assert (household.postcode, household.bedrooms) == ("LE2 7AB", 2)


def test_a_postcode_that_is_not_one_is_refused(db, ssw, households_file):
    result = run_households(households_file(smiths(ssw, postcode="Leicester")))
    assert [(e.row, e.column) for e in result.errors] == [(2, "postcode")]


def test_a_blank_postcode_keeps_the_one_hearth_holds(db, ssw, households_file):
    run_households(households_file(smiths(ssw, postcode="LE2 7AB")))
    run_households(households_file(smiths(ssw)))
    assert households(db)["HH-1"].postcode == "LE2 7AB"

"""What applicants hope to offer is recorded on their case, and read back in words."""

from __future__ import annotations

import re

from tests.factories import CaseFactory

HOPES = {"categories": ["sibling_group", "long_term"], "min_age": "10", "max_age": "17"}


def test_an_officer_records_what_the_applicants_hope_to_offer(officer_client, db, officer):
    case = CaseFactory(owner=officer)
    response = officer_client.post(f"/cases/{case.id}/offer", data=HOPES)
    assert response.status_code == 302
    db.session.refresh(case)
    assert (case.intended_categories, case.intended_min_age) == (["long_term", "sibling_group"], 10)
    page = officer_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Long-term / permanent, Sibling group; ages 10–17" in page


def test_an_age_range_the_wrong_way_round_is_refused_keeping_what_was_typed(
    officer_client, db, officer
):
    case = CaseFactory(owner=officer)
    page = officer_client.post(
        f"/cases/{case.id}/offer", data={**HOPES, "min_age": "12", "max_age": "9"}
    ).get_data(as_text=True)
    assert "The oldest age is below the youngest." in page
    assert 'value="12"' in page
    assert re.search(r'<input checked[^>]*value="sibling_group"', page)


def test_places_sibling_groups_and_a_preference_carry_over_to_the_approved_household(
    officer_client, db, officer
):
    from crm.domain.matching import ChildSex
    from crm.models import Household

    case = CaseFactory(owner=officer)
    officer_client.post(
        f"/cases/{case.id}/offer",
        data={**HOPES, "places": "2", "siblings_up_to": "3", "prefers": "girl"},
    )
    page = officer_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "2 places; sibling groups of up to 3; would prefer girls" in page
    household = Household.for_approved_case(case)
    assert (household.prefers, household.siblings_up_to) == (ChildSex.GIRL, 3)

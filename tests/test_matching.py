"""Finding carers for a child, on a hand-worked service: a 13-year-old with a younger
brother aged 10 (two children to place together, a sibling group), near LE2, on
2 June 2025.

- Ready: 2 places, ages 8-17, sibling groups, LE2; no one placed. Nothing against it.
- Busy: 4 places, ages 5-17, sibling groups, LE2; two children placed. Two more would
  be four: over the usual limit of three, so it needs the council's exemption.
- Little ones: 2 places, ages 0-4, short-term, LE2. Needs a change of terms (ages) and
  is not approved for sibling groups.
- Small: 1 place, ages 10-17, long-term, LE3: two children in one place is over its
  terms (said once, not also as "only 1 place free"), and not approved for sibling
  groups.
- Resting: 2 places, ages 0-17, sibling groups, on a break until 16 June: no place free
  on the day, so it is listed as coming back, not as free.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.domain.matching import (
    Child,
    ChildSex,
    DeclineReason,
    Group,
    ReferralOutcome,
    ReferralRefused,
)
from crm.matching.services import declines_by_reason, find_carers, record_answer, record_offer
from crm.models import Household, HouseholdBreak, Referral
from tests.factories import HouseholdFactory, terms

ON = date(2025, 6, 2)
TODAY = date(2025, 6, 30)
CHILD = Group((Child(13), Child(10, ChildSex.BOY)), on=ON, district="LE2")
SEARCH = {
    "age": 13,
    "others-0-age": 10,
    "others-0-sex": "boy",
    "district": "le2",
    "on": "2025-06-02",
}


def household(name, places, low, high, postcode, *categories, placed=0):
    made = HouseholdFactory(
        reference=name.upper().replace(" ", "-"),
        postcode=postcode,
        terms_history=terms(places, low, high, *categories),
    )
    for n in range(placed):
        made.start_placement(f"{name[:2]}-{n}", date(2025, 1, 6), as_of=TODAY)
    return made


@pytest.fixture
def service(db):
    household("Ready", 2, 8, 17, "LE2 1AA", "sibling_group", "long_term")
    household("Busy", 4, 5, 17, "LE2 9ZZ", "sibling_group", placed=2)
    household("Little ones", 2, 0, 4, "LE2 3BB", "short_term")
    household("Small", 1, 10, 17, "LE3 4CC", "long_term")
    resting = household("Resting", 2, 0, 17, "LE2 5DD", "sibling_group")
    resting.breaks.append(HouseholdBreak(start_date=date(2025, 5, 1), end_date=date(2025, 6, 16)))
    db.session.commit()
    return find_carers(CHILD)


def by_reference(matches):
    return {fit.household.reference: fit for fit in matches.free}


def test_households_are_ranked_legal_bars_after_every_household_within_its_terms(service):
    order = [fit.household.reference for fit in service.free]
    assert order == ["READY", "BUSY", "LITTLE-ONES", "SMALL"]


def test_a_household_that_fits_says_why(service):
    ready = by_reference(service)["READY"]
    assert ready.against == [] and ready.tier == 5
    assert ready.fits == [
        "2 places free",
        "approved for ages 8–17 (all 2 children)",
        "near the child's home: lives in LE2",
        "takes all 2 brothers and sisters together (s.22C(8)(c))",
        "approved for care that meets: in a sibling group",
    ]
    assert ready.standing == "Nothing stands against it: ordered by distance"


def test_over_the_usual_fostering_limit_needs_an_exemption(service):
    busy = by_reference(service)["BUSY"]
    (change,) = busy.bars
    assert "over the usual fostering limit of three" in change and "exemption" in change
    assert busy.tier == 1


def test_a_child_outside_the_terms_needs_a_change_of_terms_and_says_so(service):
    small = by_reference(service)["SMALL"]
    assert small.bars == [
        "2 children in 1 approved place: over its terms of approval, needs a change of terms"
    ]
    little = by_reference(service)["LITTLE-ONES"]
    assert little.bars == [
        "approved for ages 0–4: the children aged 10 and 13 are outside them: "
        "needs a change of terms"
    ]


def test_a_household_on_a_break_is_coming_back_not_free(service):
    assert "RESTING" not in by_reference(service)
    assert [(u.reference, u.on) for u in service.coming_back] == [("RESTING", date(2025, 6, 16))]


def test_the_page_lists_the_ranked_households_for_a_described_child(manager_client, service):
    page = manager_client.get("/matching/", query_string=SEARCH).get_data(as_text=True)
    assert page.index("READY") < page.index("BUSY") < page.index("SMALL")
    assert "back from a break" in page


def test_a_bad_description_is_explained_and_kept(manager_client, db):
    page = manager_client.get("/matching/", query_string={**SEARCH, "age": "19"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Number must be between 0 and 17" in text
    assert 'value="le2"' in text


def test_an_offer_and_its_answer_reach_the_households_timeline(manager_client, db, service):
    ready = by_reference(service)["READY"].household
    response = manager_client.post(
        f"/matching/offer/{ready.id}",
        query_string=SEARCH,
        data={"offered_on": "2025-06-02", "child_reference": "CS-123"},
    )
    assert response.headers["Location"] == f"/households/{ready.id}"
    referral = db.session.scalar(sa.select(Referral))
    assert (referral.child_age, referral.siblings, referral.needs) == (13, 2, ["sibling_group"])
    manager_client.post(
        f"/matching/offers/{referral.id}",
        data={"outcome": "declined", "answered_on": "2025-06-03", "decline_reason": "siblings"},
    )
    page = manager_client.get(f"/households/{ready.id}").get_data(as_text=True)
    assert "A child aged 13, with 1 brother or sister" in page
    assert "Cannot take the whole sibling group" in page


def offered(db, manager, reference="READY"):
    chosen = db.session.scalar(sa.select(Household).where(Household.reference == reference))
    return record_offer(chosen, CHILD, ON, manager, TODAY)


def test_a_decline_without_a_reason_is_refused(db, manager, service):
    with pytest.raises(ReferralRefused, match="Say why"):
        record_answer(offered(db, manager), ReferralOutcome.DECLINED, ON, TODAY)


def test_carers_answer_an_offer_once(db, manager, service):
    referral = offered(db, manager)
    record_answer(referral, ReferralOutcome.ACCEPTED, ON, TODAY)
    with pytest.raises(ReferralRefused, match="already answered"):
        record_answer(referral, ReferralOutcome.DECLINED, ON, TODAY, DeclineReason.AGE)


def test_an_answer_before_the_offer_is_refused(db, manager, service):
    with pytest.raises(ReferralRefused, match="before the offer"):
        record_answer(offered(db, manager), ReferralOutcome.ACCEPTED, date(2025, 6, 1), TODAY)


def test_declines_counted_by_reason_show_what_the_service_lacks(db, manager, service):
    for reference, reason in [
        ("READY", DeclineReason.SIBLINGS),
        ("BUSY", DeclineReason.SIBLINGS),
        ("SMALL", DeclineReason.AGE),
    ]:
        record_answer(offered(db, manager, reference), ReferralOutcome.DECLINED, ON, TODAY, reason)
    db.session.commit()
    assert declines_by_reason(date(2025, 1, 1)) == [
        (DeclineReason.SIBLINGS, 2),
        (DeclineReason.AGE, 1),
    ]


@pytest.mark.parametrize("path", ["/matching/", "/matching/offers"])
def test_recruitment_officers_do_not_match_children(officer_client, db, path):
    assert officer_client.get(path).status_code == 403


def test_what_carers_prefer_counts_against_a_match_but_never_bars_it(db):
    chosen = household("Boys only", 2, 0, 17, "LE2 1AA", "sibling_group")
    chosen.prefers, chosen.siblings_up_to = ChildSex.BOY, 2
    db.session.commit()
    girls = Group((Child(9, ChildSex.GIRL), Child(7, ChildSex.GIRL)), on=ON)
    (fit,) = find_carers(girls).free
    assert fit.preferences == ["prefer to care for boys"] and fit.tier == 4
    assert "take sibling groups of up to 2" in fit.fits


def test_a_worker_records_what_their_carers_prefer(ssw_client, ssw, db):
    theirs = HouseholdFactory(supervising_worker=ssw)
    response = ssw_client.post(
        f"/households/{theirs.id}/preferences",
        data={"prefers": "girl", "siblings_up_to": "3", "bedrooms": "2"},
    )
    assert response.status_code == 302
    page = ssw_client.get(f"/households/{theirs.id}").get_data(as_text=True)
    assert "girls; sibling groups of up to 3; 2 bedrooms for fostered children" in page

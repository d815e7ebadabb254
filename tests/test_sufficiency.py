"""Sufficiency on a hand-worked service: the children fostered in May 2025 (its demand
profile) beside the places two households offer on 31 May.

- Teen household: 2 places for ages 10-17, sibling groups and long-term; one child
  placed (born 1 Mar 2011: 14 on 31 May, so 10 to 15), so 1 vacant.
- Little ones household: 1 place for ages 0-4, parent and child; vacant.
- Fostered children: 10 to 15, 1 in-house and 4 with agencies (2 of those in a sibling
  group); 16 and over, 1 with an agency; 1 to 4, 2 with agencies.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from crm.domain.sufficiency import AgeBand, Need, PlacementType
from crm.metrics.sufficiency import in_house_share_by_month, months_held, sufficiency_for
from crm.models import DemandCount
from tests.factories import HouseholdFactory, terms

MAY = date(2025, 5, 1)
TODAY = date(2025, 6, 30)


def demand(db, month, band, kind, children, need=Need.ALL):
    db.session.add(
        DemandCount(month=month, age_band=band, placement_type=kind, need=need, children=children)
    )


@pytest.fixture
def service(db):
    teens = HouseholdFactory(terms_history=terms(2, 10, 17, "sibling_group", "long_term"))
    teens.start_placement("C-1", date(2025, 1, 6), as_of=TODAY, child_birth_date=date(2011, 3, 1))
    HouseholdFactory(terms_history=terms(1, 0, 4, "parent_and_child"))
    in_house, agency = PlacementType.IN_HOUSE_FOSTER, PlacementType.AGENCY_FOSTER
    demand(db, MAY, AgeBand.AGED_10_TO_15, in_house, 1)
    demand(db, MAY, AgeBand.AGED_10_TO_15, agency, 4)
    demand(db, MAY, AgeBand.AGED_10_TO_15, agency, 2, Need.SIBLING_GROUP)
    demand(db, MAY, AgeBand.AGED_16_PLUS, agency, 1)
    demand(db, MAY, AgeBand.AGED_1_TO_4, agency, 2)
    demand(db, MAY, AgeBand.AGED_1_TO_4, PlacementType.RESIDENTIAL, 3)
    db.session.commit()
    return sufficiency_for(MAY)


def row(rows, label):
    return next(r for r in rows if r.label == label)


def test_a_bands_gap_is_its_children_less_filled_by_its_ages_less_vacant_that_could_take_them(
    service,
):
    teens = row(service.by_band, "10 to 15")
    assert (teens.in_house, teens.agency, teens.filled, teens.vacant, teens.gap) == (1, 4, 1, 1, 3)


def test_a_vacant_place_counts_in_each_band_its_terms_could_take(service):
    assert row(service.by_band, "16 and over").gap == 1 - 0 - 1
    assert row(service.by_band, "Under 1").gap == 0 - 0 - 1


def test_children_in_residential_care_are_not_fostered_children(service):
    assert row(service.by_band, "1 to 4").fostered == 2


def test_a_needs_places_are_those_of_households_approved_for_its_kind_of_care(service):
    siblings = row(service.by_need, "In a sibling group")
    assert (siblings.fostered, siblings.filled, siblings.vacant, siblings.gap) == (2, 1, 1, 0)
    assert row(service.by_need, "Parent and child").gap == -1


def test_agency_placements_vacant_in_house_places_could_take_and_their_cost(service):
    assert (service.service.agency, service.service.vacant) == (7, 2)
    assert service.could_take == 2
    assert service.agency_weekly_cost == 2 * 900
    assert service.weekly_saving == 2 * (900 - 450)


def test_the_in_house_share_of_fostered_children_month_by_month(db, service):
    demand(db, date(2025, 4, 1), AgeBand.AGED_5_TO_9, PlacementType.IN_HOUSE_FOSTER, 3)
    demand(db, date(2025, 4, 1), AgeBand.AGED_5_TO_9, PlacementType.AGENCY_FOSTER, 1)
    db.session.commit()
    assert in_house_share_by_month() == [
        (date(2025, 4, 1), 3, 1, 0.75),
        (MAY, 1, 7, 0.125),
    ]
    assert months_held() == [MAY, date(2025, 4, 1)]


def test_the_page_tells_a_manager_the_gaps_and_the_agency_cost(manager_client, service):
    page = manager_client.get("/sufficiency/").get_data(as_text=True)
    assert "the council fostered <strong>8</strong> children" in page
    assert "3 short" in page
    assert "£1,800 a week" in page


def test_a_month_the_profile_does_not_hold_falls_back_to_the_latest(manager_client, service):
    page = manager_client.get("/sufficiency/?month=1999-01").get_data(as_text=True)
    assert "No demand profile for 1999-01" in page
    assert "May 2025" in page


def test_without_a_profile_the_page_says_how_to_import_one(manager_client, db):
    page = manager_client.get("/sufficiency/").get_data(as_text=True)
    assert "import the demand profile" in page


@pytest.mark.parametrize("role_client", ["officer_client", "ssw_client"])
def test_only_managers_see_sufficiency(request, role_client, db):
    assert request.getfixturevalue(role_client).get("/sufficiency/").status_code == 403


def test_the_page_counts_the_offers_carers_declined_by_reason(manager_client, db, service):
    from crm.domain.matching import DeclineReason, ReferralOutcome
    from crm.models import Household, Referral

    household = db.session.scalars(sa.select(Household)).first()
    db.session.add(
        Referral(
            household=household,
            offered_on=date(2025, 5, 2),
            child_age=14,
            siblings=2,
            outcome=ReferralOutcome.DECLINED,
            answered_on=date(2025, 5, 3),
            decline_reason=DeclineReason.SIBLINGS,
        )
    )
    db.session.commit()
    page = manager_client.get("/sufficiency/").get_data(as_text=True)
    assert 'Cannot take the whole sibling group</th><td class="text-end">1' in page


def test_the_pipeline_counts_open_applications_by_what_they_hope_to_offer(db, service):
    from crm.domain.stages import EventKind
    from tests.factories import CaseFactory, advance

    def applied(on: date, *after, **hopes):
        case = CaseFactory(enquiry_date=date(2025, 1, 6), **hopes)
        advance(
            case,
            (EventKind.FIRST_CONTACT, date(2025, 1, 7)),
            (EventKind.INITIAL_VISIT, date(2025, 2, 3)),
            (EventKind.APPLICATION, on),
            *after,
        )

    hoping = dict(intended_categories=["sibling_group"], intended_min_age=10, intended_max_age=17)
    applied(date(2025, 3, 3), **hoping)
    applied(date(2025, 3, 3))  # has not said
    applied(date(2025, 3, 3), (EventKind.WITHDRAWN_BY_APPLICANT, date(2025, 4, 1), "AW1"), **hoping)
    applied(date(2025, 6, 2), **hoping)  # after the month
    found = sufficiency_for(MAY)
    assert row(found.by_band, "10 to 15").pipeline == 1
    assert row(found.by_band, "Under 1").pipeline == 0
    assert row(found.by_need, "In a sibling group").pipeline == 1
    assert found.pipeline_unsaid == 1


def test_the_tables_download_as_csv_a_row_a_band_or_need(manager_client, service):
    response = manager_client.get("/sufficiency/download.csv?month=2025-05")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["Month", "Places", "By", "Row"]
    teens = next(r for r in rows if r[1].startswith("Mainstream") and r[3] == "10 to 15")
    assert teens[4:9] == ["5", "1", "4", "1", "1"] and teens[11] == "3"
    service = next(r for r in rows if r[1].startswith("Mainstream") and r[2] == "Service")
    assert service[7:12] == ["1", "2", "0", "3", "5"]  # filled, vacant, not available, places
    # three tables (mainstream, kinship, short breaks), each its bands and service row
    assert len(rows) == 1 + 3 * (len(AgeBand) + 1) + 4


def test_the_statement_sets_out_where_the_service_falls_short(manager_client, service):
    page = manager_client.get("/sufficiency/statement?month=2025-05").get_data(as_text=True)
    assert "The council looked after <strong>11</strong> children" in page
    assert (
        "10 to 15: 5 fostered children, 1 filled by children of these ages, 1 vacant place"
        " that could take them: <strong>3 short</strong>"
    ) in page
    assert "£93,600 a year" in page  # 2 agency placements at £900 a week


def test_targets_by_need_count_this_years_approvals_whose_terms_meet_them(
    admin_client, manager, db, service
):
    from tests.conftest import login

    newly = HouseholdFactory(
        approval_date=date(2025, 4, 15), terms_history=terms(1, 0, 17, "sibling_group")
    )
    newly.terms_history[0].effective_from = date(2025, 4, 15)
    db.session.commit()
    admin_client.post(
        "/admin/targets/sufficiency",
        data={"financial_year": "2025", "need__sibling_group": "3", "band__16_plus": "1"},
    )
    (siblings, older) = sorted(sufficiency_for(MAY).targets, key=lambda t: t.aim.key)[::-1]
    assert (siblings.aim.key, siblings.target, siblings.approved) == ("need:sibling_group", 3, 1)
    assert not siblings.in_reach
    assert (older.aim.key, older.approved, older.in_reach) == ("band:16_plus", 1, True)
    login(admin_client, manager)
    page = admin_client.get("/sufficiency/").get_data(as_text=True)
    assert "Not at this rate" in page


def test_a_rows_vacant_places_open_the_households_behind_them(manager_client, db, service):
    from crm.models import Household

    page = manager_client.get("/sufficiency/").get_data(as_text=True)
    assert "/households/?vacant_for=need:sibling_group&amp;current_on=2025-05-31" in page
    listed = manager_client.get(
        "/households/", query_string={"vacant_for": "band:16_plus", "current_on": "2025-05-31"}
    ).get_data(as_text=True)
    held = {
        h.terms_history[0].max_age: h.reference for h in db.session.scalars(sa.select(Household))
    }
    assert held[17] in listed and held[4] not in listed

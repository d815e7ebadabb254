"""Recording what happens to approved households, and the rules that refuse bad records."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from crm.domain.households import HouseholdRuleError
from crm.metrics.places import places_by_household
from crm.models import (
    ApprovalTerms,
    CareCategory,
    CarerEvent,
    CarerEventKind,
    DeregistrationReason,
    HouseholdStatus,
    InitiatedBy,
    PlacementEnding,
    Role,
)
from crm.timeutil import today
from tests.conftest import login
from tests.factories import HouseholdFactory

K = CarerEventKind
TODAY = date(2025, 6, 30)


@pytest.fixture
def household(db, ssw):
    return HouseholdFactory(approval_date=date(2024, 1, 15), supervising_worker=ssw)


class TestRecords:
    def test_a_visit_before_approval_is_refused(self, household):
        with pytest.raises(HouseholdRuleError, match="before the household was approved"):
            household.log_record(K.SUPERVISION_VISIT, date(2024, 1, 1), None, as_of=TODAY)

    def test_a_visit_in_the_future_is_refused(self, household):
        with pytest.raises(HouseholdRuleError, match="in the future"):
            household.log_record(K.SUPERVISION_VISIT, date(2025, 7, 1), None, as_of=TODAY)

    def test_a_survey_score_must_be_one_to_five(self, household):
        with pytest.raises(HouseholdRuleError, match="from 1 to 5"):
            household.log_record(K.SURVEY, date(2025, 1, 1), None, value=Decimal(7), as_of=TODAY)

    def test_training_needs_its_hours(self, household):
        with pytest.raises(HouseholdRuleError, match="hours"):
            household.log_record(K.TRAINING, date(2025, 1, 1), None, as_of=TODAY)


class TestPlacements:
    def test_a_placement_that_overfills_the_approved_places_is_refused(self, household, db):
        household.start_placement("C1", date(2025, 1, 1), as_of=TODAY)
        household.start_placement("C2", date(2025, 1, 1), as_of=TODAY)
        with pytest.raises(HouseholdRuleError, match="All 2 approved places are filled"):
            household.start_placement("C3", date(2025, 2, 1), as_of=TODAY)
        assert len(household.placements) == 2

    def test_a_placement_end_with_no_start_is_refused(self, household):
        with pytest.raises(HouseholdRuleError, match="no current placement of C9"):
            household.end_placement("C9", date(2025, 1, 1), PlacementEnding.PLANNED, as_of=TODAY)

    def test_a_placement_cannot_end_before_it_started(self, household):
        household.start_placement("C1", date(2025, 3, 1), as_of=TODAY)
        with pytest.raises(HouseholdRuleError, match="before it started"):
            household.end_placement("C1", date(2025, 2, 1), PlacementEnding.PLANNED, as_of=TODAY)

    def test_a_deregistered_household_cannot_take_a_placement(self, household):
        household.deregister(
            date(2025, 1, 1),
            DeregistrationReason.RETIREMENT,
            InitiatedBy.CARER,
            as_of=TODAY,
        )
        with pytest.raises(HouseholdRuleError, match="cannot be given a new placement"):
            household.start_placement("C1", date(2025, 2, 1), as_of=TODAY)

    def test_utilisation_at_a_date_counts_placements_running_that_day(self, household, db):
        household.start_placement("C1", date(2025, 1, 1), as_of=TODAY)
        household.end_placement("C1", date(2025, 3, 1), PlacementEnding.DISRUPTION, as_of=TODAY)
        db.session.commit()
        on_day = places_by_household(date(2025, 2, 28))[household.id]
        after = places_by_household(date(2025, 3, 1))[household.id]
        assert (on_day.filled, on_day.vacant, after.filled) == (1, 1, 0)


class TestTerms:
    def test_terms_changes_are_history_not_overwrites(self, household, db):
        household.change_terms(
            date(2025, 1, 1),
            date(2025, 2, 1),
            3,
            0,
            17,
            ["short_term"],
            None,
            as_of=TODAY,
        )
        db.session.commit()
        assert household.terms_on(date(2025, 1, 31)).places == 2
        assert household.terms_on(date(2025, 2, 1)).places == 3
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApprovalTerms)) == 2

    def test_a_change_takes_effect_no_sooner_than_28_days_unless_agreed(self, household):
        with pytest.raises(HouseholdRuleError, match="28 days after the decision"):
            household.change_terms(
                date(2025, 1, 1),
                date(2025, 1, 20),
                1,
                0,
                17,
                ["respite"],
                None,
                as_of=TODAY,
            )
        household.change_terms(
            date(2025, 1, 1),
            date(2025, 1, 20),
            1,
            0,
            17,
            ["respite"],
            None,
            carer_agreed=True,
            as_of=TODAY,
        )


class TestDeregistration:
    def test_deregistration_records_who_and_why(self, household):
        household.deregister(
            date(2025, 5, 1),
            DeregistrationReason.UNHAPPY_WITH_SUPPORT,
            InitiatedBy.CARER,
            "More visits",
            as_of=TODAY,
        )
        assert (household.status, household.deregistration_reason, household.exit_interview) == (
            HouseholdStatus.DEREGISTERED,
            DeregistrationReason.UNHAPPY_WITH_SUPPORT,
            "More visits",
        )

    def test_children_must_have_moved_on_first(self, household):
        household.start_placement("C1", date(2025, 1, 1), as_of=TODAY)
        with pytest.raises(HouseholdRuleError, match="end their placements first"):
            household.deregister(
                date(2025, 5, 1),
                DeregistrationReason.OTHER,
                InitiatedBy.SERVICE,
                as_of=TODAY,
            )

    def test_a_break_makes_places_not_available(self, household, db):
        household.start_break(date(2025, 4, 1), "House move", as_of=TODAY)
        db.session.commit()
        places = places_by_household(date(2025, 4, 2))[household.id]
        assert (places.vacant, places.not_available, household.status) == (
            0,
            2,
            HouseholdStatus.ON_BREAK,
        )


class TestPages:
    def test_the_worker_logs_a_visit_from_the_household_page(self, ssw_client, household, db):
        response = ssw_client.post(
            f"/households/{household.id}/records",
            data={"kind": "supervision_visit", "on": today().isoformat()},
        )
        assert response.status_code == 302
        assert db.session.scalar(sa.select(CarerEvent.kind)) is K.SUPERVISION_VISIT

    def test_a_refused_record_is_explained_and_kept(self, ssw_client, household):
        page = ssw_client.post(
            f"/households/{household.id}/records",
            data={"kind": "supervision_visit", "on": "2023-01-01", "note": "Kept note"},
        )
        assert page.status_code == 400
        assert b"before the household was approved" in page.data and b"Kept note" in page.data

    def test_a_worker_cannot_change_another_workers_household(self, client, household, make_user):
        other = make_user(Role.SUPERVISING_SOCIAL_WORKER)
        login(client, other)
        assert client.get(f"/households/{household.id}").status_code == 200  # may read
        response = client.post(
            f"/households/{household.id}/records",
            data={"kind": "supervision_visit", "on": today().isoformat()},
        )
        assert response.status_code == 403

    def test_a_manager_can_change_any_household(self, manager_client, household):
        response = manager_client.post(
            f"/households/{household.id}/records",
            data={"kind": "respite", "on": today().isoformat()},
        )
        assert response.status_code == 302

    def test_the_caseload_shows_overdue_work(self, ssw_client, household):
        page = ssw_client.get("/households/caseload").get_data(as_text=True)
        assert "Supervision visit: overdue since" in page

    def test_the_household_list_filters_by_kind_of_care(self, manager_client, db):
        respite = HouseholdFactory(
            terms_history=[
                ApprovalTerms(effective_from=date(2023, 6, 1), places=1, categories=["respite"])
            ]
        )
        other = HouseholdFactory()
        page = manager_client.get(f"/households/?category={CareCategory.RESPITE.value}").data
        assert respite.reference.encode() in page and other.reference.encode() not in page

    def test_the_kind_of_care_filter_ignores_terms_not_yet_in_force(self, manager_client, db):
        # A review on 1 June 2023 changes the terms to respite only, but the carers have
        # not agreed: the change applies 28 days after they were told (reg 28).
        today_ = today()
        changing = HouseholdFactory(
            terms_history=[
                ApprovalTerms(effective_from=date(2023, 6, 1), places=2, categories=["long_term"]),
                ApprovalTerms(
                    effective_from=today_ + timedelta(days=28), places=1, categories=["respite"]
                ),
            ]
        )
        page = manager_client.get(f"/households/?category={CareCategory.RESPITE.value}").data
        assert changing.reference.encode() not in page
        page = manager_client.get(f"/households/?category={CareCategory.LONG_TERM.value}").data
        assert changing.reference.encode() in page

    def test_the_household_list_filters_to_overdue_work(self, manager_client, ssw, db):
        overdue = HouseholdFactory(approval_date=date(2023, 6, 1))
        fresh = HouseholdFactory(approval_date=today())
        page = manager_client.get("/households/?overdue=y").data
        assert overdue.reference.encode() in page and fresh.reference.encode() not in page

    def test_deregistering_through_the_form(self, ssw_client, household, db):
        response = ssw_client.post(
            f"/households/{household.id}/deregister",
            data={
                "on": today().isoformat(),
                "initiated_by": "carer",
                "reason": "retirement",
                "exit_interview": "Time to retire",
            },
        )
        assert response.status_code == 302
        db.session.refresh(household)
        assert household.status is HouseholdStatus.DEREGISTERED


def test_capacity_by_kind_of_care_and_age(manager_client, db):
    household = HouseholdFactory(
        terms_history=[
            ApprovalTerms(
                effective_from=date(2023, 6, 1),
                places=2,
                min_age=0,
                max_age=10,
                categories=["respite", "short_term"],
            )
        ]
    )
    household.start_placement("C1", date(2025, 1, 1), as_of=TODAY)
    db.session.commit()
    from crm.metrics.places import capacity_on

    by_category, by_age = capacity_on(date(2025, 2, 1))
    assert (by_category["respite"].filled, by_category["respite"].vacant) == (1, 1)
    assert by_age["5 to 9"].approved == 2 and by_age["10 to 15"].approved == 2
    assert by_age["16 and over"].approved == 0
    page = manager_client.get("/households/capacity?on=2025-02-01").get_data(as_text=True)
    assert "2 approved places, 1 filled, 1 vacant" in page


def test_capacity_explains_a_bad_date(manager_client, db):
    page = manager_client.get("/households/capacity?on=yesterday", follow_redirects=True)
    assert page.status_code == 200 and b"Give the date as YYYY-MM-DD" in page.data


def test_someone_else_living_in_the_household_is_recorded(ssw_client, household, db):
    response = ssw_client.post(
        f"/households/{household.id}/residents",
        data={"full_name": "Nan Example", "relationship_to_carers": "grandmother"},
    )
    assert response.status_code == 302
    db.session.refresh(household)
    assert [r.full_name for r in household.residents] == ["Nan Example"]
    assert b"Nan Example (grandmother)" in ssw_client.get(f"/households/{household.id}").data


def test_a_placement_is_started_and_ended_from_the_household_page(ssw_client, household, db):
    on = today().isoformat()
    response = ssw_client.post(
        f"/households/{household.id}/placements",
        data={"child_reference": "CH1", "on": on, "child_age": "7", "care_kind": "short_term"},
    )
    assert response.status_code == 302
    ssw_client.post(
        f"/households/{household.id}/placements/end",
        data={"child_reference": "CH1", "on": on, "ending": "disruption"},
    )
    db.session.refresh(household)
    assert [(p.child_reference, p.ending) for p in household.placements] == [
        ("CH1", PlacementEnding.DISRUPTION)
    ]


def test_a_placement_records_the_childs_date_of_birth_from_the_page(ssw_client, household, db):
    """The birth date places the child in an age band of the sufficiency table; the age
    at the start follows from it."""
    ssw_client.post(
        f"/households/{household.id}/placements",
        data={
            "child_reference": "CH1",
            "on": "2025-03-01",
            "child_birth_date": "2013-03-02",
            "care_kind": "short_term",
        },
    )
    db.session.refresh(household)
    (placed,) = household.placements
    assert (placed.child_birth_date, placed.child_age) == (date(2013, 3, 2), 11)


def test_a_birth_date_and_age_that_disagree_are_refused_on_the_page(ssw_client, household, db):
    response = ssw_client.post(
        f"/households/{household.id}/placements",
        data={
            "child_reference": "CH1",
            "on": "2025-03-01",
            "child_birth_date": "2013-03-02",
            "child_age": "12",
            "care_kind": "short_term",
        },
        follow_redirects=True,
    )
    assert b"the child was 11 when the placement started on 1 Mar 2025, not 12" in response.data
    db.session.refresh(household)
    assert household.placements == []


def test_an_overfilling_placement_is_refused_on_the_page(ssw_client, household, db):
    on = today().isoformat()
    for child in ("CH1", "CH2", "CH3"):
        response = ssw_client.post(
            f"/households/{household.id}/placements",
            data={"child_reference": child, "on": on, "child_age": "7", "care_kind": "short_term"},
            follow_redirects=True,
        )
    assert b"All 2 approved places are filled" in response.data
    assert response.status_code == 400 and b'value="CH3"' in response.data  # kept what was typed
    db.session.refresh(household)
    assert len(household.placements) == 2


def test_places_can_be_worked_out_for_one_household(household, db):
    other = HouseholdFactory()
    only = places_by_household(date(2025, 1, 1), only=[household.id])
    assert set(only) == {household.id} and other.id in places_by_household(date(2025, 1, 1))

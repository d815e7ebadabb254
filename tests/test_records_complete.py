"""Nothing half-recorded goes in silently: an empty activity, a review or allegation
without its outcome, a second annual review the same day, and an over-long note are each
refused with the reason under the field it concerns, and what was typed is kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from crm.formfields import NOTE_LENGTH
from crm.models import Activity, CarerEvent
from crm.models.carer_event import Complaint
from tests.factories import CaseFactory, HouseholdFactory


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def field_error(page: str, field: str) -> str:
    return page.split(f'id="{field}-error"')[1].split("</div>")[0]


def record(client, household, **data) -> str:
    """Post a household record (dated 2 June 2025 unless said); the page that answers."""
    response = client.post(f"/households/{household.id}/records", data={"on": "2025-06-02", **data})
    return response.get_data(as_text=True)


def test_an_activity_without_a_note_is_refused(officer_client, db):
    case = CaseFactory()
    response = officer_client.post(
        f"/cases/{case.id}/activities", data={"kind": "call", "on": "2025-05-01", "note": ""}
    )
    assert "Say what happened" in field_error(response.get_data(as_text=True), "note")
    assert count(db, Activity) == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "annual_review", "review_outcome": ""}, "review_outcome", "review&#39;s outcome"),
        ({"kind": "allegation"}, "allegation_outcome", "allegation&#39;s outcome"),
        (
            {"kind": "allegation", "review_outcome": "continue"},
            "review_outcome",
            "not part of this record",
        ),
    ],
    ids=["review-without-outcome", "allegation-without-outcome", "another-kinds-field"],
)
def test_a_record_missing_its_own_detail_or_with_anothers_is_refused(
    manager_client, db, data, field, message
):
    page = record(manager_client, HouseholdFactory(), **data)
    assert message in field_error(page, field)
    assert count(db, CarerEvent) == 0


def test_training_is_saved_with_its_hours(manager_client, db):
    record(manager_client, HouseholdFactory(), kind="training", hours="6.5", note="Safer care")
    event = db.session.scalar(sa.select(CarerEvent))
    assert (event.value, event.outcome) == (Decimal("6.5"), None)


def test_a_complaint_may_be_saved_before_its_outcome_is_known(manager_client, db):
    household = HouseholdFactory()
    manager_client.post(
        f"/households/{household.id}/complaints",
        data={"received_on": "2025-06-02", "complainant": "Both carers", "summary": "Contact"},
    )
    assert count(db, Complaint) == 1
    assert db.session.scalar(sa.select(Complaint.outcome)) is None


def test_a_complaint_is_not_taken_by_the_records_form_which_has_no_response_clock(
    manager_client, db
):
    page = record(manager_client, HouseholdFactory(), kind="complaint", note="About contact")
    assert "Not a valid choice" in field_error(page, "kind")
    assert count(db, CarerEvent) == 0


def test_a_second_annual_review_on_the_same_day_is_refused(manager_client, db):
    household = HouseholdFactory(approval_date=date(2023, 6, 1))
    record(manager_client, household, kind="annual_review", review_outcome="continue")
    # Another review, not the same form sent again (that leads to the first: create_once).
    page = record(
        manager_client, household, kind="annual_review", review_outcome="continue", note="2nd"
    )
    assert "already recorded" in field_error(page, "on")
    assert count(db, CarerEvent) == 1


def test_a_survey_score_error_is_shown_under_the_score(manager_client, db):
    page = record(manager_client, HouseholdFactory(), kind="survey", score="9")
    assert "whole number from 1 to 5" in field_error(page, "score")


def test_an_over_long_note_is_refused_with_its_length_and_kept(officer_client, db):
    case = CaseFactory()
    note = "x" * (NOTE_LENGTH + 1)
    response = officer_client.post(
        f"/cases/{case.id}/activities", data={"kind": "call", "on": "2025-05-01", "note": note}
    )
    page = response.get_data(as_text=True)
    assert f"This is {NOTE_LENGTH + 1:,} characters" in field_error(page, "note")
    assert note in page
    assert count(db, Activity) == 0


def test_no_note_box_cuts_pasted_text_silently(officer_client):
    case = CaseFactory()
    page = officer_client.get(f"/cases/{case.id}").get_data(as_text=True)
    note_box = page.split('name="note"')[0].rsplit("<textarea", 1)[1]
    assert "maxlength" not in note_box

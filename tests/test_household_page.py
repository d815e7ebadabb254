"""The household page: a long history is paged, newest first, and its forms are headed."""

from __future__ import annotations

from datetime import date, timedelta

from crm.extensions import db
from crm.models import CarerEventKind
from tests.factories import HouseholdFactory


def household_with_visits(n: int):
    household = HouseholdFactory(approval_date=date(2020, 1, 1))
    for i in range(n):
        household.log_record(
            CarerEventKind.SUPERVISION_VISIT,
            date(2020, 2, 1) + timedelta(days=14 * i),
            None,
            note=f"visit number {i}",
        )
    db.session.commit()
    return household


def test_the_timeline_shows_the_newest_entries_first_a_page_at_a_time(manager_client):
    household = household_with_visits(40)
    page = manager_client.get(f"/households/{household.id}").get_data(as_text=True)
    assert "visit number 39" in page and "visit number 10" not in page
    assert f"/households/{household.id}?page=2#timeline" in page


def test_the_second_page_of_the_timeline_continues_where_the_first_ended(manager_client):
    household = household_with_visits(40)
    page = manager_client.get(f"/households/{household.id}?page=2").get_data(as_text=True)
    assert "visit number 10" in page and "visit number 39" not in page
    assert "Approved" in page


def test_the_placement_and_break_forms_have_headings(manager_client):
    page = manager_client.get(f"/households/{HouseholdFactory().id}").get_data(as_text=True)
    for heading in ("Start a placement", "Places not available", "A break"):
        assert f">{heading}</h3>" in page

"""In a real browser (issue 32, items 5 and 6): an officer finds a caller whose name they
misheard, and books her initial visit for next Tuesday, which then waits on their home."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Role, User
from crm.timeutil import today
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory


def next_tuesday():
    on = today()
    return on + timedelta(days=(1 - on.weekday()) % 7 or 7)


def test_a_misspelled_name_is_found(page, live_server, user_with):
    email = user_with(Role.RECRUITMENT_OFFICER)
    with live_server.app.app_context():
        CaseFactory(reference="FIND-1", first_name="Jacqueline", last_name="Brown")
        CaseFactory(reference="FIND-2", first_name="Geraldine", last_name="Brookes")
        CaseFactory(reference="FIND-3", first_name="Ian", last_name="Smith")
    sign_in(page, live_server, email)
    page.goto(f"{live_server.url}/cases/")
    page.get_by_label("Search").fill("Jaqueline Brown")
    page.get_by_role("button", name="Filter").click()
    suggestions = page.get_by_test_id("did-you-mean")
    expect(suggestions).to_contain_text("No case holds “Jaqueline Brown” as typed")
    expect(suggestions).not_to_contain_text("Brookes")
    suggestions.get_by_role("link", name="Jacqueline Brown").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("FIND-1")


def test_a_visit_booked_for_next_tuesday_shows_on_the_officers_home(page, live_server, user_with):
    email = user_with(Role.RECRUITMENT_OFFICER, full_name="Olu Officer")
    with live_server.app.app_context():
        officer = db.session.query(User).filter_by(email=email).one()
        case_id = CaseFactory(
            reference="BOOK-1", first_name="Amara", last_name="Okafor", owner=officer
        ).id
    tuesday = next_tuesday()
    sign_in(page, live_server, email)
    page.goto(f"{live_server.url}/cases/{case_id}")
    page.get_by_role("link", name="Book a visit or meeting").click()
    page.get_by_label("What").select_option("initial_visit")
    page.get_by_label("Date").fill((today() - timedelta(days=2)).isoformat())
    page.get_by_label("Time").fill("10:00")
    page.get_by_label("Who else attends").fill("Amara and Chidi Okafor")
    page.get_by_role("button", name="Book it").click()
    expect(page.get_by_text("has already passed").first).to_be_visible()
    expect(page.get_by_label("Who else attends")).to_have_value("Amara and Chidi Okafor")

    page.get_by_label("Date").fill(tuesday.isoformat())
    page.get_by_role("button", name="Book it").click()
    expect(page.get_by_role("status").first).to_contain_text("Initial home visit booked")

    page.goto(f"{live_server.url}/cases/mine")
    booked = page.get_by_role("region", name="Visits and meetings booked (1)")
    expect(booked).to_contain_text(f"Tue {tuesday.day} {tuesday:%b %Y}, 10:00")
    expect(booked).to_contain_text("Initial home visit")
    expect(booked).to_contain_text("Olu Officer with Amara and Chidi Okafor")
    with page.expect_download() as download:
        booked.get_by_role("link", name="Add to calendar (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")

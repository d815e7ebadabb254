"""In a real browser, a supervising social worker records a carer's complaint received
five weeks ago, sees it flagged on their queue, and records the response: the flag goes."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Role, User
from crm.timeutil import today
from tests.browser.conftest import sign_in
from tests.factories import HouseholdFactory


def test_a_complaint_and_its_response_recorded_on_the_household_page(page, live_server, user_with):
    email = user_with(Role.SUPERVISING_SOCIAL_WORKER)
    with live_server.app.app_context():
        worker = db.session.query(User).filter_by(email=email).one()
        household_id = HouseholdFactory(reference="HH-COMPLAINT", supervising_worker=worker).id
    sign_in(page, live_server, email)
    page.goto(f"{live_server.url}/households/{household_id}")

    form = page.get_by_role("form", name="Record a complaint")
    form.get_by_label("Received on").fill((today() - timedelta(days=35)).isoformat())
    form.get_by_label("Who complained").fill("Both carers")
    form.get_by_label("Summary of the complaint").fill("Respite cancelled twice")
    form.get_by_role("button", name="Record the complaint").click()
    expect(page.get_by_role("status").first).to_contain_text("Complaint recorded")
    complaints = page.get_by_test_id("complaints")
    expect(complaints).to_contain_text("Respite cancelled twice")
    expect(complaints).to_contain_text("Response overdue since")

    page.get_by_role("link", name="My caseload").click()
    late = page.get_by_role("region", name="Complaints not answered in time (1)")
    expect(late).to_contain_text("HH-COMPLAINT")
    late.get_by_role("link", name="Pat Example").click()

    page.get_by_role("link", name="Record the response").click()
    page.get_by_label("Outcome").select_option("partly_upheld")
    page.get_by_label("Response sent on").fill(today().isoformat())
    page.get_by_role("button", name="Record the response").click()
    expect(page.get_by_role("status").first).to_contain_text("Response to the complaint recorded")
    expect(page.get_by_test_id("complaints")).to_contain_text("Answered")
    expect(page.locator("#timeline + ol")).to_contain_text("Complaint answered: Partly upheld")

    page.get_by_role("link", name="My caseload").click()
    expect(page.get_by_role("region", name="Complaints not answered in time (1)")).to_have_count(0)

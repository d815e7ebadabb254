"""In a real browser, a supervising social worker logs a visit and the overdue flag clears."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Role, User
from crm.timeutil import today
from tests.browser.conftest import sign_in
from tests.factories import HouseholdFactory


def test_logging_a_visit_clears_the_overdue_flag(page, live_server, user_with):
    email = user_with(Role.SUPERVISING_SOCIAL_WORKER)
    with live_server.app.app_context():
        worker = db.session.query(User).filter_by(email=email).one()
        HouseholdFactory(
            reference="HH-BROWSER",
            approval_date=today() - timedelta(days=100),
            supervising_worker=worker,
        )
    sign_in(page, live_server, email)
    duties = page.get_by_test_id("duties-HH-BROWSER")
    expect(duties).to_contain_text("Supervision visit: overdue since")

    overdue = page.get_by_role("region", name="Overdue (1)")
    expect(overdue).to_contain_text("Supervision visit")
    overdue.get_by_role("link", name="Pat Example").click()
    page.get_by_label("What").select_option("supervision_visit")
    page.get_by_label("Date").first.fill(today().isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Supervision visit recorded")

    page.get_by_role("link", name="My caseload").click()
    expect(duties).not_to_contain_text("Supervision visit")
    expect(page.get_by_role("region", name="Overdue (1)")).to_have_count(0)


def test_each_kind_of_record_shows_only_its_own_field(page, live_server, user_with):
    email = user_with(Role.SUPERVISING_SOCIAL_WORKER)
    with live_server.app.app_context():
        worker = db.session.query(User).filter_by(email=email).one()
        household_id = HouseholdFactory(supervising_worker=worker).id
    sign_in(page, live_server, email)
    page.goto(f"{live_server.url}/households/{household_id}")
    page.get_by_label("What").select_option("training")
    expect(page.get_by_label("Training hours")).to_be_visible()
    expect(page.get_by_label("Review outcome")).to_be_hidden()
    page.get_by_label("What").select_option("annual_review")
    expect(page.get_by_label("Training hours")).to_be_hidden()
    page.get_by_label("Review outcome").select_option("continue")
    page.get_by_label("Date").first.fill(today().isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Annual review recorded")
    expect(page.locator("#timeline + ol")).to_contain_text("Continue approval")

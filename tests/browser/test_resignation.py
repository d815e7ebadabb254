"""In a real browser, a supervising social worker records the carers' written notice of
resignation received today: the household page says it stays approved until the notice
takes effect 28 days later (reg 28(13)); then the carers change their minds and the
notice is withdrawn."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from crm.extensions import db
from crm.formatting import uk_date
from crm.models import Role, User
from crm.timeutil import today
from tests.browser.conftest import sign_in
from tests.factories import HouseholdFactory


def test_a_notice_of_resignation_recorded_and_withdrawn(page, live_server, user_with):
    email = user_with(Role.SUPERVISING_SOCIAL_WORKER)
    with live_server.app.app_context():
        worker = db.session.query(User).filter_by(email=email).one()
        household_id = HouseholdFactory(reference="HH-RESIGN", supervising_worker=worker).id
    sign_in(page, live_server, email)
    page.goto(f"{live_server.url}/households/{household_id}")

    page.get_by_role("link", name="Notice of resignation received").click()
    page.get_by_label("Notice received on").fill(today().isoformat())
    page.get_by_label("Why they are leaving").select_option("retirement")
    page.get_by_role("button", name="Record the notice").click()
    ends = uk_date(today() + timedelta(days=28))
    expect(page.get_by_role("status").first).to_contain_text(f"the approval ends on {ends}")
    expect(page.get_by_test_id("resignation-notice")).to_contain_text(f"takes effect on {ends}")

    page.get_by_test_id("resignation-notice").get_by_role("link", name="withdrawn").click()
    page.get_by_label("Withdrawn on").fill(today().isoformat())
    page.get_by_role("button", name="Record the withdrawal").click()
    expect(page.get_by_role("status").first).to_contain_text("the approval goes on")
    expect(page.get_by_test_id("resignation-notice")).to_have_count(0)

"""In a real browser, a supervising social worker records a review of approval that
recommends ending it, the proposed termination written to the carers with reasons, the
carers' representations within their 28 days, the fostering panel's reconsideration and
the final decision (reg 28(7)-(11)): the household is deregistered on that date, at the
service's instigation, with the reason given."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from crm.extensions import db
from crm.formatting import uk_date
from crm.models import Role, User
from crm.timeutil import today
from tests.browser.conftest import sign_in
from tests.factories import HouseholdFactory


def test_a_termination_through_representations_and_the_panels_reconsideration(
    page, live_server, user_with
):
    email = user_with(Role.SUPERVISING_SOCIAL_WORKER)
    with live_server.app.app_context():
        worker = db.session.query(User).filter_by(email=email).one()
        household_id = HouseholdFactory(reference="HH-TERMINATE", supervising_worker=worker).id
    now = today()
    reviewed, notice, received = now - timedelta(60), now - timedelta(50), now - timedelta(40)
    reconsidered, decided = now - timedelta(10), now - timedelta(5)
    sign_in(page, live_server, email)
    page.goto(f"{live_server.url}/households/{household_id}")

    page.get_by_role("link", name="Record a review of approval").click()
    page.get_by_label("Reviewed on").fill(reviewed.isoformat())
    page.get_by_label("Outcome").select_option("terminate")
    page.get_by_label("The carers' own report received on").fill(reviewed.isoformat())
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("status").first).to_contain_text("Review of approval recorded")

    # the review's outcome goes on to its proposal, a termination already chosen
    expect(page.get_by_label("Proposal")).to_have_value("termination")
    page.get_by_label("Notice sent on").fill(notice.isoformat())
    page.get_by_label("Reasons given in the notice").fill("Standards of care not met")
    page.get_by_label("Termination: the reason, as deregistration counts it").select_option(
        "allegation"
    )
    page.get_by_role("button", name="Record the proposal").click()
    expect(page.locator("#step")).to_contain_text("28 days passed with no response")
    expect(page.locator("#determination")).to_contain_text(uk_date(notice + timedelta(28)))

    response = page.locator("#response-step")
    response.get_by_label("What they chose").select_option("representations")
    response.get_by_label("Received on").fill(received.isoformat())
    response.get_by_role("button", name="Record the response").click()
    expect(page.locator("#step")).to_contain_text("refer to the fostering panel")

    recommendation = page.locator("#recommendation-step")
    recommendation.get_by_label("Recommendation").select_option("as_proposed")
    recommendation.get_by_label("Made on").fill(reconsidered.isoformat())
    recommendation.get_by_role("button", name="Record the recommendation").click()
    expect(page.locator("#step")).to_contain_text("final decision due")

    decision = page.locator("#decision-step")
    decision.get_by_label("Final decision").select_option("as_proposed")
    decision.get_by_label("Decided on").fill(decided.isoformat())
    decision.get_by_role("button", name="Record the final decision").click()
    expect(page.locator("#final-decision")).to_contain_text(
        f"Decided as proposed, {uk_date(decided)}"
    )

    page.get_by_role("link", name="Back to").click()
    expect(page.locator("#details-h + dl")).to_contain_text(f"{uk_date(decided)}: Allegation")

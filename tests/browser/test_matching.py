"""In a real browser, a manager finds carers for a 13-year-old and her younger brother,
offers them to the household that fits best, and sees the offer on its timeline."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from crm.models import ApprovalTerms, Role
from tests.browser.conftest import sign_in
from tests.factories import HouseholdFactory


def test_a_manager_finds_a_household_for_a_sister_and_brother_and_offers_them(
    page, live_server, user_with
):
    email = user_with(Role.MANAGER)
    with live_server.app.app_context():
        for reference, low, categories in [
            ("HH-TEENS", 10, ["sibling_group", "long_term"]),
            ("HH-SMALL", 0, ["short_term"]),
        ]:
            HouseholdFactory(
                reference=reference,
                postcode="LE2 1AA",
                terms_history=[
                    ApprovalTerms(
                        effective_from=date(2023, 6, 1),
                        places=2,
                        min_age=low,
                        max_age=17 if low else 4,
                        categories=categories,
                    )
                ],
            )
    sign_in(page, live_server, email)
    page.get_by_role("link", name="Find a carer").click()
    page.get_by_label("Age").fill("13")
    page.get_by_label("Children to place together").fill("2")
    page.get_by_label("In a sibling group").check()
    page.get_by_label("Near (postcode district)").fill("LE2")
    page.get_by_role("button", name="Find carers").click()

    best = page.locator(".card").first
    expect(best).to_contain_text("HH-TEENS")
    expect(best).to_contain_text("approved for care that meets: in a sibling group")
    expect(page.locator(".card").nth(1)).to_contain_text("needs a change of terms")
    best.get_by_role("link", name="Record an offer").click()
    expect(page.get_by_text("A child aged 13, placed with 1 brother or sister")).to_be_visible()
    page.get_by_label("Child's reference in the children's system").fill("CS-4417")
    page.get_by_role("button", name="Record the offer").click()

    expect(page.get_by_role("status").first).to_contain_text("Offer to")
    expect(page.locator("#timeline + ol")).to_contain_text("Child offered")
    expect(page.locator("#timeline + ol")).to_contain_text(
        "A child aged 13, with 1 brother or sister"
    )

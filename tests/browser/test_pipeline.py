"""In a real browser, an officer takes a new enquiry through to application."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from crm.models import Role
from crm.timeutil import today
from tests.browser.conftest import sign_in


def record_step(page, button: str, on) -> None:
    page.get_by_role("link", name=button).click()
    page.get_by_label("Date it happened").fill(on.isoformat())
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status").first).to_contain_text("recorded")


def test_an_officer_moves_a_new_enquiry_to_application(page, live_server, user_with):
    sign_in(page, live_server, user_with(Role.RECRUITMENT_OFFICER))
    page.get_by_role("link", name="Log a new enquiry").click()
    page.get_by_label("First name").fill("Ngozi")
    page.get_by_label("Last name").fill("Browser-Test")
    page.get_by_label("Email address").fill("ngozi@example.com")
    page.get_by_label("Postcode").fill("LE1 6ZG")
    page.get_by_label("How they got in touch").select_option("phone")
    page.get_by_label("How they heard about us").select_option("event")
    page.get_by_label("Enquiry date").fill((today() - timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Save enquiry").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ngozi Browser-Test")

    record_step(page, "First contact", today() - timedelta(days=9))
    record_step(page, "Initial home visit", today() - timedelta(days=5))
    record_step(page, "Application received (Stage 1)", today() - timedelta(days=1))
    expect(page.get_by_text("Stage 1 checks", exact=True).first).to_be_visible()

    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_label("Stage").select_option("stage1")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/cases/\?.*stage=stage1"))
    row = page.get_by_role("row").filter(has_text="Ngozi Browser-Test")
    expect(row).to_contain_text("Stage 1 checks")


def test_an_illegal_date_is_explained_in_the_browser(page, live_server, user_with):
    sign_in(page, live_server, user_with(Role.RECRUITMENT_OFFICER))
    page.goto(f"{live_server.url}/cases/new")
    page.get_by_label("First name").fill("Future")
    page.get_by_label("Last name").fill("Person")
    page.get_by_label("Phone").fill("07700 900123")
    page.get_by_label("How they got in touch").select_option("phone")
    page.get_by_label("How they heard about us").select_option("word_of_mouth")
    page.get_by_label("Enquiry date").fill((today() + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Save enquiry").click()
    expect(page.locator("#enquiry_date-error")).to_contain_text("cannot be in the future")
    expect(page.get_by_label("First name")).to_have_value("Future")

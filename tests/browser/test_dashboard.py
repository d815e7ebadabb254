"""In a real browser, a manager changes the dashboard's period and clicks through a count."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from crm.domain.stages import EventKind
from crm.models import Role
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory, advance


def test_a_manager_changes_the_period_and_opens_the_cases_behind_a_count(
    page, live_server, user_with
):
    with live_server.app.app_context():
        advance(
            CaseFactory(reference="DASH-1", enquiry_date=date(2024, 5, 1)),
            (EventKind.FIRST_CONTACT, date(2024, 5, 2)),
        )
        CaseFactory(reference="DASH-2", enquiry_date=date(2023, 5, 1))
    sign_in(page, live_server, user_with(Role.MANAGER))
    page.get_by_label("From", exact=True).fill("2024-04-01")
    page.get_by_label("To", exact=True).fill("2025-03-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Figures for 1 Apr 2024 to 31 Mar 2025")).to_be_visible()
    enquiries = page.locator('[data-figure="enquiries"]')
    expect(enquiries).to_have_text("1")
    enquiries.click()
    expect(page).to_have_url(re.compile(r"/cases/\?.*step=enquiry"))
    expect(page.get_by_role("link", name="DASH-1")).to_be_visible()
    expect(page.get_by_role("link", name="DASH-2")).to_have_count(0)


def test_a_manager_clicks_a_stage_count_and_lands_on_that_stages_list(page, live_server, user_with):
    with live_server.app.app_context():
        advance(
            CaseFactory(reference="STAGE-1", enquiry_date=date(2024, 5, 1)),
            (EventKind.FIRST_CONTACT, date(2024, 5, 2)),
            (EventKind.INITIAL_VISIT, date(2024, 5, 9)),
            (EventKind.APPLICATION, date(2024, 6, 1)),
        )
        CaseFactory(reference="STAGE-2", enquiry_date=date(2024, 5, 1))
    sign_in(page, live_server, user_with(Role.MANAGER))
    page.get_by_role("link", name="1 cases at Stage 1 checks").click()
    expect(page).to_have_url(re.compile(r"/cases/\?.*stage=stage1"))
    expect(page.get_by_role("link", name="STAGE-1")).to_be_visible()
    expect(page.get_by_role("link", name="STAGE-2")).to_have_count(0)


def test_a_section_keeps_the_period_and_the_page_stays_short(page, live_server, user_with):
    sign_in(page, live_server, user_with(Role.MANAGER))
    page.get_by_label("From", exact=True).fill("2024-04-01")
    page.get_by_label("To", exact=True).fill("2025-03-31")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Carers and places").click()
    expect(page.get_by_role("heading", name="Carers and places")).to_be_visible()
    expect(page.get_by_text("Figures for 1 Apr 2024 to 31 Mar 2025")).to_be_visible()
    page.get_by_role("button", name="Show").click()  # the period form keeps the section
    expect(page.get_by_role("link", name="Carers and places")).to_have_attribute(
        "aria-current", "page"
    )
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 3000, f"{height} px tall at {width} px wide"

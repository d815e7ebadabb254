"""In a real browser (issue 32, items 2 and 3): Back and Send again leads to what the
first sending made, and two tabs editing one case keep both changes."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Case, Role
from tests.browser.conftest import sign_in


def enquiries_named(server, last_name: str) -> list[Case]:
    with server.app.app_context():
        return db.session.scalars(sa.select(Case).where(Case.last_name == last_name)).all()


def test_back_and_send_again_on_the_public_form_makes_one_enquiry(page, live_server):
    page.goto(f"{live_server.url}/foster-with-us/")
    page.get_by_label("First name").fill("Bronwen")
    page.get_by_label("Last name").fill("Back-Public")
    page.get_by_label("Email address").fill("bronwen@example.com")
    page.get_by_label("Postcode").fill("LE1 6ZG")
    page.get_by_label("How did you hear about fostering with us?").select_option(index=1)
    page.get_by_role("button", name="Send").click()
    expect(page).to_have_url(f"{live_server.url}/foster-with-us/thank-you")

    page.go_back()
    page.wait_for_load_state()
    if not page.get_by_label("Last name").input_value():  # a browser that forgot the form
        page.get_by_label("First name").fill("Bronwen")
        page.get_by_label("Last name").fill("Back-Public")
        page.get_by_label("Email address").fill("bronwen@example.com")
        page.get_by_label("Postcode").fill("LE1 6ZG")
        page.get_by_label("How did you hear about fostering with us?").select_option(index=1)
    page.get_by_role("button", name="Send").click()

    expect(page).to_have_url(f"{live_server.url}/foster-with-us/thank-you")
    assert len(enquiries_named(live_server, "Back-Public")) == 1


def test_back_and_send_again_on_the_officers_form_leads_to_the_first_enquiry(
    page, live_server, user_with
):
    sign_in(page, live_server, user_with(Role.RECRUITMENT_OFFICER))
    page.goto(f"{live_server.url}/cases/new")
    page.get_by_label("First name").fill("Tomasz")
    page.get_by_label("Last name").fill("Back-Officer")
    page.get_by_label("Phone").fill("07700 900777")
    page.get_by_label("How they got in touch").select_option("phone")
    page.get_by_label("How they heard about us").select_option("event")
    page.get_by_role("button", name="Save enquiry").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tomasz Back-Officer")
    first = page.url

    page.go_back()
    page.wait_for_load_state()
    if not page.get_by_label("Last name").input_value():
        page.get_by_label("First name").fill("Tomasz")
        page.get_by_label("Last name").fill("Back-Officer")
        page.get_by_label("Phone").fill("07700 900777")
        page.get_by_label("How they got in touch").select_option("phone")
        page.get_by_label("How they heard about us").select_option("event")
    page.get_by_role("button", name="Save enquiry").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Tomasz Back-Officer")
    assert page.url == first
    expect(page.get_by_text("already sent")).to_be_visible()
    assert len(enquiries_named(live_server, "Back-Officer")) == 1


def test_two_tabs_editing_one_case_keep_both_changes(page, live_server, user_with):
    sign_in(page, live_server, user_with(Role.RECRUITMENT_OFFICER))
    with live_server.app.app_context():
        from tests.factories import CaseFactory

        case = CaseFactory(
            last_name="Two-Tabs", address="1 High St", email="old@example.com", phone=None
        )
        db.session.commit()
        url = f"{live_server.url}/cases/{case.id}/contact"
    tab_a = page
    tab_b = page.context.new_page()
    tab_a.goto(url)
    tab_b.goto(url)

    tab_a.get_by_label("Address", exact=True).fill("22 New Road")
    tab_a.get_by_role("button", name="Save contact details").click()
    expect(tab_a.get_by_role("status").first).to_contain_text("saved")
    tab_b.get_by_label("Email address").fill("new@example.com")
    tab_b.get_by_role("button", name="Save contact details").click()

    expect(tab_b.get_by_role("status").first).to_contain_text("Their changes are kept")
    with live_server.app.app_context():
        saved = db.session.get(Case, case.id)
        assert (saved.address, saved.email) == ("22 New Road", "new@example.com")

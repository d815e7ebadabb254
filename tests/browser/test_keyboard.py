"""With a keyboard alone, in Chromium: the public form is filled in and sent, and an
activity is logged on the case page. Each field is reached with Tab, in reading order."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Activity, Case, Role
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory


def tab_to(page, name: str, presses: int = 80) -> None:
    """Press Tab until the field called `name` has the focus (fail if it never does)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == name:
            return
    raise AssertionError(f"Tab never reached {name}")


def test_the_public_form_can_be_filled_in_and_sent_with_the_keyboard(page, live_server):
    page.goto(f"{live_server.url}/foster-with-us/")
    for name, text in [
        ("first_name", "Kim"),
        ("last_name", "Keys"),
        ("email", "kim.keys@example.com"),
        ("postcode", "LE1 6ZG"),
    ]:
        tab_to(page, name)
        page.keyboard.type(text)
    tab_to(page, "source")
    page.keyboard.press("ArrowDown")
    tab_to(page, "message")
    page.keyboard.type("We have a spare room")
    page.keyboard.press("Tab")  # on to the send button
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(Case.id).where(Case.email == "kim.keys@example.com"))


def test_an_activity_is_logged_on_the_case_page_with_the_keyboard(page, live_server, user_with):
    with live_server.app.app_context():
        case_id = CaseFactory().id
    sign_in(page, live_server, user_with(Role.RECRUITMENT_OFFICER))
    page.goto(f"{live_server.url}/cases/{case_id}")
    tab_to(page, "note")
    page.keyboard.type("Called; they will ring back on Friday")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Added to the activity log.")).to_be_visible()
    with live_server.app.app_context():
        notes = db.session.scalars(sa.select(Activity.note).where(Activity.case_id == case_id))
        assert list(notes) == ["Called; they will ring back on Friday"]

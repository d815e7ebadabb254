"""In Chromium, each role's morning on a 390 px phone and a desktop: their home page (the
work queue) opens without sideways scrolling, the menu folds behind one button on the
phone, and exactly one menu item says where they are."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Household, Role, User
from crm.timeutil import today
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory

HOMES = {
    Role.RECRUITMENT_OFFICER: ("/cases/mine", "To do today"),
    Role.SUPERVISING_SOCIAL_WORKER: ("/households/caseload", "To do"),
    Role.MANAGER: ("/dashboard/", "Needs attention"),
    Role.ADMINISTRATOR: ("/admin/users", "Users"),
}
#: Where the first item of each queue leads.
QUEUE_LEADS_TO = {
    Role.RECRUITMENT_OFFICER: r"/cases/",
    Role.SUPERVISING_SOCIAL_WORKER: r"/households/\d+",
    Role.MANAGER: r"/(cases|households)/",
}
CASES = [(role, width) for role in HOMES for width in (390, 1280)]


@pytest.mark.parametrize(("role", "width"), CASES, ids=[f"{r.value}-{w}" for r, w in CASES])
def test_each_role_starts_the_day_on_its_queue(page, demo_server, user_with_on, role, width):
    page.set_viewport_size({"width": width, "height": 850})
    email = user_with_on(demo_server, role)
    if role is Role.SUPERVISING_SOCIAL_WORKER:
        given_households(demo_server, email)
    else:
        with demo_server.app.app_context():  # a web enquiry nobody has taken yet
            CaseFactory(owner=None, enquiry_date=today())
    sign_in(page, demo_server, email)
    path, text = HOMES[role]
    expect(page).to_have_url(f"{demo_server.url}{path}")
    expect(page.locator("main").get_by_text(text).first).to_be_visible()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    menu = page.get_by_role("button", name="Menu")
    if width < 768:
        expect(menu).to_be_visible()
        menu.click()
    else:
        expect(menu).to_be_hidden()
    expect(page.locator(".navbar .nav-link.active")).to_have_count(1)
    if role in QUEUE_LEADS_TO:  # walk the queue: its first item opens where the work is
        if width < 768:
            menu.click()  # fold the menu away again
        queue = page.locator("main section").first
        queue.get_by_role("link").first.click()
        expect(page).to_have_url(re.compile(f"{demo_server.url}{QUEUE_LEADS_TO[role]}"))
        expect(page.locator("main h1")).not_to_contain_text("error")
        page.wait_for_load_state("load")  # hearth.js has laid out the wide tables
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def given_households(server, email: str) -> None:
    """Ten of the demo's households, for a new supervising social worker to supervise."""
    with server.app.app_context():
        worker = db.session.scalar(sa.select(User).where(User.email == email))
        ids = sa.select(Household.id).where(Household.current_on(today())).limit(10)
        db.session.execute(
            sa.update(Household)
            .where(Household.id.in_(ids.scalar_subquery()))
            .values(supervising_worker_id=worker.id)
        )
        db.session.commit()


def test_the_case_list_fits_a_phone(page, demo_server, user_with_on):
    page.set_viewport_size({"width": 390, "height": 850})
    sign_in(page, demo_server, user_with_on(demo_server, Role.RECRUITMENT_OFFICER))
    page.goto(f"{demo_server.url}/cases/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    date_box = page.get_by_label("From", exact=True).bounding_box()
    assert date_box["width"] >= 130  # room for the whole dd/mm/yyyy and its picker


def test_a_long_menu_wraps_within_a_desktop_screen(page, demo_server):
    """Someone holding every role has the longest menu: every item stays on screen."""
    page.set_viewport_size({"width": 1280, "height": 850})
    sign_in(page, demo_server, demo_server.email)
    rights = page.eval_on_selector_all(
        ".navbar a, .navbar button", "els => els.map(e => e.getBoundingClientRect().right)"
    )
    assert rights and max(rights) <= 1280

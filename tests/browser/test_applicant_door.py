"""The applicant's own door in Chromium (issue 35): at phone width a member of the public
enquires through the public form, asks for a sign-in link, reads it from the real SMTP
server (tests/mail_server.py), signs in, fills in two sections over two visits, and the
officer sees them on the case. Every door page passes axe at phone and desktop widths,
and signing in and completing a section work with the keyboard alone."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Case, Role
from tests.browser.axe_checks import serious_violations
from tests.browser.conftest import serving, sign_in
from tests.factories import CaseFactory

PHONE = {"width": 390, "height": 844}
DOOR = "/your-application"


@pytest.fixture(scope="module")
def door_server(tmp_path_factory, smtp_server):
    settings = {
        "MAIL_SERVER": smtp_server.host,
        "MAIL_PORT": smtp_server.port,
        "MAIL_USE_TLS": False,
        "MAIL_USERNAME": None,
        "MFA_REQUIRED_ROLES": (),
        "FOSTERING_TEAM_PHONE": "0116 496 0000",
    }
    with serving(tmp_path_factory.mktemp("door"), **settings) as server:
        yield server


def status(page, title: str):
    """A section's status on the task list."""
    return page.locator(".govuk-task-list__item", has_text=title).locator(
        ".govuk-task-list__status"
    )


def mail_to(smtp_server, email: str, after: int) -> tuple[str, str]:
    """The path and code of the newest sign-in email to `email` past the first `after`."""
    for _ in range(200):
        mine = [m for m in smtp_server.messages if m["To"] == email]
        if len(mine) > after:
            body = mine[-1].get_content()
            link = re.search(r"https?://\S+", body).group(0)
            code = re.search(r"code on the sign-in page: (\S+)", body).group(1)
            return "/" + link.split("://", 1)[1].split("/", 1)[1], code
        time.sleep(0.05)
    raise AssertionError(f"no sign-in email reached {email}")


def sign_in_by_link(page, server, smtp_server, email: str) -> None:
    before = len([m for m in smtp_server.messages if m["To"] == email])
    page.goto(f"{server.url}{DOOR}/")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    path, _ = mail_to(smtp_server, email, before)
    page.goto(f"{server.url}{path}")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your fostering application")


def test_an_applicant_fills_in_two_sections_over_two_visits_on_a_phone(
    chromium, door_server, smtp_server, user_with_on
):
    context = chromium.new_context(locale="en-GB", timezone_id="Europe/London", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    email = "pat.phone@example.com"
    page.goto(f"{door_server.url}/foster-with-us/")
    page.get_by_label("First name").fill("Pat")
    page.get_by_label("Last name").fill("Phone")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Postcode").fill("LE1 6ZG")
    page.locator("#source").select_option(index=1)
    page.get_by_role("button", name=re.compile("Send|Register|Submit")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")

    sign_in_by_link(page, door_server, smtp_server, email)  # first visit: About you
    page.get_by_role("link", name="About you").click()
    page.get_by_label("First name").fill("Pat")
    page.get_by_label("Last name").fill("Phone")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Date of birth").fill("27 3 1985")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Address").fill("1 High Street\nLeicester")
    page.get_by_label("Postcode").fill("LE1 6ZG")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Phone number").fill("07700 900123")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    page.get_by_role("button", name="Mark this section as complete").click()
    expect(status(page, "About you")).to_have_text("Completed")
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{door_server.url}{DOOR}/home")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")

    sign_in_by_link(page, door_server, smtp_server, email)  # second visit
    expect(status(page, "About you")).to_have_text("Completed")
    page.get_by_role("link", name="Previous fostering").click()
    page.get_by_label("No").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Mark this section as complete").click()
    expect(status(page, "Previous fostering")).to_have_text("Completed")
    context.close()

    with door_server.app.app_context():
        case_id = db.session.scalar(sa.select(Case.id).where(Case.email == email))
    officer = chromium.new_context(locale="en-GB", timezone_id="Europe/London")
    staff = officer.new_page()
    sign_in(staff, door_server, user_with_on(door_server, Role.RECRUITMENT_OFFICER))
    staff.goto(f"{door_server.url}/cases/{case_id}")
    sections = staff.get_by_test_id("door-sections")
    expect(sections).to_contain_text("About you: Completed")
    expect(sections).to_contain_text("Previous fostering: Completed")
    expect(sections).to_contain_text("Your household: Not started")
    officer.close()


def door_pages(page, server, smtp_server, email: str):
    """Every page of the door, with a page in each state worth checking: (name, action)."""
    url = server.url + DOOR
    yield "sign in", lambda: page.goto(f"{url}/")
    yield "code", lambda: page.goto(f"{url}/code")

    def wrong_code():
        page.goto(f"{url}/code")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Code").fill("ABCD-2345")
        page.get_by_role("button", name="Sign in").click()

    yield "wrong code", wrong_code
    yield "spent link", lambda: page.goto(f"{url}/sign-in/not-a-real-token")

    def check_email():
        page.goto(f"{url}/")
        page.get_by_label("Email address").fill(email)
        page.get_by_role("button", name="Email me a sign-in link").click()

    yield "check your email", check_email
    path, _ = mail_to(smtp_server, email, 0)
    yield "the link's page", lambda: page.goto(server.url + path)

    def home():
        page.goto(server.url + path)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()

    yield "home", home
    for section, first in [
        ("about_you", "name"), ("about_you", "address"), ("household", "children_away"),
        ("consents", "dbs"), ("referees", "referee3"),
    ]:  # fmt: skip
        yield (
            f"{section}/{first}",
            lambda s=section, f=first: page.goto(f"{url}/application/{s}/{f}"),
        )

    def refused():
        page.goto(f"{url}/application/household/children_away")
        page.get_by_role("button", name="Save and continue").click()

    yield "a refused page", refused
    yield "check your answers", lambda: page.goto(f"{url}/application/about_you/check")
    yield "messages", lambda: page.goto(f"{url}/messages")
    yield "withdraw", lambda: page.goto(f"{url}/withdraw")


@pytest.mark.parametrize("width", [390, 1280])
def test_every_door_page_passes_axe(page, door_server, smtp_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    with door_server.app.app_context():
        email = CaseFactory(email=f"axe.{width}@example.com").email
    axe, found = Axe(), {}
    for name, action in door_pages(page, door_server, smtp_server, email):
        action()
        if problems := serious_violations(axe, page):
            found[name] = problems
    assert found == {}


def tab_to(page, name: str, presses: int = 60) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == name:
            return
    raise AssertionError(f"Tab never reached {name}")


def tab_to_text(page, text: str, presses: int = 60) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.innerText") == text:
            return
    raise AssertionError(f"Tab never reached {text}")


def test_signing_in_and_completing_a_section_with_the_keyboard(page, door_server, smtp_server):
    with door_server.app.app_context():
        email = CaseFactory(email="kim.keys.door@example.com").email
    page.goto(f"{door_server.url}{DOOR}/")
    tab_to(page, "email")
    page.keyboard.type(email)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    _, code = mail_to(smtp_server, email, 0)
    tab_to_text(page, "Type the code from the email instead")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Type the code")
    tab_to(page, "email")
    page.keyboard.type(email)
    tab_to(page, "code")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your fostering application")
    tab_to_text(page, "Previous fostering")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("fostered or applied")
    tab_to(page, "fostered_before")
    page.keyboard.press("Space")  # the first choice, Yes
    tab_to(page, "fostered_before_details")
    page.keyboard.type("Applied to another council in 2019")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    tab_to_text(page, "Mark this section as complete")
    page.keyboard.press("Enter")
    expect(status(page, "Previous fostering")).to_have_text("Completed")

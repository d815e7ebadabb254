"""In Chromium at phone width (issue 35, items 2 and 6): a member of the public asks
about fostering on the public form, and the acknowledgement with their reference
arrives at a real SMTP server on loopback (tests/mail_server.py); the link in a later
message stops them, on a phone, without signing in."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import Case
from tests.browser.axe_checks import serious_violations
from tests.browser.conftest import serving

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def mailing_server(tmp_path_factory, smtp_server):
    settings = {
        "MAIL_SERVER": smtp_server.host,
        "MAIL_PORT": smtp_server.port,
        "MAIL_USE_TLS": False,
        "MAIL_USERNAME": None,
        "COUNCIL_NAME": "Leicester City Council",
    }
    with serving(tmp_path_factory.mktemp("ack"), **settings) as server:
        yield server


def arrived(mailbox, to: str, wait: float = 10) -> list:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        found = [m for m in mailbox.messages if m["To"] == to]
        if found:
            return found
        time.sleep(0.1)
    return []


def test_an_enquiry_on_a_phone_is_acknowledged_through_the_real_smtp_server(
    page, mailing_server, smtp_server
):
    page.set_viewport_size(PHONE)
    page.goto(f"{mailing_server.url}/foster-with-us/")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Acknowledged")
    page.get_by_label("Email address").fill("nia@example.com")
    page.get_by_label("Postcode").fill("LE1 6ZG")
    page.get_by_label("How did you hear about fostering with us?").select_option(index=1)
    page.get_by_role("button", name="Send").click()

    expect(page).to_have_url(f"{mailing_server.url}/foster-with-us/thank-you")
    expect(page.get_by_text("we have emailed you your reference")).to_be_visible()
    assert serious_violations(Axe(), page) == []

    (mail,) = arrived(smtp_server, "nia@example.com")
    with mailing_server.app.app_context():
        reference = db.session.scalar(
            sa.select(Case.reference).where(Case.last_name == "Acknowledged")
        )
    assert reference in mail["Subject"]
    body = mail.get_content()
    assert f"Your reference is {reference}" in body
    assert "Leicester City Council" in body
    assert re.search(r"What happens next", body)


def test_the_stop_link_in_a_message_works_on_a_phone_without_signing_in(page, mailing_server):
    from datetime import date

    from crm.domain.outreach import MessageKind
    from crm.models import MessageOptOut
    from crm.outreach.services import queue

    with mailing_server.app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.last_name == "Acknowledged"))
        case_id = case.id
        message = queue(MessageKind.QUIET_SPELL, case, date(2026, 12, 7))
        path = re.search(r"/foster-with-us/stop-messages/\S+", message.body).group(0)
        db.session.commit()
    page.set_viewport_size(PHONE)
    page.goto(f"{mailing_server.url}{path}")
    assert serious_violations(Axe(), page) == []
    page.get_by_role("button", name="Stop these messages").click()
    expect(page.get_by_text("We will not send you any more automatic messages")).to_be_visible()
    with mailing_server.app.app_context():
        assert db.session.scalar(sa.select(MessageOptOut.case_id)) == case_id

"""In a real browser, a manager takes an application through the fostering panel: books
it onto a sitting's agenda, records who attended (quorate under reg 24(1)), the panel's
recommendation, the final minutes received and the agency decision; the case is then
approved."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from crm.domain.panel import PanelRole
from crm.domain.stages import EventKind as K
from crm.extensions import db
from crm.models import PanelMember, Role
from crm.timeutil import today
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory, advance


def test_an_application_goes_from_the_agenda_to_approval(page, live_server, user_with):
    email = user_with(Role.MANAGER)
    day = today()
    with live_server.app.app_context():
        case = CaseFactory(reference="PANEL-1", enquiry_date=day - timedelta(days=300))
        advance(
            case,
            (K.FIRST_CONTACT, day - timedelta(days=299)),
            (K.INITIAL_VISIT, day - timedelta(days=280)),
            (K.APPLICATION, day - timedelta(days=250)),
            (K.STAGE2_START, day - timedelta(days=220)),
        )
        for name, role in (
            ("Ann Chair", PanelRole.CHAIR),
            ("Sam Worker", PanelRole.SOCIAL_WORKER),
            ("Ira Independent", PanelRole.INDEPENDENT),
            ("Ivy Independent", PanelRole.INDEPENDENT),
            ("Olu Other", PanelRole.OTHER),
        ):
            db.session.add(PanelMember(name=name, role=role, joined_on=date(2024, 1, 8)))
        db.session.commit()
    sign_in(page, live_server, email)

    page.get_by_role("link", name="Panel", exact=True).click()
    page.get_by_label("Sitting date").fill((day - timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Add sitting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Panel of")

    page.get_by_label("Item").select_option("application")
    page.get_by_label("Case or household reference").fill("PANEL-1")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_role("status").first).to_contain_text("PANEL-1 is on the agenda")

    for name in ("Ann Chair", "Sam Worker", "Ira Independent", "Ivy Independent", "Olu Other"):
        page.get_by_label(name, exact=False).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status").first).to_contain_text("the panel is quorate")

    page.get_by_role("link", name="Record recommendation").click()
    page.get_by_label("The panel recommends").select_option("approve")
    page.get_by_label("The panel's reasons").fill("A warm, reflective couple with support.")
    page.get_by_label("Places").fill("2")
    page.get_by_label("Youngest age").fill("0")
    page.get_by_label("Oldest age").fill("10")
    page.get_by_label("Short-term / task-centred").check()
    page.get_by_role("button", name="Record recommendation").click()
    expect(page.get_by_role("status").first).to_contain_text("Recommendation recorded")

    page.get_by_label("Final minutes received by the decision maker").fill(
        (day - timedelta(days=2)).isoformat()
    )
    page.get_by_role("button", name="Record minutes received").click()
    expect(page.get_by_role("status").first).to_contain_text("Final minutes recorded")

    page.get_by_role("link", name="Record decision").click()
    expect(page.get_by_label("The decision", exact=True)).to_have_value("approve")
    page.get_by_label("Agency decision maker").fill("Jo Bloggs, Head of Service")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status").first).to_contain_text("Agency decision recorded")

    page.get_by_role("link", name="PANEL-1").click()
    expect(page.locator("main")).to_contain_text("Approved")
    expect(page.locator("main")).to_contain_text("Approve, on the terms given")

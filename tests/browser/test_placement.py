"""In a real browser, a supervising social worker places a 12-year-old in an emergency
with carers approved for children up to 10: refused first, with what was typed kept,
then accepted as an emergency placement under reg 23, its last day shown."""

from __future__ import annotations

from playwright.sync_api import expect

from crm.domain.placements import emergency_ends_on
from crm.extensions import db
from crm.formatting import uk_date
from crm.models import Role, User
from crm.timeutil import today
from tests.browser.conftest import sign_in
from tests.factories import HouseholdFactory, terms


def test_an_emergency_placement_outside_the_terms(page, live_server, user_with):
    email = user_with(Role.SUPERVISING_SOCIAL_WORKER)
    with live_server.app.app_context():
        worker = db.session.query(User).filter_by(email=email).one()
        household_id = HouseholdFactory(
            reference="HH-EMERGENCY",
            supervising_worker=worker,
            terms_history=terms(2, 0, 10, "short_term"),
        ).id
    sign_in(page, live_server, email)
    page.goto(f"{live_server.url}/households/{household_id}")

    form = page.get_by_role("form", name="Start a placement")
    form.get_by_label("Child's reference").fill("C-TWELVE")
    form.get_by_label("Age").fill("12")
    # the page's forms each have a date named "on": its label's id is another form's
    form.locator("input[name=on]").fill(today().isoformat())
    form.get_by_label("Kind of care").select_option("short_term")
    form.get_by_role("button", name="Start placement").click()

    form = page.get_by_role("form", name="Start a placement")
    expect(form.get_by_role("alert")).to_contain_text("Aged 12, where the terms allow ages 0-10")
    expect(form.get_by_role("alert")).to_contain_text("reg 23")
    expect(form.get_by_label("Child's reference")).to_have_value("C-TWELVE")
    expect(form.get_by_label("Age")).to_have_value("12")
    form.get_by_label("Emergency agreed by").fill("Jo Duty, out-of-hours manager")
    form.get_by_label("Agreed on").fill(today().isoformat())
    form.get_by_role("button", name="Start placement").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "Placement started: emergency placement outside the terms (reg 23)"
    )
    placed = page.locator("#placements + ul")
    expect(placed).to_contain_text("C-TWELVE (aged 12)")
    expect(placed).to_contain_text("Agreed by Jo Duty, out-of-hours manager")
    expect(placed).to_contain_text(f"until {uk_date(emergency_ends_on(today()))}")

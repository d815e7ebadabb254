"""In a real browser, a manager takes a connected person from the child's social worker's
referral through a positive viability assessment, temporary approval with the child
placed (Care Planning Regulations 2010, reg 24), an extension with the fostering panel
consulted and the IRO informed (reg 25(4)), and full approval; the household's page then
shows the child's placement going on from the day they moved in, not from the approval.

The DBS check of the connected person and the assessing worker's allocation (reg 24(2)'s
other checks, each with browser tests of its own) are written straight to the live
server's database, and so are the application and Stage 2 steps that lead to panel."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from crm.domain.stages import EventKind as K
from crm.extensions import db
from crm.formatting import uk_date
from crm.models import Case, Check, CheckKind, Household, Role, User
from crm.timeutil import today
from tests.browser.conftest import sign_in
from tests.factories import advance

DAY = today()
REFERRED = DAY - timedelta(days=150)
ASSESSED = DAY - timedelta(days=146)
APPROVED = DAY - timedelta(days=140)  # temporarily, and the child moved in that day
SOUGHT, INFORMED, DECIDED = (DAY - timedelta(days=n) for n in (35, 34, 30))
UNTIL = APPROVED + timedelta(weeks=24)  # 16 weeks and the 8 of the one extension


def record_step(page, button: str, on) -> None:
    page.get_by_role("link", name=button).click()
    page.get_by_label("Date it happened").fill(on.isoformat())


def checks_and_steps(server, email: str) -> None:
    """What the browser does not do here: the DBS received, a worker allocated (before
    the temporary approval), then the application and Stage 2."""
    with server.app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.last_name == "Pathway"))
        [member] = case.members
        case.checks.append(Check(kind=CheckKind.DBS, member=member, received_on=ASSESSED))
        case.assessing_worker = db.session.scalar(sa.select(User).where(User.email == email))
        db.session.commit()
        return case.id


def test_a_referral_to_full_approval_keeps_the_childs_placement(page, live_server, user_with):
    email = user_with(Role.MANAGER, Role.SUPERVISING_SOCIAL_WORKER)
    sign_in(page, live_server, email)

    page.goto(f"{live_server.url}/cases/referrals/new")
    page.get_by_label("Connected person's first name").fill("Gran")
    page.get_by_label("Last name").fill("Pathway")
    page.get_by_label("Relationship to the child").fill("grandmother")
    page.get_by_label("Phone", exact=True).fill("07700 900456")
    page.get_by_label("The child's reference").fill("CH-4242")
    page.get_by_label("The child's social worker who referred").fill("Sam Social")
    page.get_by_label("Urgency").select_option("immediate")
    page.get_by_label("Referred on").fill(REFERRED.isoformat())
    page.get_by_role("button", name="Save referral").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gran Pathway")
    case_url = page.url

    page.get_by_role("link", name="Record a viability assessment").click()
    page.get_by_label("Assessed on").fill(ASSESSED.isoformat())
    page.get_by_label("Outcome").select_option("positive")
    page.get_by_label("Where a positive assessment leads").select_option("temporary_approval")
    page.get_by_label("The proposed accommodation seen on").fill(ASSESSED.isoformat())
    page.get_by_label("The arrangements will safeguard").check()
    page.get_by_role("button", name="Record viability assessment").click()
    expect(page.locator("#viability")).to_contain_text("positive")

    case_id = checks_and_steps(live_server, email)
    page.goto(case_url)
    page.get_by_role("link", name="Record a temporary approval for a named child").click()
    page.get_by_label("The named child's reference").fill("CH-4242")
    page.get_by_label("Temporarily approved on").fill(APPROVED.isoformat())
    page.get_by_label("The child moved in on (if they have)").fill(APPROVED.isoformat())
    page.get_by_label("most appropriate placement", exact=False).check()
    page.get_by_label("necessary to place the child", exact=False).check()
    page.get_by_role("button", name="Record temporary approval").click()
    expect(page.get_by_role("status").first).to_contain_text("Temporary approval recorded")

    page.get_by_role("link", name="Extend (once, up to 8 weeks)").click()
    page.get_by_label("Lapses on").fill(UNTIL.isoformat())
    page.get_by_label("Nominated officer who approved it").fill("Nia Nominated")
    page.get_by_label("Decided on").fill(DECIDED.isoformat())
    page.get_by_role("button", name="Record extension").click()  # no panel, no IRO yet
    expect(page.locator("#panel_views_sought_on-error")).to_contain_text("reg 25(4)(b)")
    page.get_by_label("The fostering panel's views sought on").fill(SOUGHT.isoformat())
    page.get_by_label("The child's IRO informed on").fill(INFORMED.isoformat())
    page.get_by_role("button", name="Record extension").click()
    expect(page.locator("#temporary-expires")).to_contain_text(uk_date(UNTIL))
    expect(page.locator("#temporary-expires")).to_contain_text(
        f"the IRO informed {uk_date(INFORMED)}"
    )

    with live_server.app.app_context():
        case = db.session.get(Case, case_id)
        advance(case, (K.APPLICATION, APPROVED), (K.STAGE2_START, APPROVED + timedelta(days=7)),
                (K.PANEL, DAY - timedelta(days=3)))  # fmt: skip
        db.session.commit()
    page.goto(case_url)
    record_step(page, "Approved (agency decision)", DAY - timedelta(days=1))
    page.get_by_label("Short-term").check()
    page.get_by_role("button", name="Record").click()

    expect(page.get_by_role("status").first).to_contain_text("recorded")
    with live_server.app.app_context():
        household_id = db.session.scalar(
            sa.select(Household.id).where(Household.case_id == case_id)
        )
    page.goto(f"{live_server.url}/households/{household_id}")
    placements = page.get_by_test_id("placements")
    expect(placements).to_contain_text(f"CH-4242: {uk_date(APPROVED)} – now")

"""In a real browser, a manager finds carers for three brothers and sisters aged 4, 7
and 9 near LE2, sees the household whose terms take all three first and, on the next,
the legal bar before anything else; the kinship household is not offered. They offer
the children to the household that fits best and see the offer on its timeline."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from crm.extensions import db
from crm.models import ApprovalTerms, CarerType, PostcodeDistrict, Role
from tests.browser.conftest import sign_in
from tests.factories import HouseholdFactory


def test_a_manager_finds_carers_for_a_sibling_group_and_sees_the_legal_bars_first(
    page, live_server, user_with
):
    email = user_with(Role.MANAGER)
    with live_server.app.app_context():
        db.session.add_all(
            [
                PostcodeDistrict(district="LE2", latitude=52.6093, longitude=-1.1192),
                PostcodeDistrict(district="LE3", latitude=52.6297, longitude=-1.1794),
            ]
        )
        for reference, high, postcode, carer_type in [
            ("HH-ALL-THREE", 12, "LE3 1AA", CarerType.MAINSTREAM),
            ("HH-UNDER-SIX", 5, "LE2 1AA", CarerType.MAINSTREAM),
            ("HH-KIN", 17, "LE2 2BB", CarerType.KINSHIP),
        ]:
            HouseholdFactory(
                reference=reference,
                postcode=postcode,
                carer_type=carer_type,
                terms_history=[
                    ApprovalTerms(
                        effective_from=date(2023, 6, 1),
                        places=3,
                        min_age=0,
                        max_age=high,
                        categories=["sibling_group", "long_term"],
                    )
                ],
            )
    sign_in(page, live_server, email)
    page.get_by_role("link", name="Find a carer").click()
    page.get_by_label("Age", exact=True).fill("4")
    page.get_by_label("Age of child 2").fill("7")
    page.get_by_label("Age of child 3").fill("9")
    page.get_by_label("Near home (postcode district)").fill("LE2")
    page.get_by_role("button", name="Find carers").click()

    best, barred = page.locator(".match").nth(0), page.locator(".match").nth(1)
    expect(best).to_contain_text("HH-ALL-THREE")
    expect(best.locator(".standing")).to_have_text("Nothing stands against it: ordered by distance")
    expect(best).to_contain_text("takes all 3 brothers and sisters together")
    expect(best).to_contain_text("near the child's home: LE3, about 5 km")
    expect(barred).to_contain_text("HH-UNDER-SIX")
    expect(barred.locator(".standing")).to_contain_text("A legal bar")
    expect(barred.locator("li").first).to_contain_text(
        "Legal bar: approved for ages 0–5: the children aged 7 and 9 are outside them"
    )
    expect(page.get_by_role("table").first).to_contain_text("HH-KIN")
    expect(page.get_by_role("table").first).to_contain_text("not offered for an unrelated child")

    best.get_by_role("link", name="Record an offer").click()
    expect(
        page.get_by_text("A child aged 4, placed with 2 brothers or sisters (aged 7, 9)")
    ).to_be_visible()
    page.get_by_label("Child's reference in the children's system").fill("CS-4417")
    page.get_by_role("button", name="Record the offer").click()

    expect(page.get_by_role("status").first).to_contain_text("Offer to")
    expect(page.locator("#timeline + ol")).to_contain_text("Child offered")
    expect(page.locator("#timeline + ol")).to_contain_text(
        "A child aged 4, with 2 brothers or sisters"
    )

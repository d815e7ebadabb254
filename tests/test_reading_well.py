"""Small things that erode trust (issue 32, item 12): numbers a phone can dial, addresses
without stray dashes, dates the UK way, a thank-you page that says whom to call, and a
risk score's reasons dated so a worker does not read yesterday's record as today's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crm.extensions import db
from crm.formatting import address_line, phone_href
from crm.models import CarerEvent, CarerEventKind, RiskModel, RiskScore
from crm.timeutil import today
from jobs.retention.reasons import REASONS
from tests.factories import CaseFactory, HouseholdFactory


@pytest.mark.parametrize(
    "typed, dialled",
    [
        ("0116 496 0123", "tel:+441164960123"),
        ("07700 900123", "tel:+447700900123"),
        ("+44 (0)116 496 0123", "tel:+4401164960123"),
        ("0044 116 496 0123", "tel:+441164960123"),
    ],
)
def test_a_uk_number_dials_with_the_country_code(typed, dialled):
    assert phone_href(typed) == dialled


def test_free_text_with_no_number_in_it_is_not_a_link():
    assert phone_href("ring after 6") is None


def test_a_case_page_number_can_be_tapped(officer_client):
    case = CaseFactory(phone="0116 496 0123")
    page = officer_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert '<a href="tel:+441164960123">0116 496 0123</a>' in page


def test_a_postcode_without_an_address_reads_as_the_postcode_alone(officer_client):
    case = CaseFactory(address=None, postcode="LE2 3AB")
    page = officer_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "—, LE2 3AB" not in page and "LE2 3AB" in page


def test_an_address_with_nothing_recorded_reads_as_a_dash():
    assert address_line(None, "  ") == "—"
    assert address_line("1 High Street", "LE2 3AB") == "1 High Street, LE2 3AB"


def test_the_thank_you_page_gives_the_fostering_teams_number(app, client):
    app.config["FOSTERING_TEAM_PHONE"] = "0116 496 0000"
    try:
        page = client.get("/foster-with-us/thank-you").get_data(as_text=True)
    finally:
        app.config["FOSTERING_TEAM_PHONE"] = None
    assert 'call the fostering team on <a href="tel:+441164960000">0116 496 0000</a>' in page


def test_without_a_number_the_thank_you_page_does_not_ask_people_to_call(client):
    response = client.get("/foster-with-us/thank-you")
    assert response.status_code == 200
    said = response.get_data(as_text=True)
    said = said[said.index("We have your details") : said.index("</main>")]
    assert "call" not in said.lower() and "within two working days" in said


def test_the_compliance_tables_are_dated_the_uk_way(manager_client):
    page = manager_client.get("/dashboard/compliance?as_of=2026-12-07").get_data(as_text=True)
    assert "Compliance on 7 Dec 2026" in page and "07/12/2026" not in page


def _score(household, days_ago: int) -> None:
    model = RiskModel(version="reading", trained_on=today(), summary={}, payload=b"")
    db.session.add(model)
    db.session.add(
        RiskScore(
            household=household,
            model=model,
            as_of=today() - timedelta(days=days_ago),
            risk=0.4,
            band="high",
            reasons=[{"text": "only 5 supervision visits in the last 12 months", "action": "x"}],
        )
    )
    db.session.commit()


def test_visits_recorded_after_the_score_are_shown_beside_its_reasons(ssw_client, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    _score(household, days_ago=3)
    for days_ago in (1, 0):
        household.events.append(
            CarerEvent(
                kind=CarerEventKind.SUPERVISION_VISIT,
                occurred_on=today() - timedelta(days=days_ago),
            )
        )
    db.session.commit()
    page = ssw_client.get(f"/households/{household.id}").get_data(as_text=True)
    assert "Why, as the record stood on" in page
    assert "2 × supervision visit" in page


def test_no_visits_reads_as_none_not_only_none():
    assert REASONS["visits_12m"].words(0.0) == "no supervision visit in the last 12 months"
    assert REASONS["visits_12m"].words(5.0) == "only 5 supervision visits in the last 12 months"


def test_the_public_form_says_what_each_field_is_for(client):
    """WCAG 2.2 1.3.5: a browser can fill in the enquirer's own details."""
    page = client.get("/foster-with-us/").get_data(as_text=True)
    for purpose in ("given-name", "family-name", "email", "tel", "postal-code"):
        assert f'autocomplete="{purpose}"' in page


def test_staff_forms_do_not_offer_the_officers_own_details(officer_client):
    page = officer_client.get("/cases/new").get_data(as_text=True)
    assert 'autocomplete="tel"' not in page and 'autocomplete="given-name"' not in page

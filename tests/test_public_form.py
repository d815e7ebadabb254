"""The public 'register your interest' form: no login, spam-resistant, only creates."""

from __future__ import annotations

import sqlalchemy as sa

from crm import create_app
from crm.domain.stages import Stage
from crm.enquiry_sources import ensure_default_sources
from crm.extensions import db as _db
from crm.models import AuditAction, AuditEvent, Case
from tests.samples import PUBLIC_ENQUIRY as GOOD


def test_anyone_can_open_the_form(client):
    page = client.get("/foster-with-us/")
    assert page.status_code == 200
    assert b"Register your interest in fostering" in page.data


def test_a_campaign_link_is_carried_into_the_form(client):
    page = client.get("/foster-with-us/?campaign=Spring+radio").get_data(as_text=True)
    assert 'value="Spring radio"' in page


def test_a_sent_form_becomes_an_unassigned_enquiry_with_its_source(client, db):
    response = client.post("/foster-with-us/", data=GOOD)
    assert response.headers["Location"] == "/foster-with-us/thank-you"
    case = db.session.scalar(sa.select(Case))
    assert (case.stage, case.owner_id, case.source, case.campaign) == (
        Stage.ENQUIRY,
        None,
        "social_media",
        "Facebook autumn",
    )
    assert case.message == "We have a spare room"


def test_the_new_enquiry_appears_in_the_officers_unassigned_queue(client, officer_client, db):
    client.post("/foster-with-us/", data=GOOD)
    page = officer_client.get("/cases/?owner=none").data
    assert b"Priya Shah" in page


def test_the_creation_is_attributed_to_the_public_form(client, db):
    client.post("/foster-with-us/", data=GOOD)
    created = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == AuditAction.CREATED, AuditEvent.entity_type == "Case"
        )
    )
    assert (created.actor, created.user_id) == ("public form", None)


def test_the_confirmation_page_says_what_happens_next(client):
    page = client.get("/foster-with-us/thank-you").data
    assert b"usually within two working days" in page


def test_a_filled_honeypot_is_thanked_but_nothing_is_saved(client, db):
    response = client.post("/foster-with-us/", data=dict(GOOD, website="http://spam.example"))
    assert response.headers["Location"] == "/foster-with-us/thank-you"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_bad_input_is_explained_field_by_field_and_kept(client, db):
    page = client.post(
        "/foster-with-us/", data=dict(GOOD, email="not-an-email", postcode="XYZ", source="")
    ).get_data(as_text=True)
    assert "Invalid email address." in page
    assert "Enter a UK postcode" in page
    assert "Tell us how you heard about us." in page
    assert 'value="Priya"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_an_overlong_message_is_refused_not_truncated(client, db):
    page = client.post("/foster-with-us/", data=dict(GOOD, message="x" * 2001)).data
    assert b"Field cannot be longer than 2000 characters." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_the_form_is_rate_limited_per_address():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": True})
    with app.app_context():
        _db.create_all()
        ensure_default_sources()
        client = app.test_client()
        statuses = [
            client.post("/foster-with-us/", data=dict(GOOD, email=f"p{i}@example.com")).status_code
            for i in range(6)
        ]
        assert statuses == [302] * 5 + [429]
        page = client.post("/foster-with-us/", data=dict(GOOD, email="late@example.com"))
        assert "the limit is 5 an hour" in page.get_data(as_text=True)
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 5
        _db.session.remove()
        _db.drop_all()


def test_a_phone_number_alone_is_enough(client, db):
    response = client.post("/foster-with-us/", data=dict(GOOD, email=""))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Case.phone).where(Case.last_name == "Shah"))


def test_an_email_or_a_phone_is_needed(client, db):
    page = client.post("/foster-with-us/", data=dict(GOOD, email="", phone="")).data
    assert b"Give an email address or a phone number." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_the_public_is_not_offered_the_web_form_itself_as_how_they_heard(client):
    page = client.get("/foster-with-us/").get_data(as_text=True)
    assert "Council website form" not in page and "Phone call" not in page
    assert "Social media" in page


def test_the_councils_name_and_privacy_notice_are_on_the_form(app, client):
    app.config.update(COUNCIL_NAME="Exampleshire", COUNCIL_PRIVACY_NOTICE_URL="https://e.gov.uk/p")
    try:
        page = client.get("/foster-with-us/").get_data(as_text=True)
    finally:
        app.config.update(COUNCIL_NAME=None, COUNCIL_PRIVACY_NOTICE_URL=None)
    assert "Exampleshire fostering" in page and "· Exampleshire</title>" in page
    assert '<a href="https://e.gov.uk/p">privacy notice</a>' in page


def test_the_councils_logo_is_served_from_the_app(app, client, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    app.config["COUNCIL_LOGO"] = str(logo)
    try:
        response = client.get("/foster-with-us/logo")
        assert response.data.startswith(b"\x89PNG")
        response.close()
        assert 'src="/foster-with-us/logo"' in client.get("/foster-with-us/").get_data(as_text=True)
    finally:
        app.config["COUNCIL_LOGO"] = None
    assert client.get("/foster-with-us/logo").status_code == 404

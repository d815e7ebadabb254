"""An enquiry's name and contact details can be corrected (audited, version-checked), and
phones and postcodes are written one way, so matching and search work however typed."""

from __future__ import annotations

import random
from datetime import date

import phonenumbers
import pytest
import sqlalchemy as sa

from crm.domain.contact import normalise_postcode, phone_key
from crm.models import AuditAction, AuditEvent, Case
from tests.factories import CaseFactory
from tests.samples import OFFICER_ENQUIRY as ENQUIRY

CONTACT = {
    "first_name": "Siobhán",
    "last_name": "O'Brien",
    "email": "siobhan@example.com",
    "phone": "+44 (0)7700 900 456",
    "address": "1 High St",
    "postcode": "le27ab",
}


def opened_version(client, case) -> str:
    page = client.get(f"/cases/{case.id}/contact").get_data(as_text=True)
    return page.split('name="version" type="hidden" value="')[1].split('"')[0]


def test_an_officer_corrects_the_contact_details(officer_client, db):
    case = CaseFactory(first_name="Siobhan", email="old@example.com")
    version = opened_version(officer_client, case)
    response = officer_client.post(f"/cases/{case.id}/contact", data=dict(CONTACT, version=version))
    assert response.headers["Location"] == f"/cases/{case.id}"
    db.session.expire_all()
    saved = db.session.get(Case, case.id)
    assert (saved.first_name, saved.email, saved.postcode) == (
        "Siobhán",
        "siobhan@example.com",
        "LE2 7AB",
    )
    assert saved.phone_key == "+447700900456"


def test_the_correction_is_audited_with_before_and_after(officer_client, db):
    case = CaseFactory(email="old@example.com")
    officer_client.post(
        f"/cases/{case.id}/contact",
        data=dict(CONTACT, version=opened_version(officer_client, case)),
    )
    changes = db.session.scalars(
        sa.select(AuditEvent.changes).where(
            AuditEvent.action == AuditAction.CHANGED, AuditEvent.entity_id == str(case.id)
        )
    ).all()
    assert any(c.get("email") == ["old@example.com", "siobhan@example.com"] for c in changes)


def test_a_save_over_someone_elses_change_is_refused_keeping_what_was_typed(officer_client, db):
    case = CaseFactory(email="old@example.com")
    version = opened_version(officer_client, case)
    case.set_contact("someone.else@example.com", None)
    db.session.commit()
    response = officer_client.post(f"/cases/{case.id}/contact", data=dict(CONTACT, version=version))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "the email address" in page and "siobhan@example.com" in page


def test_a_contact_needs_an_email_or_a_phone(officer_client, db):
    case = CaseFactory()
    data = dict(CONTACT, email="", phone="", version=opened_version(officer_client, case))
    response = officer_client.post(f"/cases/{case.id}/contact", data=data)
    assert b"Give an email address or a phone number." in response.data


@pytest.mark.parametrize(
    "typed",
    [
        "07700 900456",
        "+44 (0)7700 900 456",
        "0044 7700 900456",
        "+447700900456",
        "07700-900-456",
        "(07700) 900456",
    ],
)
def test_every_way_of_typing_a_uk_mobile_has_one_key(typed):
    assert phone_key(typed) == "+447700900456"


@pytest.mark.parametrize("prefix", [f"0{n:02d}" for n in range(10, 100)])
def test_a_number_written_the_uk_way_keys_as_the_phone_library_would(prefix):
    """The quick path for "0" and ten digits gives phonenumbers' answer whatever the area
    code (codes no area uses too; "00" is an international prefix), spaced or packed."""
    rng = random.Random(prefix)
    for _ in range(20):
        number = prefix + "".join(rng.choice("0123456789") for _ in range(8))
        library = phonenumbers.format_number(
            phonenumbers.parse(number, "GB"), phonenumbers.PhoneNumberFormat.E164
        )
        for typed in (number, f"{number[:5]} {number[5:]}", f"{number[:4]}-{number[4:]}"):
            assert phone_key(typed) == library


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("le27ab", "LE2 7AB"),
        ("LE2  7AB", "LE2 7AB"),
        ("ec1a1bb", "EC1A 1BB"),
        ("", None),
        ("abroad 123", "ABROAD 123"),
    ],
)
def test_postcodes_are_written_with_their_space(typed, kept):
    assert normalise_postcode(typed) == kept


def test_a_duplicate_is_found_whichever_way_the_phone_was_typed(officer_client, db):
    CaseFactory(phone="+44 (0)7700 900 555", email=None, enquiry_date=date(2025, 5, 1))
    db.session.execute(sa.update(Case).values(phone_key=phone_key("+44 (0)7700 900 555")))
    db.session.commit()
    officer_client.post("/cases/new", data=dict(ENQUIRY, email="new@example.com"))
    newest = db.session.scalar(sa.select(Case).order_by(Case.id.desc()))
    assert newest.possible_duplicate_of_id is not None


@pytest.mark.parametrize("needle", ["07700 900456", "7700900456", "900 456", "+44 7700 900456"])
def test_search_finds_a_phone_however_it_is_typed(officer_client, db, needle):
    case = CaseFactory(reference="PHONE-1")
    case.set_contact(None, "+44 (0)7700 900 456")
    db.session.commit()
    page = officer_client.get("/cases/", query_string={"q": needle}).get_data(as_text=True)
    assert "PHONE-1" in page


def test_search_finds_a_postcode_with_or_without_its_space(officer_client, db):
    CaseFactory(reference="POST-1", postcode="LE2 7AB")
    for needle in ("le27ab", "LE2 7AB", "le2 7ab"):
        page = officer_client.get("/cases/", query_string={"q": needle}).get_data(as_text=True)
        assert "POST-1" in page, needle


@pytest.mark.parametrize("needle", ["siobhan", "obrien", "O'Brien", "siobhan o'brien", "SIOBHÁN"])
def test_search_ignores_accents_and_apostrophes(officer_client, db, needle):
    CaseFactory(reference="NAME-1", first_name="Siobhán", last_name="O'Brien")
    page = officer_client.get("/cases/", query_string={"q": needle}).get_data(as_text=True)
    assert "NAME-1" in page


def test_a_corrected_name_is_found_by_its_new_spelling(officer_client, db):
    case = CaseFactory(reference="NAME-2", first_name="Zoe", last_name="Smith")
    case.first_name = "Zoë"
    db.session.commit()
    page = officer_client.get("/cases/", query_string={"q": "zoe smith"}).get_data(as_text=True)
    assert "NAME-2" in page
    assert db.session.get(Case, case.id).search_name == "zoe smith"

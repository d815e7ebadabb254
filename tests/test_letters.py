"""Decision and determination letters (issue 34, item 10): the council's wording with
placeholders, refused at save when a placeholder is unknown; a letter drafted for a
case or a household as a printable page; saved as an HTML document on the record."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from crm.domain.documents import DocumentKind
from crm.domain.letters import DEFAULT_WORDING, LetterKind, WordingRefused, fill
from crm.models import Letterhead, LetterTemplate, RecordDocument, Role
from crm.storage import document_storage
from tests.conftest import login
from tests.factories import CaseFactory, HouseholdFactory

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_fill_puts_each_value_in_its_place():
    assert (
        fill(
            "Dear {carer_names}, on {decision_date}.",
            {"carer_names": "Ann and Bo Lee", "decision_date": "3 Dec 2026"},
        )
        == "Dear Ann and Bo Lee, on 3 Dec 2026."
    )


def test_a_placeholder_left_empty_says_what_belongs_there():
    assert fill("Terms: {terms}", {}) == "Terms: [the terms of approval]"


@pytest.mark.parametrize("wording", ["Dear {carer_names", "Dear {0}", "{carer_names!r}"])
def test_wording_that_cannot_be_filled_is_refused(wording):
    with pytest.raises(WordingRefused):
        fill(wording, {})


def test_every_default_wording_uses_only_known_placeholders():
    for kind in LetterKind:
        fill(DEFAULT_WORDING[kind], {})


def test_an_unknown_placeholder_is_refused_at_save_keeping_what_was_typed(db, client, manager):
    login(client, manager)
    typed = "Dear {carer_names},\n\nYour worker is {worker_name}."
    response = client.post("/documents/letters/wording/approval", data={"wording": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hearth does not know {worker_name}" in page
    assert "{carer_names}" in page.split("can fill are:")[1]
    assert "Your worker is {worker_name}." in page
    assert db.session.scalar(sa.select(sa.func.count(LetterTemplate.id))) == 0


def test_the_councils_wording_is_saved_and_used(db, client, manager):
    login(client, manager)
    wording = "Dear {carer_names}, you are approved ({reference})."
    response = client.post("/documents/letters/wording/approval", data={"wording": wording})
    assert response.status_code == 302
    case = CaseFactory(first_name="Ann", last_name="Lee")
    page = client.get(f"/documents/letters/cases/{case.id}/approval").get_data(as_text=True)
    assert f"Dear Ann Lee, you are approved ({case.reference})." in page


def test_the_logo_is_checked_by_its_content(db, client, admin):
    login(client, admin)
    refused = client.post(
        "/documents/letters/letterhead",
        data={
            "council_name": "Shire Council",
            "address": "",
            "logo": (io.BytesIO(b"%PDF-1.4\n"), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert "is not a PNG or JPEG image" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Letterhead.id))) == 0
    kept = client.post(
        "/documents/letters/letterhead",
        data={
            "council_name": "Shire Council",
            "address": "1 High St\nShire",
            "logo": (io.BytesIO(PNG), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert kept.status_code == 302
    head = db.session.scalar(sa.select(Letterhead))
    assert head.logo_type == "image/png"
    assert document_storage().get(head.logo_key) == PNG


def test_a_refusal_letter_is_drafted_printable_and_kept_as_a_document(db, client, officer):
    case = CaseFactory(first_name="Ann", last_name="Lee", owner=officer)
    db.session.add(Letterhead(council_name="Shire Council", address="1 High St"))
    db.session.commit()
    login(client, officer)
    url = f"/documents/letters/cases/{case.id}/refusal"
    form = {"decision_date": "2026-12-03", "terms": "", "reasons": "Space in the home."}
    draft = client.post(url, data={**form, "preview": "Show the letter"})
    page = draft.get_data(as_text=True)
    assert "Dear Ann Lee" in page and "On 3 Dec 2026 the agency decision maker" in page
    assert "Space in the home." in page and "Shire Council" in page
    assert db.session.scalar(sa.select(sa.func.count(RecordDocument.id))) == 0
    saved = client.post(url, data={**form, "submit": "Save the letter to the record"})
    assert saved.status_code == 302
    document = db.session.scalar(sa.select(RecordDocument))
    assert document.case_id == case.id and document.kind is DocumentKind.DECISION_LETTER
    assert document.content_type == "text/html"
    opened = client.get(f"/documents/{document.token}")
    assert opened.headers["Content-Disposition"].startswith("attachment;")
    assert b"Space in the home." in opened.data and b"<!doctype html>" in opened.data


def test_a_termination_letter_is_for_the_households_worker(db, client, ssw, make_user):
    household = HouseholdFactory(supervising_worker=ssw)
    login(client, ssw)
    page = client.get(f"/documents/letters/households/{household.id}/termination")
    assert "Pat Example" in page.get_data(as_text=True)
    login(client, make_user(Role.SUPERVISING_SOCIAL_WORKER))
    assert (
        client.get(f"/documents/letters/households/{household.id}/termination").status_code == 403
    )


def test_a_case_letter_kind_is_not_sent_to_a_household(db, client, manager):
    household = HouseholdFactory()
    login(client, manager)
    assert client.get(f"/documents/letters/households/{household.id}/approval").status_code == 404


def test_an_approval_letter_offers_the_households_terms(db, client, manager):
    case = CaseFactory()
    HouseholdFactory(case=case, approval_date=date(2023, 6, 1))
    login(client, manager)
    page = client.get(f"/documents/letters/cases/{case.id}/approval").get_data(as_text=True)
    assert "up to 2 children aged 0 to 17" in page

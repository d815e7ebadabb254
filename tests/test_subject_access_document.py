"""The subject access answer a person is sent: headed sections in plain words, UK dates,
labels not codes, no system bookkeeping, third parties withheld, and audited."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from crm.models import AuditAction, AuditEvent, Placement
from tests.factories import CaseFactory, HouseholdFactory


def document(client, kind: str, record_id: int) -> str:
    response = client.get(f"/privacy/{kind}/{record_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_it_reads_as_a_letter_with_headed_sections(admin_client, db):
    case = CaseFactory(reference="DOC-1", first_name="Priya", last_name="Shah")
    page = document(admin_client, "case", case.id)
    assert "Information held about Priya Shah" in page
    assert "Your enquiry and application" in page
    assert "Steps in your enquiry and application" in page
    assert "Who has looked at or changed your record" in page


def test_it_shows_dates_the_uk_way_and_labels_not_codes(admin_client, db):
    case = CaseFactory(reference="DOC-2", enquiry_date=date(2025, 3, 4), source="social_media")
    page = document(admin_client, "case", case.id)
    assert "4 Mar 2025" in page and "2025-03-04" not in page
    assert "social_media" not in page


def test_it_leaves_out_the_systems_bookkeeping(admin_client, db):
    case = CaseFactory(reference="DOC-3", phone="07700 900456")
    page = document(admin_client, "case", case.id)
    for internal in (
        "phone_key",
        "Phone key",
        "Search name",
        "Version",
        "Owner id",
        "+447700900456",
    ):
        assert internal not in page
    assert "07700 900456" in page


def test_it_names_the_officer_rather_than_giving_an_id(admin_client, admin, db):
    case = CaseFactory(reference="DOC-4", owner=admin)
    page = document(admin_client, "case", case.id)
    officer = page.split(">Recruitment officer</dt>")[1].split("</dd>")[0]
    assert officer.endswith(f">{admin.full_name}")


def test_a_carers_document_withholds_the_childrens_references(admin_client, db):
    household = HouseholdFactory(reference="HDOC")
    household.placements.append(Placement(child_reference="CHILD-42", start_date=date(2024, 1, 1)))
    db.session.commit()
    page = document(admin_client, "household", household.id)
    assert "CHILD-42" not in page
    assert "Children placed with you" in page and "Withheld" in page


def test_opening_the_document_is_audited(admin_client, db):
    case = CaseFactory(reference="DOC-5")
    document(admin_client, "case", case.id)
    entry = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == AuditAction.EXPORTED, AuditEvent.entity_id == str(case.id)
        )
    )
    assert entry.summary == "subject access document"


def test_only_administrators_open_it(manager_client, db):
    case = CaseFactory(reference="DOC-6")
    assert manager_client.get(f"/privacy/case/{case.id}").status_code == 403


def test_an_unknown_kind_of_record_is_not_found(admin_client):
    assert admin_client.get("/privacy/user/1").status_code == 404

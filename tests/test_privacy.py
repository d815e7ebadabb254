"""UK GDPR: subject access export, erasure on request, and the retention policy."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import sqlalchemy as sa

from crm.cases.services import approve_case
from crm.domain.settings import Settings
from crm.domain.stages import EventKind as K
from crm.models import AuditAction, AuditEvent, Case, Flag, FlagKind, Placement
from crm.privacy.services import apply_retention
from jobs.flags import flag_work
from tests.factories import CaseFactory, HouseholdFactory, advance

LATER = date(2030, 1, 1)


def withdrawn_enquiry(ref: str, enquired: date) -> Case:
    return advance(
        CaseFactory(reference=ref, enquiry_date=enquired, first_name="Sam", last_name="Jones"),
        (K.WITHDRAWN_BY_APPLICANT, enquired, "AW3"),
        today=LATER,
    )


def test_subject_access_gives_everything_held_as_json(admin_client, db):
    case = CaseFactory(reference="SAR-1", first_name="Priya", email="priya@example.org")
    response = admin_client.get(f"/privacy/case/{case.id}.json")
    bundle = json.loads(response.data)
    assert bundle["case"]["email"] == "priya@example.org"
    assert bundle["household_members"][0]["full_name"].startswith("Priya")
    assert bundle["stage_events"][0]["kind"] == "enquiry"
    assert "attachment" in response.headers["Content-Disposition"]


def test_subject_access_as_csv_has_a_row_per_field(admin_client, db):
    case = CaseFactory(reference="SAR-2", email="a@example.org")
    text = admin_client.get(f"/privacy/case/{case.id}.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["section", "item", "field", "value"]
    assert ["case", "1", "email", "a@example.org"] in rows


def test_a_carers_export_withholds_the_childrens_references(admin_client, db):
    household = HouseholdFactory(reference="HSAR")
    household.placements.append(Placement(child_reference="CHILD-42", start_date=date(2024, 1, 1)))
    db.session.commit()
    text = admin_client.get(f"/privacy/household/{household.id}.json").get_data(as_text=True)
    assert "CHILD-42" not in text
    assert "withheld: third party" in text


def test_a_carers_export_withholds_a_placed_childs_date_of_birth(admin_client, db):
    household = HouseholdFactory(reference="HSAR-B")
    household.placements.append(
        Placement(
            child_reference="CHILD-43",
            start_date=date(2024, 1, 1),
            child_birth_date=date(2017, 8, 19),
        )
    )
    db.session.commit()
    for fmt in ("json", "csv"):
        text = admin_client.get(f"/privacy/household/{household.id}.{fmt}").get_data(as_text=True)
        assert "2017-08-19" not in text and "19 Aug 2017" not in text


def test_every_subject_access_export_is_audited(admin_client, db):
    case = CaseFactory(reference="SAR-3")
    admin_client.get(f"/privacy/case/{case.id}.json")
    entry = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == AuditAction.EXPORTED, AuditEvent.entity_id == str(case.id)
        )
    )
    assert entry.summary == "subject access export"


def test_exports_hold_no_password_hashes_or_tokens(admin_client, admin, db):
    case = CaseFactory(reference="SAR-4", owner=admin)
    text = admin_client.get(f"/privacy/case/{case.id}.json").get_data(as_text=True)
    assert admin.password_hash not in text and admin.session_token not in text


def test_only_administrators_handle_data_protection_requests(manager_client, db):
    case = CaseFactory(reference="SAR-5")
    assert manager_client.get(f"/privacy/case/{case.id}.json").status_code == 403


def test_erasure_deletes_the_case_and_records_the_request(admin_client, db):
    case = CaseFactory(reference="ERASE-1", email="gone@example.org")
    case_id = case.id
    response = admin_client.post(
        f"/privacy/case/{case_id}/erase",
        data={"reason": "Emailed request 1 Nov, identity checked", "confirm": "y"},
        follow_redirects=True,
    )
    assert b"The case was erased" in response.data
    db.session.expire_all()
    assert db.session.get(Case, case_id) is None
    entries = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.entity_type == "Case", AuditEvent.entity_id == str(case_id)
        )
    ).all()
    assert any(
        e.action == AuditAction.DELETED and "erased on request" in e.summary for e in entries
    )
    assert "gone@example.org" not in json.dumps([e.changes for e in entries], default=str)


def test_erasure_needs_a_reason_and_confirmation(admin_client, db):
    case = CaseFactory(reference="ERASE-2")
    response = admin_client.post(
        f"/privacy/case/{case.id}/erase", data={"reason": ""}, follow_redirects=True
    )
    assert b"Not erased" in response.data
    assert db.session.get(Case, case.id) is not None


def test_an_approved_carers_records_cannot_be_erased(admin_client, db):
    case = advance(
        CaseFactory(reference="ERASE-3", enquiry_date=date(2024, 1, 1)),
        (K.FIRST_CONTACT, date(2024, 1, 2)),
        (K.INITIAL_VISIT, date(2024, 1, 10)),
        (K.APPLICATION, date(2024, 2, 1)),
        (K.STAGE2_START, date(2024, 3, 1)),
        (K.PANEL, date(2024, 8, 1)),
        today=LATER,
    )
    approve_case(case, date(2024, 8, 10), None, places=1, as_of=LATER)
    db.session.commit()
    response = admin_client.post(
        f"/privacy/case/{case.id}/erase",
        data={"reason": "asked", "confirm": "y"},
        follow_redirects=True,
    )
    assert b"must be kept" in response.data
    assert db.session.get(Case, case.id) is not None


def test_old_enquiries_that_never_applied_are_anonymised(db):
    old = withdrawn_enquiry("OLD-1", date(2022, 1, 10))
    recent = withdrawn_enquiry("NEW-1", date(2025, 6, 1))
    counts = apply_retention(date(2026, 1, 1), Settings())
    db.session.commit()
    assert counts["anonymised"] == 1
    assert (old.first_name, old.email, old.phone) == ("Anonymised", None, None)
    assert old.enquiry_date == date(2022, 1, 10) and old.source  # statistics survive
    assert recent.first_name == "Sam"


def test_anonymising_removes_the_old_values_from_the_audit_trail(db):
    old = withdrawn_enquiry("OLD-2", date(2022, 1, 10))
    email = old.email
    apply_retention(date(2026, 1, 1), Settings())
    db.session.commit()
    trail = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "Case")).all()
    assert email not in json.dumps([e.changes for e in trail], default=str)


def test_carer_records_past_retention_are_flagged_once(db):
    household = HouseholdFactory(reference="RET-1", approval_date=date(2005, 1, 1))
    household.deregistration_date = date(2014, 6, 1)
    HouseholdFactory(reference="RET-2", approval_date=date(2010, 1, 1))
    db.session.commit()
    apply_retention(date(2026, 1, 1), Settings())
    apply_retention(date(2026, 1, 2), Settings())
    db.session.commit()
    flags = db.session.scalars(sa.select(Flag).where(Flag.kind == FlagKind.RETENTION_REVIEW))
    assert [(f.household_id, f.cleared_on) for f in flags] == [(household.id, None)]


def test_a_person_named_only_as_a_household_member_is_found(admin_client, db):
    from crm.models import HouseholdMember

    case = CaseFactory(reference="SAR-M", first_name="Alex")
    case.members.append(
        HouseholdMember(full_name="Morgan Quill", relationship_to_applicant="partner")
    )
    db.session.commit()
    page = admin_client.get("/privacy/?q=Quill").get_data(as_text=True)
    assert "SAR-M" in page


def test_a_resident_is_found_in_their_household(admin_client, db):
    from crm.models import Resident

    household = HouseholdFactory(reference="SAR-R")
    household.residents.append(Resident(full_name="Robin Teasel"))
    db.session.commit()
    page = admin_client.get("/privacy/?q=Teasel").get_data(as_text=True)
    assert "SAR-R" in page


def withdrawn_application(ref: str, withdrew_on: date) -> Case:
    return advance(
        CaseFactory(reference=ref, enquiry_date=date(2021, 1, 4), first_name="Sam"),
        (K.FIRST_CONTACT, date(2021, 1, 5)),
        (K.INITIAL_VISIT, date(2021, 1, 20)),
        (K.APPLICATION, date(2021, 2, 1)),
        (K.WITHDRAWN_BY_APPLICANT, withdrew_on, "AW3"),
        today=LATER,
    )


def test_a_withdrawn_application_cannot_be_erased_within_three_years_of_closing(admin_client, db):
    case = withdrawn_application("APP-1", date.today().replace(day=1))
    db.session.commit()
    response = admin_client.post(
        f"/privacy/case/{case.id}/erase",
        data={"reason": "asked", "confirm": "y"},
        follow_redirects=True,
    )
    assert b"must be kept until" in response.data
    assert db.session.get(Case, case.id) is not None


def test_an_open_application_cannot_be_erased(admin_client, db):
    case = advance(
        CaseFactory(reference="APP-2", enquiry_date=date(2025, 1, 6)),
        (K.FIRST_CONTACT, date(2025, 1, 7)),
        (K.INITIAL_VISIT, date(2025, 1, 20)),
        (K.APPLICATION, date(2025, 2, 3)),
        today=LATER,
    )
    db.session.commit()
    response = admin_client.post(
        f"/privacy/case/{case.id}/erase",
        data={"reason": "asked", "confirm": "y"},
        follow_redirects=True,
    )
    assert b"applied to foster on 3 Feb 2025" in response.data
    assert db.session.get(Case, case.id) is not None


def test_applications_are_anonymised_three_years_after_they_closed_not_before(db):
    old = withdrawn_application("APP-3", date(2022, 6, 1))  # kept until 1 Jun 2025
    recent = withdrawn_application("APP-4", date(2023, 6, 1))  # kept until 1 Jun 2026
    counts = apply_retention(date(2026, 1, 1), Settings())
    db.session.commit()
    assert counts["applications_anonymised"] == 1
    assert old.first_name == "Anonymised" and recent.first_name == "Sam"


def test_an_enquiry_is_anonymised_counting_from_when_it_closed_not_when_it_came_in(db):
    # Enquired in 2021 but only closed three weeks before the run: keep it.
    late_closer = advance(
        CaseFactory(reference="SLOW-1", enquiry_date=date(2021, 3, 1), first_name="Sam"),
        (K.WITHDRAWN_BY_SERVICE, date(2025, 12, 10), "no_contact"),
        today=LATER,
    )
    assert apply_retention(date(2026, 1, 1), Settings())["anonymised"] == 0
    assert late_closer.first_name == "Sam"


def test_messages_to_staff_naming_an_applicant_are_in_their_export(admin_client, officer, db):
    case = CaseFactory(
        reference="SAR-N", first_name="Nell", last_name="Tamsin", owner=officer,
        enquiry_date=date(2025, 1, 6),
    )  # fmt: skip
    flag_work(date(2025, 2, 3))  # no first contact four weeks on: her officer is told
    db.session.commit()
    bundle = json.loads(admin_client.get(f"/privacy/case/{case.id}.json").data)
    assert [
        re.sub(r"\d+ working days", "N working days", n["message"]) for n in bundle["notifications"]
    ] == [
        "First contact overdue: SAR-N (Nell Tamsin) - no first contact N working days "
        "after the enquiry (target 2)"
    ]
    page = admin_client.get(f"/privacy/case/{case.id}").get_data(as_text=True)
    assert "Messages to staff about you" in page and "Olive Officer" in page


def test_messages_to_staff_about_a_household_are_in_its_export(admin_client, ssw, db):
    household = HouseholdFactory(
        reference="SAR-HN", approval_date=date(2024, 1, 1), supervising_worker=ssw
    )
    flag_work(date(2025, 6, 2))  # never visited: its supervising worker is told
    db.session.commit()
    bundle = json.loads(admin_client.get(f"/privacy/household/{household.id}.json").data)
    assert bundle["notifications"]
    assert all("SAR-HN" in n["message"] for n in bundle["notifications"])

"""The audit trail: who saw and changed which record."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from crm import audit
from crm.models import AuditAction, AuditEvent, Case, Role
from tests.factories import CaseFactory, HouseholdFactory


def entries(db, **filters):
    query = sa.select(AuditEvent).filter_by(**filters).order_by(AuditEvent.id)
    return db.session.scalars(query).all()


def test_opening_a_case_records_who_viewed_it(officer_client, db):
    case = CaseFactory()
    officer_client.get(f"/cases/{case.id}")
    viewed = entries(db, action=AuditAction.VIEWED, entity_type="Case", entity_id=str(case.id))
    assert [(e.user_id, e.summary) for e in viewed] == [(officer_client_user(db), case.reference)]


def officer_client_user(db):
    from crm.models import User, UserRole

    return db.session.scalar(
        sa.select(User.id).join(UserRole).where(UserRole.role == Role.RECRUITMENT_OFFICER)
    )


def test_opening_a_household_records_who_viewed_it(ssw_client, ssw, db):
    household = HouseholdFactory()
    ssw_client.get(f"/households/{household.id}")
    viewed = entries(db, action=AuditAction.VIEWED, entity_type="Household")
    assert [(e.user_id, e.entity_id) for e in viewed] == [(ssw.id, str(household.id))]


def test_a_change_records_the_fields_before_and_after(db, officer):
    case = CaseFactory(postcode="LE1 1AA")
    with audit.acting_as("test", user_id=officer.id):
        case.postcode = "LE2 2BB"
        db.session.commit()
    changed = entries(db, action=AuditAction.CHANGED, entity_type="Case")
    assert changed[-1].changes["postcode"] == ["LE1 1AA", "LE2 2BB"]
    assert changed[-1].user_id == officer.id


def test_a_new_record_is_audited_as_created_with_its_values(db):
    case = CaseFactory(first_name="Aisha")
    created = entries(db, action=AuditAction.CREATED, entity_type="Case", entity_id=str(case.id))
    assert created[0].changes["first_name"] == [None, "Aisha"]


def test_a_deletion_is_audited(db):
    case = CaseFactory()
    case_id = case.id
    db.session.delete(case)
    db.session.commit()
    assert entries(db, action=AuditAction.DELETED, entity_type="Case", entity_id=str(case_id))


def test_password_hashes_never_reach_the_audit_log(db, make_user):
    user = make_user(Role.MANAGER)
    created = entries(db, action=AuditAction.CREATED, entity_type="User", entity_id=str(user.id))[0]
    assert created.changes["password_hash"] == [None, "[redacted]"]
    assert user.password_hash not in str(created.changes)


def test_a_rolled_back_change_leaves_no_trail(db):
    case = CaseFactory()
    before = len(entries(db))
    case.postcode = "ZZ1 1ZZ"
    db.session.flush()
    db.session.rollback()
    assert len(entries(db)) == before
    assert db.session.get(Case, case.id).postcode != "ZZ1 1ZZ"


def test_an_administrator_changing_a_user_is_audited_with_the_new_roles(
    admin_client, admin, db, make_user
):
    user = make_user(Role.RECRUITMENT_OFFICER, full_name="Ray Old")
    response = admin_client.post(
        f"/admin/users/{user.id}",
        data={"full_name": "Ray New", "email": user.email, "roles": ["manager"], "active": "y"},
    )
    assert response.status_code == 302
    changes = [
        e
        for e in entries(db, action=AuditAction.CHANGED, entity_type="User")
        if e.user_id == admin.id
    ]
    assert changes[-1].changes["full_name"] == ["Ray Old", "Ray New"]
    grants = entries(db, action=AuditAction.CREATED, entity_type="UserRole")
    assert grants[-1].changes["role"] == [None, "manager"]


def test_administrators_can_search_the_audit_log_by_record(admin_client, db):
    one, other = CaseFactory(), CaseFactory()
    response = admin_client.get(f"/admin/audit?entity_type=Case&entity_id={one.id}")
    assert response.status_code == 200
    assert one.reference.encode() in response.data
    assert other.reference.encode() not in response.data


def test_the_audit_search_explains_an_inverted_date_range(admin_client):
    response = admin_client.get("/admin/audit?date_from=2025-05-01&date_to=2025-04-01")
    assert response.status_code == 200
    assert b"The end date is before the start date." in response.data


def test_the_audit_log_reads_as_words_with_links_to_records(admin_client, db, officer):
    case = CaseFactory(postcode="LE1 1AA")
    with audit.acting_as("test", user_id=officer.id):
        case.postcode = "LE2 2BB"
        case.first_contact_date = date(2025, 5, 1)
        db.session.commit()
    page = admin_client.get(f"/admin/audit?entity_type=Case&entity_id={case.id}").get_data(
        as_text=True
    )
    assert f'<a href="/cases/{case.id}">{case.reference}</a>' in page
    assert 'Postcode:</dt> <dd class="d-inline ms-0">LE1 1AA → LE2 2BB' in page
    assert "First contact date:" in page and "1 May 2025" in page
    assert "Version:" not in page and "Phone key" not in page and "pending-" not in page


def test_an_erased_records_entries_are_not_links(admin_client, db):
    case = CaseFactory()
    case_id, reference = case.id, case.reference
    db.session.delete(case)
    db.session.commit()
    page = admin_client.get(f"/admin/audit?entity_type=Case&entity_id={case_id}").get_data(
        as_text=True
    )
    assert reference in page and f'href="/cases/{case_id}"' not in page

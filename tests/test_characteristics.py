"""Carers' characteristics are special category data: optional, on a page of their own
that only managers and the household's own worker open, every opening audited, their
values kept out of the audit log, and in the carers' subject access export."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm.domain.characteristics import Ethnicity, Religion, Sex
from crm.households.characteristics import OPENED
from crm.models import AuditAction, AuditEvent, Carer
from tests.factories import HouseholdFactory

ANSWERS = {
    "sex": "female",
    "ethnicity": "black_caribbean",
    "religion": "christian",
    "languages": "English, Patois",
    "disability": "no",
}


@pytest.fixture
def household(db, ssw):
    return HouseholdFactory(supervising_worker=ssw)


def carer_of(household) -> Carer:
    return household.carers[0]


def test_the_households_worker_records_a_carers_characteristics(ssw_client, db, household):
    carer = carer_of(household)
    response = ssw_client.post(
        f"/households/{household.id}/characteristics/{carer.id}", data=ANSWERS
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (carer.sex, carer.ethnicity, carer.languages) == (
        Sex.FEMALE,
        Ethnicity.BLACK_CARIBBEAN,
        "English, Patois",
    )


def test_no_answer_is_required(ssw_client, db, household):
    carer = carer_of(household)
    response = ssw_client.post(f"/households/{household.id}/characteristics/{carer.id}", data={})
    assert response.status_code == 302


def test_every_opening_is_recorded_in_the_audit_log(manager_client, db, household):
    manager_client.get(f"/households/{household.id}/characteristics")
    opened = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == AuditAction.VIEWED, AuditEvent.entity_type == "Carer"
        )
    ).all()
    assert [(e.entity_id, e.summary) for e in opened] == [(str(carer_of(household).id), OPENED)]


def test_the_audit_log_says_they_changed_but_not_to_what(ssw_client, db, household):
    carer = carer_of(household)
    ssw_client.post(f"/households/{household.id}/characteristics/{carer.id}", data=ANSWERS)
    changed = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == AuditAction.CHANGED, AuditEvent.entity_type == "Carer"
        )
    )
    assert set(changed.changes) >= {"ethnicity", "religion"}
    assert "black_caribbean" not in str(changed.changes)


@pytest.mark.parametrize("who", ["officer_client", "other_worker"])
def test_no_one_else_opens_them(request, client, make_user, db, household, who):
    from crm.models import Role
    from tests.conftest import login

    if who == "other_worker":
        login(client, make_user(Role.SUPERVISING_SOCIAL_WORKER))
        viewer = client
    else:
        viewer = request.getfixturevalue(who)
    assert viewer.get(f"/households/{household.id}/characteristics").status_code == 403


def test_the_household_page_links_to_them_but_does_not_show_them(ssw_client, db, household):
    carer = carer_of(household)
    carer.ethnicity = Ethnicity.ARAB
    db.session.commit()
    page = ssw_client.get(f"/households/{household.id}").get_data(as_text=True)
    assert "The carers' characteristics" in page
    assert "Arab" not in page


def test_the_carers_subject_access_export_includes_them(admin_client, db, household):
    carer_of(household).religion = Religion.SIKH
    db.session.commit()
    exported = admin_client.get(f"/privacy/household/{household.id}.json").get_json()
    assert exported["carers"][0]["religion"] == "sikh"


def test_the_assessing_worker_records_an_applicants_and_approval_makes_them_the_carers(
    ssw_client, ssw, db
):
    from crm.models import Household
    from tests.factories import CaseFactory

    case = CaseFactory(assessing_worker=ssw)
    applicant = case.members[0]
    response = ssw_client.post(f"/cases/{case.id}/characteristics/{applicant.id}", data=ANSWERS)
    assert response.status_code == 302
    household = Household.for_approved_case(case)
    assert household.carers[0].ethnicity is Ethnicity.BLACK_CARIBBEAN


def test_a_recruitment_officer_does_not_open_an_applicants(officer_client, officer, db):
    from tests.factories import CaseFactory

    case = CaseFactory(owner=officer)
    assert officer_client.get(f"/cases/{case.id}/characteristics").status_code == 403
    page = officer_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "The applicants' characteristics" not in page


def test_opening_an_applicants_is_audited(manager_client, db):
    from tests.factories import CaseFactory

    case = CaseFactory()
    manager_client.get(f"/cases/{case.id}/characteristics")
    summaries = db.session.scalars(
        sa.select(AuditEvent.summary).where(
            AuditEvent.entity_type == "HouseholdMember", AuditEvent.action == AuditAction.VIEWED
        )
    ).all()
    assert summaries == [OPENED]

"""Object-level access, including attempts by guessing ids: a supervising social worker
changes only their own caseload; a child record of one case cannot be reached through
another; unknown ids are 404, never an error."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.models import Activity, ActivityKind, AuditAction, AuditEvent, Check, CheckKind, Role
from crm.timeutil import today
from tests.conftest import login
from tests.factories import CaseFactory, HouseholdFactory

HOUSEHOLD_POSTS = [
    ("records", {"kind": "supervision_visit", "on": "2025-06-01"}),
    ("placements", {"child_reference": "C9", "on": "2025-06-01"}),
    ("placements/end", {"child_reference": "C9", "on": "2025-06-01"}),
    ("terms", {"places": "3"}),
    ("residents", {"full_name": "A Lodger"}),
    ("break", {"on": "2025-06-01"}),
    ("deregister", {"on": "2025-06-01", "reason": "retirement", "initiated_by": "carer"}),
]


def writes(db) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.action != AuditAction.VIEWED)
    )


@pytest.mark.parametrize(("action", "data"), HOUSEHOLD_POSTS)
def test_another_workers_household_cannot_be_changed_by_id(client, db, make_user, action, data):
    owner, other = (
        make_user(Role.SUPERVISING_SOCIAL_WORKER),
        make_user(Role.SUPERVISING_SOCIAL_WORKER),
    )
    household = HouseholdFactory(supervising_worker=owner)
    login(client, other)
    before = writes(db)
    response = client.post(f"/households/{household.id}/{action}", data=data)
    assert response.status_code == 403
    assert writes(db) == before


@pytest.mark.parametrize(
    "url",
    ["/cases/987654", "/households/987654", "/cases/987654/assessment", "/cases/987654/people"],
)
def test_a_guessed_id_that_does_not_exist_is_not_found(officer_client, url):
    assert officer_client.get(url).status_code in (403, 404)


def test_a_task_cannot_be_completed_through_another_case(officer_client, officer, db):
    mine, theirs = CaseFactory(owner=officer), CaseFactory()
    task = theirs.log_activity(
        ActivityKind.TASK, date(2025, 4, 2), None, note="call back", due_on=today()
    )
    db.session.commit()
    response = officer_client.post(f"/cases/{mine.id}/activities/{task.id}/done")
    assert response.status_code == 404
    assert db.session.get(Activity, task.id).done_on is None


def test_a_check_cannot_be_edited_through_another_case(officer_client, db):
    mine, theirs = CaseFactory(), CaseFactory()
    check = Check(kind=CheckKind.DBS, note="theirs")
    theirs.checks.append(check)
    db.session.commit()
    response = officer_client.post(f"/cases/{mine.id}/checks/{check.id}", data={"note": "x"})
    assert response.status_code == 404
    assert db.session.get(Check, check.id).note == "theirs"


def test_the_public_form_can_only_create(client, db):
    existing = CaseFactory(reference="PUB-1", first_name="Original")
    response = client.post(
        "/foster-with-us/",
        data={"id": existing.id, "reference": "PUB-1", "first_name": "Changed"},
    )
    assert response.status_code in (200, 302)
    db.session.expire_all()
    assert existing.first_name == "Original"

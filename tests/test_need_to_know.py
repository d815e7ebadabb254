"""Need to know (issue 18): a supervising social worker sees the applicants they assess
and the cases behind the households they supervise, no other applicant's; officers
and managers see every case."""

from __future__ import annotations

import pytest

from crm.models import Role
from tests.factories import CaseFactory, HouseholdFactory


@pytest.fixture
def cases(db, ssw, make_user):
    other = make_user(Role.SUPERVISING_SOCIAL_WORKER)
    mine = CaseFactory(reference="MINE", assessing_worker=ssw)
    theirs = CaseFactory(reference="THEIRS", assessing_worker=other)
    unassessed = CaseFactory(reference="NOBODY")
    supervised_case = CaseFactory(reference="SUPERVISED")
    HouseholdFactory(reference="SUPERVISED", case=supervised_case, supervising_worker=ssw)
    db.session.commit()
    return {c.reference: c.id for c in (mine, theirs, unassessed, supervised_case)}


@pytest.mark.parametrize(
    ("reference", "status"),
    [("MINE", 200), ("SUPERVISED", 200), ("THEIRS", 403), ("NOBODY", 403)],
)
def test_a_supervising_worker_opens_only_their_own_cases(ssw_client, cases, reference, status):
    assert ssw_client.get(f"/cases/{cases[reference]}").status_code == status


def test_nor_can_they_record_on_another(ssw_client, cases):
    response = ssw_client.post(
        f"/cases/{cases['THEIRS']}/activities",
        data={"kind": "call", "on": "2025-05-01", "note": "x"},
    )
    assert response.status_code == 403


def test_their_case_list_holds_only_their_cases(ssw_client, cases):
    page = ssw_client.get("/cases/").get_data(as_text=True)
    assert "MINE" in page and "SUPERVISED" in page
    assert "THEIRS" not in page and "NOBODY" not in page


@pytest.mark.parametrize("role_client", ["officer_client", "manager_client"])
def test_officers_and_managers_see_every_case(request, cases, role_client):
    client = request.getfixturevalue(role_client)
    assert all(client.get(f"/cases/{i}").status_code == 200 for i in cases.values())

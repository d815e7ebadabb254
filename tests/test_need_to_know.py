"""Need to know (issue 18): a supervising social worker sees the applicants they assess
and the cases behind the households they supervise, no other applicant's; officers
and managers see every case. The child named in a temporary approval (issue 29) is
shown only to managers and the social workers assessing or supervising the carers."""

from __future__ import annotations

from datetime import date

import pytest

from crm.models import CarerType, Role, TemporaryApproval
from tests.conftest import login
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


# Who may read the child named in a temporary approval (reg 24) on the kinship case's
# pages: the child is a third party. The policy, as the README's who-may-do-what table
# states it; the assessing worker is an officer too here, so the grant is theirs by the
# case, not by a role.
NAMED_CHILD_SHOWN_TO = {
    "a manager": True,
    "the case's assessing worker": True,
    "the supervising worker of the household the case became": True,
    "the recruitment officer who owns the case": False,
    "another recruitment officer": False,
    "another supervising social worker": False,
}
CHILD = "GS-4471"


@pytest.fixture
def kinship_case(db, make_user):
    people = {
        "a manager": make_user(Role.MANAGER),
        "the case's assessing worker": make_user(
            Role.RECRUITMENT_OFFICER, Role.SUPERVISING_SOCIAL_WORKER
        ),
        "the supervising worker of the household the case became": make_user(
            Role.SUPERVISING_SOCIAL_WORKER
        ),
        "the recruitment officer who owns the case": make_user(Role.RECRUITMENT_OFFICER),
        "another recruitment officer": make_user(Role.RECRUITMENT_OFFICER),
        "another supervising social worker": make_user(Role.SUPERVISING_SOCIAL_WORKER),
    }
    case = CaseFactory(
        reference="KIN-1",
        carer_type=CarerType.KINSHIP,
        enquiry_date=date(2025, 3, 3),
        owner=people["the recruitment officer who owns the case"],
        assessing_worker=people["the case's assessing worker"],
    )
    case.temporary_approval = TemporaryApproval(child_reference=CHILD, approved_on=date(2025, 3, 3))
    HouseholdFactory(
        reference="KIN-1",
        case=case,
        carer_type=CarerType.KINSHIP,
        supervising_worker=people["the supervising worker of the household the case became"],
    )
    db.session.commit()
    return case, people


@pytest.mark.parametrize(("who", "shown"), NAMED_CHILD_SHOWN_TO.items())
def test_the_named_child_is_shown_only_to_those_who_need_to_know(client, kinship_case, who, shown):
    case, people = kinship_case
    login(client, people[who])
    pages = [f"/cases/{case.id}", f"/cases/{case.id}/temporary-approval/extension"]
    for page in pages:
        response = client.get(page)
        if response.status_code == 403:  # cannot open the case at all
            assert not shown
            continue
        assert (CHILD in response.get_data(as_text=True)) is shown, page

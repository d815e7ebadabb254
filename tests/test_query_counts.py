"""No N+1 queries: a list page asks the database the same number of times for 3 rows
as for 12 (each page is measured twice, with four times the rows the second time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from crm.domain.stages import EventKind as K
from crm.models import ActivityKind, CarerEvent, CarerEventKind, Placement
from tests.database import counted
from tests.factories import CaseFactory, HouseholdFactory, advance


def queries(client, db, url: str) -> int:
    with counted(db.engine) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def grows(client, db, url: str, add: Callable[[int], None]) -> tuple[int, int]:
    add(3)
    few = queries(client, db, url)
    add(9)
    many = queries(client, db, url)
    return few, many


def cases(owner) -> Callable[[int], None]:
    def add(n: int) -> None:
        for _ in range(n):
            advance(
                CaseFactory(owner=owner, enquiry_date=date(2025, 4, 1)),
                (K.FIRST_CONTACT, date(2025, 4, 2)),
                (K.INITIAL_VISIT, date(2025, 4, 9)),
                (K.APPLICATION, date(2025, 5, 1)),
            )

    return add


def households(worker, db) -> Callable[[int], None]:
    def add(n: int) -> None:
        for _ in range(n):
            household = HouseholdFactory(supervising_worker=worker)
            household.placements.append(Placement(child_reference="C", start_date=date(2024, 1, 1)))
            household.events.append(
                CarerEvent(kind=CarerEventKind.SUPERVISION_VISIT, occurred_on=date(2025, 1, 1))
            )
        db.session.commit()

    return add


@pytest.mark.parametrize("url", ["/cases/", "/cases/?stage=stage1", "/cases/?q=T-"])
def test_the_case_list_does_not_query_per_row(officer_client, officer, db, url):
    few, many = grows(officer_client, db, url, cases(officer))
    assert few == many


@pytest.mark.parametrize(
    "url", ["/households/", "/households/?overdue=y", "/households/?status=current"]
)
def test_the_household_list_does_not_query_per_row(manager_client, ssw, db, url):
    few, many = grows(manager_client, db, url, households(ssw, db))
    assert few == many


def test_the_caseload_does_not_query_per_row(ssw_client, ssw, db):
    few, many = grows(ssw_client, db, "/households/caseload", households(ssw, db))
    assert few == many


def test_a_case_page_does_not_query_per_activity(officer_client, officer, db):
    case = CaseFactory(owner=officer, enquiry_date=date(2025, 4, 1))
    advance(case, (K.FIRST_CONTACT, date(2025, 4, 2)), (K.INITIAL_VISIT, date(2025, 4, 9)))
    url = f"/cases/{case.id}"

    def log(n: int) -> None:
        for day in range(n):
            case.log_activity(ActivityKind.CALL, date(2025, 4, 10 + day), officer, note="rang")
        db.session.commit()

    log(1)
    few = queries(officer_client, db, url)
    log(8)
    assert queries(officer_client, db, url) == few


def _reads_of(statements: list[str], table: str) -> int:
    """Statements that load the record itself by its key (the page's own, and any
    reload of it after a commit expired it)."""
    return sum(
        1
        for s in statements
        if s.lstrip().startswith(f"SELECT {table}.id, ") and f"WHERE {table}.id = " in s
    )


def test_a_case_page_reads_its_case_once(officer_client, db):
    case = CaseFactory()
    with counted(db.engine) as statements:
        assert officer_client.get(f"/cases/{case.id}").status_code == 200
    assert _reads_of(statements, "cases") == 1


def test_a_household_page_reads_its_household_once(ssw_client, ssw, db):
    household = HouseholdFactory(supervising_worker=ssw)
    with counted(db.engine) as statements:
        assert ssw_client.get(f"/households/{household.id}").status_code == 200
    assert _reads_of(statements, "households") == 1


def test_the_signed_in_user_and_their_roles_are_one_query(officer_client, db):
    with counted(db.engine) as statements:
        assert officer_client.get("/notifications").status_code == 200
    reads = [s for s in statements if "FROM users" in s or "FROM user_roles" in s]
    assert len(reads) == 1 and "JOIN user_roles" in reads[0]

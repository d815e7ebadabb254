"""Search reads SQLite's full-text index (PostgreSQL's trigram indexes answer the same
searches on the columns), so the index must follow every write, however it is made."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.models import Case, HouseholdMember

pytestmark = pytest.mark.usefixtures("db")


def found(client, q: str) -> str:
    return client.get("/cases/", query_string={"q": q}).get_data(as_text=True)


def indexed_text(db, case_id: int) -> str | None:
    return db.session.scalar(
        sa.text("SELECT text FROM case_search_text WHERE case_id = :id"), {"id": case_id}
    )


@pytest.fixture
def sqlite(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL searches the columns through trigram indexes")


def test_someone_added_to_the_household_is_found(officer_client, db):
    from tests.factories import CaseFactory

    case = CaseFactory(reference="IDX-1")
    case.members.append(HouseholdMember(full_name="Bartholomew Quince"))
    db.session.commit()
    assert "IDX-1" in found(officer_client, "quince")


def test_a_renamed_applicant_is_found_by_the_new_name(officer_client, db):
    from tests.factories import CaseFactory

    case = CaseFactory(reference="IDX-2", first_name="Ottoline", last_name="Marsh")
    case.last_name = "Fenwick"
    db.session.commit()
    assert "IDX-2" in found(officer_client, "ottoline fenwick")


def test_a_case_written_in_bulk_past_the_orm_is_found(officer_client, db):
    from crm.imports.bulk import insert_rows

    insert_rows(
        Case,
        [
            {
                "id": 9001,
                "reference": "IDX-BULK",
                "first_name": "Peregrine",
                "last_name": "Oduya",
                "search_name": "peregrine oduya",
                "carer_type": "mainstream",
                "source": "website",
                "stage": "enquiry",
                "on_hold": False,
                "enquiry_date": date(2025, 1, 2),
            }
        ],
    )
    db.session.commit()
    assert "IDX-BULK" in found(officer_client, "oduya")


@pytest.mark.usefixtures("sqlite")
def test_a_deleted_case_leaves_the_index(db):
    from tests.factories import CaseFactory

    case = CaseFactory(reference="IDX-3")
    case_id = case.id
    assert "idx-3" in indexed_text(db, case_id)
    db.session.delete(case)
    db.session.commit()
    assert indexed_text(db, case_id) is None


def test_a_search_too_short_for_the_index_still_finds(officer_client, db):
    from tests.factories import CaseFactory

    CaseFactory(reference="IDX-4", first_name="Li", last_name="Wu")
    assert "IDX-4" in found(officer_client, "wu")


def test_what_was_typed_is_never_read_as_search_syntax(officer_client, db):
    for q in ['"', 'smith" OR "', "NEAR(a b)", "*", "a AND", "^^^"]:
        assert officer_client.get("/cases/", query_string={"q": q}).status_code == 200


@pytest.mark.usefixtures("sqlite")
def test_the_closest_match_comes_first(officer_client, db):
    from tests.factories import CaseFactory

    CaseFactory(
        reference="IDX-A",
        first_name="Ann",
        last_name="Smithson-Blackwood",
        enquiry_date=date(2025, 6, 1),
    )
    CaseFactory(
        reference="IDX-B", first_name="Ann", last_name="Smith", enquiry_date=date(2024, 6, 1)
    )
    page = found(officer_client, "ann smith")
    assert page.index("IDX-B") < page.index("IDX-A")

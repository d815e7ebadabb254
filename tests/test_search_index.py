"""Search reads SQLite's full-text index (PostgreSQL's trigram indexes answer the same
searches on the columns), so the index must follow every write, however it is made."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.models import Case, HouseholdMember
from crm.models.search import TRIGRAM_INDEXES

pytestmark = pytest.mark.usefixtures("db")


def found(client, q: str) -> str:
    return client.get("/cases/", query_string={"q": q}).get_data(as_text=True)


def indexed(db, needle: str) -> list[int]:
    """Case ids the SQLite index finds for a needle."""
    return list(
        db.session.scalars(
            sa.text("SELECT rowid FROM case_search_fts WHERE case_search_fts MATCH :q"),
            {"q": f'"{needle}"'},
        )
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
    assert indexed(db, "idx-3") == [case.id]
    db.session.delete(case)
    db.session.commit()
    assert indexed(db, "idx-3") == []


@pytest.mark.usefixtures("sqlite")
def test_a_changed_email_is_indexed_under_the_new_one_only(db):
    from tests.factories import CaseFactory

    case = CaseFactory(reference="IDX-5", email="old.address@example.org")
    case.email = "new.address@example.org"
    db.session.commit()
    assert indexed(db, "new.address") == [case.id]
    assert indexed(db, "old.address") == []


def test_a_search_too_short_for_the_index_still_finds(officer_client, db):
    from tests.factories import CaseFactory

    CaseFactory(reference="IDX-4", first_name="Li", last_name="Wu")
    assert "IDX-4" in found(officer_client, "wu")


def test_what_was_typed_is_never_read_as_search_syntax(officer_client, db):
    for q in ['"', 'smith" OR "', "NEAR(a b)", "*", "a AND", "^^^"]:
        assert officer_client.get("/cases/", query_string={"q": q}).status_code == 200


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


@pytest.mark.parametrize("bulk", [False, True], ids=["as-uploaded", "bulk-load"])
def test_cases_and_people_from_an_imported_tracker_are_found(officer_client, db, tmp_path, bulk):
    from tests.tracker_files import APPROVED, OPEN, run, write_csv

    tracker = write_csv(
        tmp_path / "t.csv", APPROVED, dict(OPEN, first_name="Tamsin", last_name="Vell")
    )
    run(tracker, bulk=bulk)
    db.session.commit()
    assert "T-2" in found(officer_client, "tamsin vell")
    assert "T-1" in found(officer_client, "T-1")


@pytest.mark.usefixtures("sqlite")
@pytest.mark.parametrize("bulk", [False, True], ids=["as-uploaded", "bulk-load"])
def test_an_import_leaves_the_index_updating_itself_afterwards(db, tmp_path, bulk):
    from tests.factories import CaseFactory
    from tests.tracker_files import OPEN, run, write_csv

    run(write_csv(tmp_path / "t.csv", OPEN), bulk=bulk)
    db.session.commit()
    case = CaseFactory(reference="IDX-AFTER")
    assert indexed(db, "idx-after") == [case.id]


def test_a_fresh_postgresql_schema_has_the_trigram_indexes_migrations_make(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps its full-text tables instead")
    names = set(db.session.scalars(sa.text("SELECT indexname FROM pg_indexes")))
    assert {name for name, _, _ in TRIGRAM_INDEXES} <= names


def test_a_bulk_load_that_fails_leaves_the_index_following_writes(db, sqlite):
    from crm.imports.indexes import indexed_afterwards
    from tests.factories import CaseFactory

    with pytest.raises(RuntimeError), indexed_afterwards(db.session.connection()):
        raise RuntimeError("a row failed")
    db.session.rollback()
    case = CaseFactory(reference="IDX-ROLLED-BACK")
    assert indexed(db, "idx-rolled-back") == [case.id]


def test_a_search_past_one_page_counts_every_match(officer_client, db, app, monkeypatch):
    from tests.factories import CaseFactory

    for n in range(5):
        CaseFactory(reference=f"CNT-{n}", first_name="Mo", last_name="Quennell")
    other = CaseFactory(reference="CNT-M", first_name="Ida", last_name="Vane")
    db.session.add(HouseholdMember(case=other, full_name="Tom Quennell"))
    CaseFactory(reference="CNT-X", first_name="Ann", last_name="Elsewhere")
    db.session.commit()
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    page = found(officer_client, "quennell")
    assert "Showing 1–2 of 6" in page


@pytest.mark.usefixtures("sqlite")
def test_the_pager_counts_a_search_without_ranking_its_matches(
    officer_client, db, app, monkeypatch
):
    from tests.database import counted
    from tests.factories import CaseFactory

    for n in range(3):
        CaseFactory(reference=f"RNK-{n}", first_name="Eda", last_name="Parrish")
    db.session.commit()
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    with counted(db.engine) as statements:
        page = found(officer_client, "parrish")
    assert "Showing 1–2 of 3" in page
    (count,) = [s for s in statements if "count(*)" in s and "case_search_fts" in s]
    assert "rank" not in count

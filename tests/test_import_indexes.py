"""A first load builds a mostly-new table's indexes after its rows are in: every index
(and PostgreSQL foreign key) must come back exactly as it was, and a load into a
table already larger than it keeps them throughout."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm.imports.indexes import built_afterwards, tables_to_set_aside
from crm.imports.reading import read_table
from crm.imports.tracker import import_tracker
from tests.database import counted
from tests.factories import CaseFactory
from tests.tracker_files import APPROVED, OPEN, TODAY, WITHDRAWN, write_csv

TABLES = ["cases", "stage_events", "household_members", "activities", "households", "carers"]


def _schema(db) -> set[tuple]:
    """Every index and foreign key of the loaded tables, as the database defines them."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        indexes = connection.execute(
            sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(:t)"),
            {"t": TABLES},
        ).all()
        keys = connection.execute(
            sa.text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid::regclass::text = ANY(:t)"
            ),
            {"t": TABLES},
        ).all()
        return {tuple(r) for r in indexes + keys}
    query = sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN :t")
    found = connection.execute(query.bindparams(sa.bindparam("t", expanding=True)), {"t": TABLES})
    return {tuple(r) for r in found}


def test_a_first_bulk_import_leaves_every_index_and_key_as_it_found_them(db, tmp_path):
    before = _schema(db)
    table = read_table(write_csv(tmp_path / "t.csv", APPROVED, OPEN, WITHDRAWN))
    with counted(db.engine) as statements:
        result = import_tracker(table, TODAY, bulk=True)
    db.session.commit()
    assert result.created == 3
    assert any(s.startswith("DROP INDEX") for s in statements)  # it did set them aside
    assert _schema(db) == before


def test_a_first_import_sets_its_new_tables_aside(db):
    with built_afterwards(db.session.connection(), {"cases": 3, "stage_events": 10}) as aside:
        assert aside.tables == ["cases", "stage_events"]
        assert not any(name == "ix_cases_enquiry_date" for name, _ in _schema(db))
    assert any(name == "ix_cases_enquiry_date" for name, _ in _schema(db))


def test_a_small_load_into_a_larger_table_keeps_its_indexes(db):
    for n in range(3):
        CaseFactory(reference=f"HELD-{n}")
    db.session.commit()
    connection = db.session.connection()
    assert tables_to_set_aside(connection, {"cases": 2}) == []
    assert tables_to_set_aside(connection, {"cases": 3}) == ["cases"]


def test_unique_indexes_stay_so_a_duplicate_is_still_refused(db):
    CaseFactory(reference="ONCE")
    db.session.commit()
    connection = db.session.connection()
    with pytest.raises(sa.exc.IntegrityError), built_afterwards(connection, {"cases": 10}):
        CaseFactory(reference="ONCE")
        db.session.flush()


def test_a_failed_load_rolls_back_to_the_indexes_as_they_were(db):
    before = _schema(db)
    with pytest.raises(RuntimeError), built_afterwards(db.session.connection(), {"cases": 5}):
        raise RuntimeError("a row failed")
    db.session.rollback()
    assert _schema(db) == before


def _has(db, name: str) -> bool:
    return any(index == name for index, _ in _schema(db))


def test_a_table_restored_early_has_its_indexes_by_the_end_of_the_block(db):
    with built_afterwards(db.session.connection(), {"cases": 3, "stage_events": 9}) as aside:
        with aside.restoring(["cases"]):
            made_ready = [n * n for n in range(1000)]  # Python work meanwhile
        assert made_ready[-1] == 998_001
        assert _has(db, "ix_cases_enquiry_date")
        assert not _has(db, "ix_stage_events_case_id")
    assert _has(db, "ix_stage_events_case_id")


def test_a_failed_build_is_raised_in_the_importer(db):
    with built_afterwards(db.session.connection(), {"cases": 3}) as aside:
        aside._restore["cases"] = ["CREATE INDEX ix_never ON no_such_table (x)"]
        with pytest.raises(sa.exc.DBAPIError), aside.restoring(["cases"]):
            pass
        aside._restore.clear()
    db.session.rollback()


def test_an_error_while_restoring_waits_for_the_builds_and_is_raised(db):
    before = _schema(db)
    connection = db.session.connection()
    with (
        pytest.raises(RuntimeError),
        built_afterwards(connection, {"cases": 3}) as aside,
        aside.restoring(["cases"]),
    ):
        raise RuntimeError("a row could not be made ready")
    db.session.rollback()
    assert _schema(db) == before

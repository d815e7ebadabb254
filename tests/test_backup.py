"""`flask backup` and `flask restore`: a restored backup holds every record."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm.backup import live_counts
from crm.models import Case, Household
from tests.factories import CaseFactory, HouseholdFactory


@pytest.fixture
def on_sqlite(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite backups; PostgreSQL uses pg_dump")
    return db


@pytest.fixture
def records(on_sqlite):
    cases = [CaseFactory(reference=f"BK-{n}") for n in range(5)]
    households = [HouseholdFactory(reference=f"HB-{n}") for n in range(3)]
    return cases, households


def test_a_restored_backup_holds_every_record(runner, records, db, tmp_path):
    target = tmp_path / "hearth-backup.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    before = live_counts()
    db.session.delete(db.session.scalar(sa.select(Case).where(Case.reference == "BK-0")))
    CaseFactory(reference="AFTER-BACKUP")
    db.session.commit()

    result = runner.invoke(args=["restore", str(target), "--yes"])

    assert result.exit_code == 0, result.output
    assert live_counts() == before
    references = set(db.session.scalars(sa.select(Case.reference)))
    assert references == {f"BK-{n}" for n in range(5)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 3


def test_a_backup_never_overwrites_a_file(runner, records, tmp_path):
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert target.read_text() == "keep me"


def test_restoring_something_that_is_not_a_database_changes_nothing(runner, records, db, tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("this is not a database")
    before = live_counts()
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    assert "not an SQLite database" in result.output
    assert live_counts() == before


def test_restore_asks_before_replacing_everything(runner, records, db, tmp_path):
    target = tmp_path / "b.db"
    runner.invoke(args=["backup", str(target)])
    CaseFactory(reference="KEPT")
    result = runner.invoke(args=["restore", str(target)], input="n\n")
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(Case.id).where(Case.reference == "KEPT"))


def test_postgresql_backups_are_pointed_at_pg_dump(runner, db, tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    result = runner.invoke(args=["backup", str(tmp_path / "x.db")])
    assert result.exit_code != 0
    assert "pg_dump" in result.output

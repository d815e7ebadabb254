"""Imports through the web run as the application's least-privileged database user: a
preview changes no schema, an import changes no schema and no process-wide setting (the
garbage collector is the worker's, shared by every request it serves). Only the command
line may take the bulk-load fast path (indexes set aside, the collector seldom run), and
only when its database user owns the tables; otherwise it imports the plain way and says
so."""

from __future__ import annotations

import ast
import csv
import gc
import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm import create_app
from crm.imports.bulk import refresh_statistics
from crm.imports.indexes import not_owned
from crm.models import Case, DemandCount
from jobs.cli import audit_group
from tests.database import counted, empty_database
from tests.tracker_files import APPROVED, OPEN, WITHDRAWN, run, upload, write_csv

SCHEMA_CHANGE = re.compile(r"\s*(CREATE|DROP|ALTER)\b", re.IGNORECASE)
#: Loaded by a first tracker import; their indexes are what the fast path sets aside.
TRACKER_TABLES = ["cases", "stage_events", "household_members", "activities"]


def schema_changes(statements: list[str]) -> list[str]:
    return [s for s in statements if SCHEMA_CHANGE.match(s)]


def references(db) -> set[str]:
    db.session.rollback()  # read what other connections committed
    return set(db.session.scalars(sa.select(Case.reference)))


def tracker(tmp_path):
    return write_csv(tmp_path / "tracker.csv", APPROVED, OPEN, WITHDRAWN)


@pytest.fixture
def least_privileged(app, db, runner):
    """An app signed in to PostgreSQL as a login role holding exactly the grants that
    `flask audit grants` prints (the append-only application user), then dropped."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("database users and their grants are PostgreSQL's")
    # roles belong to the whole server: one per test database, so parallel runs differ
    role = f"hearth_app_{db.engine.url.database}"
    printed = runner.invoke(audit_group, ["grants", role])
    assert printed.exit_code == 0, printed.output
    with db.engine.connect() as owner:
        owner.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
        owner.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
        for statement in printed.output.strip().splitlines():
            owner.execute(sa.text(statement))
        owner.commit()
    url = db.engine.url.set(username=role).render_as_string(hide_password=False)
    limited = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
            "AUDIT_ANCHOR_PATH": app.config["AUDIT_ANCHOR_PATH"],
        }
    )
    limited.test_client_class = app.test_client_class
    yield limited
    with limited.app_context():
        db.engine.dispose()
    with db.engine.connect() as owner:
        owner.execute(sa.text(f'DROP OWNED BY "{role}"'))
        owner.execute(sa.text(f'DROP ROLE "{role}"'))
        owner.commit()


@pytest.fixture
def least_privileged_manager(least_privileged, manager):
    """A manager signed in to the app that runs as the least-privileged user."""
    client = least_privileged.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = manager.get_id()
        session["_fresh"] = True
        session["signed_in_at"] = int(time.time())
    return client


def test_a_tracker_upload_previews_and_imports_as_the_least_privileged_user(
    least_privileged_manager, db, tmp_path
):
    client = least_privileged_manager
    preview = upload(client, tracker(tmp_path)).headers["Location"]
    assert client.get(preview).status_code == 200
    imported = client.post(preview, data={"submit": "y"})
    assert imported.status_code == 302
    assert references(db) == {"T-1", "T-2", "T-3"}


def test_a_demand_upload_previews_and_imports_as_the_least_privileged_user(
    least_privileged_manager, db, tmp_path
):
    client = least_privileged_manager
    path = tmp_path / "demand.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerows([["month", "age_band", "placement_type", "children"]])
        writer.writerows([["2025-05", "10-15", "IFA", "14"]])
    with open(path, "rb") as handle:
        staged = client.post(
            "/imports/demand",
            data={"file": (handle, "demand.csv")},
            content_type="multipart/form-data",
        )
    preview = staged.headers["Location"]
    assert client.get(preview).status_code == 200
    assert client.post(preview, data={"submit": "y"}).status_code == 302
    db.session.rollback()
    assert db.session.scalars(sa.select(DemandCount.children)).all() == [14]


def test_a_preview_changes_no_schema(manager_client, db, tmp_path):
    preview = upload(manager_client, tracker(tmp_path)).headers["Location"]
    with counted(db.engine) as statements:
        assert manager_client.get(preview).status_code == 200
    manager_client.post(f"{preview}/discard")  # the staged file, let go
    assert statements and schema_changes(statements) == []
    assert references(db) == set()


def test_a_web_import_changes_no_schema(manager_client, db, tmp_path):
    preview = upload(manager_client, tracker(tmp_path)).headers["Location"]
    with counted(db.engine) as statements:
        assert manager_client.post(preview, data={"submit": "y"}).status_code == 302
    assert references(db) == {"T-1", "T-2", "T-3"}
    assert statements and schema_changes(statements) == []


def test_a_web_import_leaves_the_garbage_collector_as_the_worker_set_it(
    manager_client, db, tmp_path
):
    usual = (gc.get_threshold(), gc.isenabled())
    seen = set()

    def observe(*args) -> None:  # on every statement the import sends, mid-request
        seen.add((gc.get_threshold(), gc.isenabled()))

    preview = upload(manager_client, tracker(tmp_path)).headers["Location"]
    sa.event.listen(db.engine, "before_cursor_execute", observe)
    try:
        manager_client.get(preview)
        manager_client.post(preview, data={"submit": "y"})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", observe)
    assert references(db) == {"T-1", "T-2", "T-3"}
    assert seen == {usual}


def test_the_command_line_sets_a_first_loads_indexes_aside_as_the_tables_owner(
    runner, db, tmp_path
):
    with counted(db.engine) as statements:
        result = runner.invoke(args=["import-tracker", str(tracker(tmp_path))])
    assert result.exit_code == 0, result.output
    assert any(s.startswith("DROP INDEX") for s in statements)
    assert "Indexes kept" not in result.output
    assert references(db) == {"T-1", "T-2", "T-3"}


def test_the_command_lines_dry_run_changes_no_schema(runner, db, tmp_path):
    with counted(db.engine) as statements:
        result = runner.invoke(args=["import-tracker", str(tracker(tmp_path)), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert schema_changes(statements) == []


def test_the_command_line_as_a_user_who_does_not_own_the_tables_imports_the_plain_way(
    least_privileged, db, tmp_path
):
    path = str(tracker(tmp_path))
    with least_privileged.app_context(), counted(db.engine) as statements:
        result = least_privileged.test_cli_runner().invoke(args=["import-tracker", path])
    assert result.exit_code == 0, result.output
    assert "Indexes kept in place" in result.output
    assert schema_changes(statements) == []
    assert references(db) == {"T-1", "T-2", "T-3"}


def test_the_command_line_leaves_the_collector_as_it_was_even_when_the_import_fails(
    runner, db, tmp_path
):
    usual = (gc.get_threshold(), gc.isenabled())
    bad = write_csv(tmp_path / "t.csv", {"reference": "T-9"}, headers=["reference"])
    assert runner.invoke(args=["import-tracker", str(bad)]).exit_code != 0
    assert (gc.get_threshold(), gc.isenabled()) == usual


def test_the_owner_owns_the_tables_and_the_application_user_none(db, least_privileged):
    assert not_owned(db.session.connection(), TRACKER_TABLES) == []
    with least_privileged.app_context():
        assert not_owned(db.session.connection(), TRACKER_TABLES) == TRACKER_TABLES


def test_the_application_user_leaves_statistics_to_autovacuum(db, least_privileged):
    """Only a table's owner may ANALYZE it on PostgreSQL; anyone else's warns in the
    server's log after every web import and does nothing."""
    with least_privileged.app_context(), counted(db.engine) as statements:
        refresh_statistics()
    assert [s for s in statements if s.startswith("ANALYZE")] == []


def test_the_tables_owner_refreshes_statistics_after_an_import(db):
    with counted(db.engine) as statements:
        refresh_statistics()
    assert [s for s in statements if s.startswith("ANALYZE")] != []


#: Columns that differ between two runs of the same file: ids, and when it ran.
RUN_BY_RUN = {"id", "created_at", "updated_at", "recorded_at", "at", "version"}


def written(db) -> dict[str, list[tuple]]:
    """What a tracker import wrote, table by table, each row with its case's reference
    in place of the ids that differ from run to run."""
    db.session.rollback()
    case_of = dict(db.session.execute(sa.select(Case.id, Case.reference)).all())
    household_case = dict(db.session.execute(sa.text("SELECT id, case_id FROM households")).all())
    found = {}
    for name in [*TRACKER_TABLES, "households", "carers", "audit_events"]:
        table = db.metadata.tables[name]
        rows = []
        for row in db.session.execute(sa.select(table)).mappings():
            row = {k: v for k, v in row.items() if k not in RUN_BY_RUN}
            if "household_id" in row:
                row["household_id"] = case_of[household_case[row["household_id"]]]
            if "case_id" in row:
                row["case_id"] = case_of[row["case_id"]]
            if name == "audit_events":
                row = {"entity_type": row["entity_type"], "summary": row["summary"]}
            rows.append(tuple(sorted(row.items(), key=str)))
        found[name] = sorted(rows, key=str)
    return found


def test_the_bulk_path_writes_exactly_what_the_plain_path_writes(db, tmp_path):
    path = tracker(tmp_path)
    run(path)
    db.session.commit()
    plain = written(db)
    empty_database()
    run(path, bulk=True)
    db.session.commit()
    assert written(db) == plain
    assert len(plain["cases"]) == 3 and len(plain["carers"]) > 0


#: What changes the cycle collector's settings, which are the whole process's.
COLLECTOR_SETTERS = {"set_threshold", "disable", "enable", "freeze", "unfreeze"}
ROOT = Path(__file__).resolve().parent.parent


def collector_changes(source: str) -> set[str]:
    """The calls to the collector's setters in a module, and its uses of collector_paused."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and node.id == "collector_paused":
            found.add("collector_paused")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "gc"
            and node.attr in COLLECTOR_SETTERS
        ):
            found.add(f"gc.{node.attr}")
    return found


def test_only_the_import_commands_pause_the_garbage_collector():
    found = {}
    for path in sorted([*ROOT.glob("crm/**/*.py"), *ROOT.glob("jobs/**/*.py")]):
        changes = collector_changes(path.read_text(encoding="utf-8"))
        if changes:
            found[str(path.relative_to(ROOT))] = changes
    assert found == {
        "crm/imports/bulk.py": {"gc.set_threshold"},  # where collector_paused is written
        "crm/transfer_cli.py": {"collector_paused"},  # flask import-*, a process of its own
    }

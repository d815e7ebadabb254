"""The migrations build the schema the models declare.

The tests build their schema from the models (`create_all`); production builds it
with `flask db upgrade`. A column added to a model without a migration (a new
milestone's `<step>_date` on the case, say) passes every other test and fails only
in production, at the first query that reads it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from crm.extensions import db
from crm.models.case import MILESTONE_DATE

ROOT = Path(__file__).resolve().parent.parent


def migrated_schema(tmp_path: Path) -> dict[str, set[str]]:
    """{table: its columns} of an empty SQLite database after `flask db upgrade`, run in
    its own process (Alembic's logging set-up would otherwise reconfigure the tests')."""
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py", "HEARTH_ENV": "development"}
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    engine = sa.create_engine(url)
    try:
        found = sa.inspect(engine)
        return {t: {c["name"] for c in found.get_columns(t)} for t in found.get_table_names()}
    finally:
        engine.dispose()


def test_the_migrations_build_every_table_and_column_the_models_declare(tmp_path):
    migrated = migrated_schema(tmp_path)
    declared = {t.name: set(t.columns.keys()) for t in db.metadata.sorted_tables}
    missing = {
        table: sorted(columns - migrated.get(table, set()))
        for table, columns in declared.items()
        if columns - migrated.get(table, set())
    }
    assert missing == {}, "declared in crm/models but no migration adds them"
    every_milestone = {column.key for column in MILESTONE_DATE.values()}
    assert every_milestone <= migrated["cases"]

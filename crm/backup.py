"""Backups of an SQLite database, taken and restored while the app runs.

SQLite's online backup API copies a consistent snapshot page by page, so a backup
taken while people are working is never half-written. PostgreSQL is backed up with
its own tools (`pg_dump`, see docs/operations.md); these functions refuse it rather than
pretend.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from crm.extensions import db


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


def _live_connection() -> sqlite3.Connection:
    if db.engine.dialect.name != "sqlite":
        raise BackupError(
            "This database is PostgreSQL: back it up with pg_dump and restore with "
            "pg_restore (see 'Backups' in docs/operations.md)."
        )
    return db.engine.raw_connection().driver_connection


def backup_sqlite(target: Path) -> dict[str, int]:
    """Copy the live database to `target` (which must not exist); returns row counts."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    db.session.commit()  # nothing of this session's left unwritten
    destination = sqlite3.connect(target)
    try:
        _live_connection().backup(destination)
    finally:
        destination.close()
    return row_counts(target)


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table in a backup file, after checking it is a sound Hearth database."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged (SQLite integrity check failed).")
            tables = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            if "alembic_version" not in tables and "users" not in tables:
                raise BackupError(f"{path} is not a Hearth database.")
            return {
                t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # noqa: S608
                for t in tables
                if not t.startswith("sqlite_")
            }
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not an SQLite database ({error}).") from error


def restore_sqlite(source: Path) -> dict[str, int]:
    """Replace the live database's contents with the backup at `source`, all at once."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    counts = row_counts(source)
    db.session.remove()
    live = _live_connection()
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        backup.backup(live)
    finally:
        backup.close()
    return counts


def live_counts() -> dict[str, int]:
    """Rows per table in the live database (for checking a restore)."""
    inspector = sa.inspect(db.engine)
    return {
        table: db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))
        for table in inspector.get_table_names()
    }

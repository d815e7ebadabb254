"""Bulk writing for importers: batched INSERTs, and COPY on PostgreSQL."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from psycopg.types.json import Json

from crm.extensions import db
from crm.models import Case
from crm.timeutil import utcnow


def insert_rows(model, rows: list[dict], *returning):
    """One batched INSERT: render_nulls keeps every row's columns alike, so the
    driver gets one executemany instead of a statement per row. On PostgreSQL,
    rows that need nothing back go through COPY, several times faster."""
    if not returning and db.session.get_bind().dialect.name == "postgresql":
        return copy_rows(model.__table__, rows)
    statement = sa.insert(model).execution_options(render_nulls=True)
    if returning:
        statement = statement.returning(*returning)
    return db.session.execute(statement, rows)


def insert_cases(values: list[dict]) -> dict[str, int]:
    """Insert cases and return their ids by reference.

    PostgreSQL: ids drawn from the sequence in one query, then COPY (INSERT ...
    RETURNING of wide rows is the slow part there). Elsewhere: INSERT RETURNING.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return dict(insert_rows(Case, values, Case.reference, Case.id).all())
    ids = db.session.scalars(
        sa.text(
            "SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, :n)"
        ),
        {"n": len(values)},
    ).all()
    now = utcnow()
    for row, case_id in zip(values, ids, strict=True):
        row.update(id=case_id, created_at=now, updated_at=now)
    copy_rows(Case.__table__, values)
    return {row["reference"]: row["id"] for row in values}


def copy_rows(table: sa.Table, rows: list[dict]) -> None:
    """COPY rows into a PostgreSQL table, filling the Python-side column defaults
    (timestamps, flags) that COPY, unlike an INSERT through SQLAlchemy, would skip."""
    columns = list(rows[0])
    defaults = {
        column.name: column.default.arg(None) if column.default.is_callable else column.default.arg
        for column in table.columns
        if column.default is not None and column.name not in columns and not column.primary_key
    }
    names = ", ".join(f'"{c}"' for c in [*columns, *defaults])
    filler = [plain(v) for v in defaults.values()]
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([plain(row[c]) for c in columns] + filler)


def plain(value: object) -> object:
    """A value as COPY wants it: enums by value, lists and dicts as JSON."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | dict):
        return Json(value)
    return value


def refresh_statistics() -> None:
    """After a large import, let the planner see the new row counts now.

    PostgreSQL's autovacuum would get there in a minute or so; SQLite never does
    by itself. Without statistics SQLite sorted every open case to show the first
    page of the case list (71 ms at national scale) instead of walking the
    enquiry-date index (3 ms); PostgreSQL chose sequential scans for lookups by case.
    Does not commit: the caller (the import, or the job runner) does.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE cases, stage_events, activities, household_members"))
    else:
        db.session.execute(sa.text("ANALYZE"))

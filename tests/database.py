"""Test database support shared by fixtures."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa

from crm.enquiry_sources import ensure_default_sources
from crm.extensions import db as _db


def empty_database() -> None:
    """Roll back whatever is open and delete every row (children first), leaving the
    reference lists a new service starts with (as the migrations seed them)."""
    _db.session.rollback()
    for table in reversed(_db.metadata.sorted_tables):
        _db.session.execute(table.delete())
    ensure_default_sources()
    _db.session.commit()
    _db.session.remove()


@contextlib.contextmanager
def counted(engine: sa.Engine) -> Iterator[list[str]]:
    """Collect every statement the engine sends while the block runs (query-count tests)."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)

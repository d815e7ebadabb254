"""Test database support shared by fixtures."""

from __future__ import annotations

from crm.extensions import db as _db


def empty_database() -> None:
    """Roll back whatever is open and delete every row (children first)."""
    _db.session.rollback()
    for table in reversed(_db.metadata.sorted_tables):
        _db.session.execute(table.delete())
    _db.session.commit()
    _db.session.remove()

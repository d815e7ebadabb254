"""Test database support shared by fixtures."""

from __future__ import annotations

from crm.extensions import db as _db
from crm.queries.sources import ensure_default_sources


def empty_database() -> None:
    """Roll back whatever is open and delete every row (children first), leaving the
    reference lists a new service starts with (as the migrations seed them)."""
    _db.session.rollback()
    for table in reversed(_db.metadata.sorted_tables):
        _db.session.execute(table.delete())
    ensure_default_sources()
    _db.session.commit()
    _db.session.remove()

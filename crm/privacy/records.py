"""What Hearth holds about a case or a household: every table that points at it,
found from the models' foreign keys.

A table added later is in the subject access export and in the erasure scrub of
the audit trail without anyone remembering to add it; a link that is not the
person's own data must be opted out here, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from crm.extensions import db

#: (table, column) links to a case or household that are not that person's data.
NOT_THEIRS: dict[tuple[str, str], str] = {
    ("cases", "possible_duplicate_of_id"): "another person's enquiry that looked like this one",
    ("cases", "previous_case_id"): (
        "the same people's earlier case, exported on its own (it may hold others' details)"
    ),
    ("households", "case_id"): (
        "the approved household is exported on its own, with this application inside"
    ),
}


def linked_tables(root: type[db.Model]) -> Iterator[tuple[type[db.Model], sa.Column]]:
    """Each model with a foreign key to `root`'s table, and that column."""
    for mapper in sorted(db.Model.registry.mappers, key=lambda m: m.local_table.name):
        table = mapper.local_table
        for key in sorted(table.foreign_keys, key=lambda k: k.parent.name):
            pointing = key.column.table is root.__table__
            if pointing and (table.name, key.parent.name) not in NOT_THEIRS:
                yield mapper.class_, key.parent


def records_about(root: db.Model) -> dict[str, list[db.Model]]:
    """Every row that belongs to `root`, by table name, oldest first."""
    found: dict[str, list[db.Model]] = {}
    for model, column in linked_tables(type(root)):
        rows = db.session.scalars(
            sa.select(model).where(column == root.id).order_by(*model.__table__.primary_key)
        ).all()
        found.setdefault(model.__table__.name, []).extend(rows)
    return found

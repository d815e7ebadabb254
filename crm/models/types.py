"""Column helpers shared by the model modules."""

from __future__ import annotations

import enum

import sqlalchemy as sa


def enum_column(enum_cls: type[enum.Enum], length: int = 40) -> sa.Enum:
    """Store an enum by its value as a checked VARCHAR, portable across databases.

    Values rather than names, so that reports, imports and the database agree on
    the same snake_case words; no native PostgreSQL enum, so adding a member is
    a one-line migration.
    """
    return sa.Enum(
        enum_cls,
        native_enum=False,
        values_callable=lambda members: [m.value for m in members],
        length=length,
        validate_strings=True,
        create_constraint=False,
    )

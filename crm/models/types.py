"""Column helpers shared by the model modules."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


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


class day_number(FunctionElement):  # noqa: N801  (named as SQL functions are)
    """A date as its day number (Python's `date.toordinal()`; NULL stays NULL), worked
    out by the database: a whole table's dates then arrive as plain integers instead
    of each being parsed into a `date` and converted back (the approvals forecast read
    600,000 cases' milestones in 7 s that way)."""

    type = sa.Integer()
    inherit_cache = True
    name = "day_number"


@compiles(day_number)
def _day_number(element: day_number, compiler, **kw) -> str:
    # SQLite's julianday counts from noon, 24 November 4714 BC (proleptic Gregorian):
    # 1 January of year 1 is julian day 1721425.5 and ordinal 1.
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 1721424.5 AS INTEGER)"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element: day_number, compiler, **kw) -> str:
    return f"(({compiler.process(element.clauses, **kw)}) - DATE '0001-01-01' + 1)"


class utc_now(FunctionElement):  # noqa: N801  (named as SQL functions are)
    """The database's clock as naive UTC, the form every timestamp is stored in: a
    column default the database fills in, so no application clock decides it."""

    type = sa.DateTime()
    inherit_cache = True
    name = "utc_now"


@compiles(utc_now)
def _utc_now(element: utc_now, compiler, **kw) -> str:
    # Six fractional digits, as SQLAlchemy writes a datetime to SQLite.
    return "strftime('%Y-%m-%d %H:%M:%f000', 'now')"


@compiles(utc_now, "postgresql")
def _utc_now_postgresql(element: utc_now, compiler, **kw) -> str:
    # The moment of the statement, not the transaction's start (now()).
    return "timezone('utc', clock_timestamp())"

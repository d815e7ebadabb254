"""Bulk writing for importers: batched INSERTs, and COPY on PostgreSQL."""

from __future__ import annotations

import enum
import functools
import gc
import itertools
import json
import operator
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from crm.audit import current_actor
from crm.extensions import db
from crm.imports.indexes import not_owned
from crm.models import AuditAction, AuditEvent, Case
from crm.timeutil import utcnow

_POSTGRESQL = postgresql.dialect()
#: Allocations between young-generation collections while an import runs.
IMPORT_GC_THRESHOLD = 200_000


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run Python's cycle collector seldom while a bulk load runs. An import allocates
    hundreds of thousands of small objects that live to its end, and the collector
    walked them again and again (a third of validating a 100,000-row tracker); switched
    off, the cycles an import lets go were never freed (peak memory up by a fifth).
    Collecting after every 200,000 allocations instead of 700 keeps both down. The
    usual thresholds return afterwards, even when the import fails.

    The collector is the whole process's: only a process of its own may pause it (the
    command line, a benchmark), never a web request, whose worker serves others
    meanwhile."""
    usual = gc.get_threshold()
    gc.set_threshold(IMPORT_GC_THRESHOLD, *usual[1:])
    try:
        yield
    finally:
        gc.set_threshold(*usual)


# SQLite's page cache while an import writes, in KiB (a negative cache_size): 2 MB by
# default, which sent each of a case's eleven index inserts to the file; 128 MB took a
# 100,000-row tracker's case inserts from 4.7 to 3.0 s. Pages are taken only as used.
IMPORT_CACHE_KIB = 131_072


@contextmanager
def import_page_cache(connection: sa.Connection) -> Iterator[None]:
    """A large page cache on SQLite for the length of an import, then the usual one (the
    connection returns to the pool, and a web request needs no 128 MB)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    usual = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(usual)}")


def insert_rows(model, rows: list[dict], batch: int | None = None) -> None:
    """Insert rows with the same keys straight to the driver (write_rows): in one
    statement, or one every `batch` rows (bounding what each statement converts)."""
    batch = batch or len(rows)
    for start in range(0, len(rows), batch):
        write_rows(model.__table__, rows[start : start + batch])


def update_rows(model, rows: list[dict]) -> None:
    """UPDATE rows by primary key in one executemany (each dict holds "id" and the same
    columns). A versioned record's version moves on, so a form opened before the
    import is refused as stale rather than overwriting what the import changed."""
    if not rows:
        return
    table = model.__table__
    names = [name for name in rows[0] if name != "id"]
    values = {name: sa.bindparam(f"new_{name}") for name in names}
    if "version" in table.c:
        values["version"] = table.c.version + 1
    statement = sa.update(table).where(table.c.id == sa.bindparam("row_id")).values(values)
    db.session.execute(
        statement,
        [{"row_id": row["id"], **{f"new_{n}": row[n] for n in names}} for row in rows],
    )


def audit_imported(action: AuditAction, entity_type: str, summaries: dict[int, str]) -> None:
    """One audit entry per record an import created or changed, by whoever ran it: a
    batched import bypasses the ORM flush that audits screen edits, so it says itself."""
    insert_rows(AuditEvent, audit_rows(action, entity_type, summaries), batch=5000)


def audit_rows(action: AuditAction, entity_type: str, summaries: dict[int, str]) -> list[dict]:
    """The audit entries `audit_imported` writes, for an importer that writes them later."""
    actor = current_actor()  # the database times each entry (AuditEvent.at)
    return [
        {
            "user_id": actor.user_id,
            "actor": actor.name,
            "action": action,
            "entity_type": entity_type,
            "entity_id": str(entity_id),
            "summary": summary[:255],
            "changes": None,
            "ip_address": actor.ip_address,
        }
        for entity_id, summary in summaries.items()
    ]


#: PostgreSQL: `n` new ids from a table's sequence. The sequence is found once, in a
#: subquery kept apart (OFFSET 0): named in nextval's argument, pg_get_serial_sequence
#: was looked up again for every id drawn (5,000 ids 23 ms -> 1.5 ms).
DRAW_IDS = sa.text(
    "SELECT nextval(found.sequence) FROM "
    "(SELECT pg_get_serial_sequence(:table, 'id')::regclass AS sequence OFFSET 0) AS found, "
    "generate_series(1, :n)"
)


def insert_with_ids(model, values: list[dict], key: str = "reference") -> dict[str, int]:
    """Insert rows and return their ids by `key`, a unique column.

    PostgreSQL: ids drawn from the sequence in one query, then COPY. Elsewhere: one
    executemany, then the ids read back by key (unique, so indexed), which is quicker
    than INSERT ... RETURNING of wide rows on either database.
    """
    table = model.__table__
    if db.session.get_bind().dialect.name != "postgresql":
        write_rows(table, values)
        keys = [row[key] for row in values]
        query = sa.select(table.c[key], table.c.id).where(table.c[key].in_(keys))
        return dict(db.session.execute(query).all())
    ids = db.session.scalars(DRAW_IDS, {"table": table.name, "n": len(values)}).all()
    for row, new_id in zip(values, ids, strict=True):
        row["id"] = new_id
    write_rows(table, values)
    return {row[key]: row["id"] for row in values}


def insert_cases(values: list[dict]) -> dict[str, int]:
    """Insert new cases, stamped now, and return their ids by reference."""
    now = utcnow()
    for row in values:
        row.update(created_at=now, updated_at=now)
    return insert_with_ids(Case, values)


def write_rows(table: sa.Table, rows: list[dict]) -> None:
    """Rows straight to the driver inside the session's transaction: COPY on PostgreSQL,
    one executemany elsewhere, each value through its column type's own conversion.
    SQLAlchemy's per-row parameter handling cost more than SQLite's writing did (a
    100,000-row tracker spent a third of its time there). Python-side column defaults
    (timestamps, flags) are filled here, as an INSERT through SQLAlchemy would.

    Values are taken and converted a column at a time (`itemgetter` and `zip` work in
    C), not value by value."""
    columns = list(rows[0])
    defaults = {
        column.name: column.default.arg(None) if column.default.is_callable else column.default.arg
        for column in table.columns
        if column.default is not None and column.name not in columns and not column.primary_key
    }
    connection = db.session.connection()
    postgres = connection.dialect.name == "postgresql"
    convert = _copy_column if postgres else functools.partial(_sqlite_column, connection.dialect)
    if len(columns) > 1:
        given = zip(*map(operator.itemgetter(*columns), rows), strict=True)
    else:
        given = [[row[columns[0]] for row in rows]]
    values = [convert(table.c[c].type, v) for c, v in zip(columns, given, strict=True)]
    values += [itertools.repeat(convert(table.c[c].type, [v])[0]) for c, v in defaults.items()]
    rows_out = zip(*values, strict=False)  # defaults repeat without end
    names = ", ".join(f'"{c}"' for c in [*columns, *defaults])
    cursor = connection.connection.driver_connection.cursor()
    with closing(cursor):
        if postgres:
            types = [binary_copy_type(table.c[c].type) for c in [*columns, *defaults]]
            statement = f'COPY "{table.name}" ({names}) FROM STDIN (FORMAT BINARY)'
            with cursor.copy(statement) as copy:
                copy.set_types(types)
                for row in rows_out:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * (len(columns) + len(defaults)))
            cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', rows_out)


def _sqlite_column(
    dialect: sa.Dialect, column_type: sa.types.TypeEngine, values: Sequence
) -> Sequence:
    """A column's values as SQLite stores them. Dates and times become the text
    sqlite3's own adapters make (`str` of a date or datetime is its ISO form) and enums
    their names, each distinct value converted once (a tracker's 330,000 events fall
    on a few thousand days); anything else goes through its type's bind processor."""
    dated = isinstance(column_type, sa.Date | sa.DateTime)
    convert = str if dated else column_type.bind_processor(dialect)
    if convert is None:
        return values
    if dated or isinstance(column_type, sa.Enum):
        stored = {v: None if v is None else convert(v) for v in set(values)}
        return [stored[v] for v in values]
    null = convert(None)  # JSON's None is the text null: the same for every row
    return [null if v is None else convert(v) for v in values]


#: The binary COPY type of each column type Hearth's tables use, as PostgreSQL's dialect
#: names it. Enums (stored as VARCHAR) and JSON go as their text, which the server's
#: binary input for those types reads as it is.
BINARY_COPY_TYPES = {
    "BIGINT": "int8",
    "BOOLEAN": "bool",
    "BYTEA": "bytea",
    "DATE": "date",
    "DOUBLE PRECISION": "float8",
    "INTEGER": "int4",
    "JSON": "text",
    "NUMERIC": "numeric",
    "TEXT": "text",
    "TIME WITHOUT TIME ZONE": "time",
    "TIMESTAMP WITHOUT TIME ZONE": "timestamp",
    "VARCHAR": "text",
}


@functools.cache
def binary_copy_type(column_type: sa.types.TypeEngine) -> str:
    """How a column's values travel in a binary COPY. Binary, with the types given once,
    because psycopg's text COPY looked up and ran a text conversion for every value
    (dates especially): 250,000 events took 0.38 s to send as text and 0.07 s as
    binary. A type not in BINARY_COPY_TYPES is a KeyError here, found by any test that
    imports into a table holding it, rather than wrong bytes in the database."""
    name = column_type.compile(dialect=_POSTGRESQL).split("(")[0]
    return BINARY_COPY_TYPES[name]


def _copy_column(column_type: sa.types.TypeEngine, values: Sequence) -> Sequence:
    """A column's values as COPY reads them: enums by value (each distinct one once),
    JSON as its text; the rest as they are (calling a conversion on every value of
    every column cost a 100,000-row tracker 1.5 s on PostgreSQL). JSON goes as text
    rather than psycopg's `Json`, which serialised a default repeated down 100,000
    rows 100,000 times."""
    if isinstance(column_type, sa.Enum):
        stored = {v: v.value if isinstance(v, enum.Enum) else v for v in set(values)}
        return [stored[v] for v in values]
    if isinstance(column_type, sa.JSON):
        return [None if v is None else json.dumps(v) for v in values]
    if isinstance(column_type, sa.Numeric) and not isinstance(column_type, sa.Float):
        # binary numeric takes a Decimal; a float goes by its shortest repr, as typed
        return [v if v is None or isinstance(v, Decimal) else Decimal(str(v)) for v in values]
    return values


def refresh_statistics() -> None:
    """After a large import, let the planner see the new row counts now.

    PostgreSQL's autovacuum would get there in a minute or so; SQLite never does
    by itself. Without statistics SQLite sorted every open case to show the first
    page of the case list (71 ms at national scale) instead of walking the
    enquiry-date index (3 ms); PostgreSQL chose sequential scans for lookups by case.
    PostgreSQL lets only a table's owner analyse it (anyone else's ANALYZE warns in the
    server's log and does nothing): run as the application's own database user, which
    owns none, the tables are left to autovacuum. Does not commit: the caller (the
    import, or the job runner) does.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        tables = ["cases", "stage_events", "activities", "household_members"]
        refused = not_owned(db.session.connection(), tables)
        owned = [table for table in tables if table not in refused]
        if owned:
            db.session.execute(sa.text(f"ANALYZE {', '.join(owned)}"))
    else:
        db.session.execute(sa.text("ANALYZE"))

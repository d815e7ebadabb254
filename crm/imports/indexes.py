"""Bulk loads and indexes: what an import sets aside while it writes, and restores.

Two kinds: SQLite's search index (its per-row triggers, `indexed_afterwards`), and a
mostly-new table's own indexes (`built_afterwards`), built once after the rows are in.

A council's first tracker import brings more cases than Hearth holds. Inserting
100,000 cases kept twelve B-tree indexes (and, on PostgreSQL, six trigram indexes)
in step a row at a time, and each of the 530,000 events, members and contacts behind
them fired PostgreSQL's foreign-key trigger, which locks the case row it points at.
Building an index over a finished table sorts once instead, and re-adding a foreign
key checks the whole table in one join: PostgreSQL's own advice for populating a
database ("Remove indexes", "Remove foreign key constraints"), and what pg_restore
does. Measured on a 100,000-row tracker: SQLite 14.4 s -> 12.7 s, PostgreSQL
18.8 s -> 12.8 s.

Only where it pays: a table is set aside only when the load adds at least as many
rows as it already holds (a second small import into a large service keeps its
indexes and pays per row, which is then cheaper than rebuilding). Unique indexes and
primary keys always stay, so a duplicate is still refused as it is inserted, and the
importers can read new ids back by reference. Everything happens inside the import's
transaction: a failed import rolls back to the indexes as they were. The cost is a
lock: on PostgreSQL, dropping an index locks its table against readers until the
import commits (seconds, on a first load into a service with little in it yet).

The definitions rebuilt are read from the database itself, so whatever a migration
or an administrator made (partial, expression and trigram indexes too) comes back
exactly as it was.

Setting aside is a schema change, so it is the command line's choice alone (`bulk`),
and only where its database user may make it: on PostgreSQL, the owner of the tables
(who runs the migrations). A web request never changes the schema: the application's
own database user (`flask audit grants`) may not, and a preview that dropped indexes
would lock the tables against readers until it rolled back. Without it an import
writes the plain way, each index kept in step row by row (`bulk_load`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

import sqlalchemy as sa

from crm.models.search import (
    CASE_FTS,
    CREATE,
    DROP,
    MEMBER_FTS,
    TRIGGERS,
    case_text,
    fts_exists,
    member_text,
)

_SQLITE_INDEXES = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table "
    "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
)
_POSTGRES_INDEXES = (
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
    "AND tablename = :table AND indexdef NOT LIKE 'CREATE UNIQUE%' "
    "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
)
_POSTGRES_NOT_OWNED = (
    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
    "AND tablename = ANY(:tables) AND NOT pg_has_role(tableowner, 'MEMBER')"
)
_POSTGRES_FOREIGN_KEYS = (
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE contype = 'f' AND conrelid = CAST(:table AS regclass)"
)


def begin_for_schema_changes(connection: sa.Connection) -> None:
    """Make sure a transaction is open before an import changes the schema. Python's
    SQLite driver begins one only before a data change, so a DROP coming first was
    committed on the spot: an import that then failed left the indexes (or the search
    index's triggers) gone for good. BEGIN IMMEDIATE also takes the write lock now,
    as the import is about to write. PostgreSQL's transactions already hold DDL."""
    driver = connection.connection.driver_connection
    if isinstance(driver, sqlite3.Connection) and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def tables_to_set_aside(connection: sa.Connection, adding: Mapping[str, int]) -> list[str]:
    """The tables a load adds at least as many rows to as they hold already."""
    chosen = []
    for table, rows in adding.items():
        if rows <= 0:
            continue
        held = connection.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar()
        if held <= rows:
            chosen.append(table)
    return chosen


def not_owned(connection: sa.Connection, tables: Iterable[str]) -> list[str]:
    """The tables whose indexes and keys this connection's database user may not drop and
    build again: on PostgreSQL, those it does not own (nor a role it belongs to does).
    None on SQLite, whose file is the schema's and the writer's alike."""
    tables = list(tables)
    if connection.dialect.name != "postgresql" or not tables:
        return []
    refused = set(connection.execute(sa.text(_POSTGRES_NOT_OWNED), {"tables": tables}).scalars())
    return [table for table in tables if table in refused]


class SetAside:
    """The indexes and foreign keys a load set aside, table by table, until restored."""

    def __init__(self, connection: sa.Connection, tables: list[str]) -> None:
        self.connection, self.tables = connection, tables
        self._restore: dict[str, list[str]] = {}
        postgres = connection.dialect.name == "postgresql"
        for table in tables:
            query = _POSTGRES_INDEXES if postgres else _SQLITE_INDEXES
            indexes = connection.execute(sa.text(query), {"table": table}).all()
            keys = []
            if postgres:
                keys = connection.execute(sa.text(_POSTGRES_FOREIGN_KEYS), {"table": table}).all()
            for name, _ in keys:
                connection.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _ in indexes:
                connection.exec_driver_sql(f'DROP INDEX "{name}"')
            self._restore[table] = [definition for _, definition in indexes] + [
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
                for name, definition in keys
            ]

    def _take(self, tables: Iterable[str] | None) -> list[str]:
        chosen = list(self._restore if tables is None else tables)
        return [s for t in chosen for s in self._restore.pop(t, [])]

    def restore(self, tables: Iterable[str] | None = None) -> None:
        """Build `tables`' indexes (all still set aside, by default) and re-add their keys."""
        for statement in self._take(tables):
            self.connection.exec_driver_sql(statement)

    @contextmanager
    def restoring(self, tables: Iterable[str], also: Iterable[str] = ()) -> Iterator[None]:
        """Restore `tables` by the end of the block, while it runs, then run `also`
        (bringing the search index up to date with them). The work goes to a thread of
        its own, which waits on the database with Python's lock let go (psycopg
        waiting on the server; sqlite3 inside each statement), so the block's Python
        work and the builds overlap: a 100,000-case tracker's cases are indexed while
        their events, members and audit entries are made ready (PostgreSQL 10.4 -> 9.2
        s, SQLite 9.9 -> 9.4 s). The block must not use the connection meanwhile. If it
        raises, its error is raised once the builds have stopped (the caller rolls
        back); a failed build is raised here as SQLAlchemy's DBAPIError."""
        statements = self._take(tables) + list(also)
        if not statements:
            yield
            return
        driver, failed = self.connection.connection.driver_connection, []

        def build() -> None:
            for statement in statements:
                try:
                    driver.execute(statement)
                except Exception as error:  # raised again in the importing thread
                    failed.append((statement, error))
                    return

        builder = threading.Thread(target=build, name="index builds")
        builder.start()
        try:
            yield
        finally:
            builder.join()
        if failed:
            statement, error = failed[0]
            base = self.connection.dialect.loaded_dbapi.Error
            raise sa.exc.DBAPIError.instance(statement, None, error, base) from error


@contextmanager
def built_afterwards(connection: sa.Connection, adding: Mapping[str, int]) -> Iterator[SetAside]:
    """Inside: the secondary indexes (and PostgreSQL's foreign keys) of each table that
    `adding` (table name: rows about to be inserted) at least doubles are gone; after:
    built again from their own definitions, in the same transaction (a table may be
    restored sooner through the `SetAside` yielded). If the body raises, nothing is
    rebuilt: the caller rolls back."""
    with _set_aside(connection, tables_to_set_aside(connection, adding)) as aside:
        yield aside


@contextmanager
def _set_aside(connection: sa.Connection, tables: list[str]) -> Iterator[SetAside]:
    begin_for_schema_changes(connection)
    aside = SetAside(connection, tables)
    yield aside
    aside.restore()


@contextmanager
def bulk_load(
    connection: sa.Connection, adding: Mapping[str, int], bulk: bool, notes: list[str]
) -> Iterator[tuple[SearchIndexCatchUp, SetAside]]:
    """Where an import's new rows are indexed. With `bulk` (the command line's choice)
    and a database user who may change the schema: SQLite's search index brought up to
    date afterwards (`indexed_afterwards`) and the tables the load at least doubles
    set aside (`built_afterwards`). Otherwise, or when `bulk` was asked for by a user
    who does not own the tables (said in `notes`), the plain way: no schema change,
    every index kept in step as the rows go in; the catch-up and the set-aside yielded
    then hold nothing to do."""
    tables = tables_to_set_aside(connection, adding) if bulk else []
    refused = not_owned(connection, tables)
    if refused:
        notes.append(
            "Indexes kept in place while writing (the plain, slower way): the database "
            f"user does not own {', '.join(refused)}. Run the import as the tables' owner "
            "(who runs the migrations) to build them once, afterwards."
        )
    if not bulk or refused:
        yield SearchIndexCatchUp(), SetAside(connection, [])
        return
    with indexed_afterwards(connection) as search, _set_aside(connection, tables) as aside:
        yield search, aside


class SearchIndexCatchUp:
    """What brings SQLite's search index up to date with the rows a bulk insert added,
    table by table (nothing, where there is no such index)."""

    def __init__(self, statements: dict[str, str] | None = None) -> None:
        self._statements = statements or {}

    def take(self, table: str) -> list[str]:
        """The statement that indexes `table`'s new rows, to run now (then not at the end)."""
        return [self._statements.pop(table)] if table in self._statements else []

    def rest(self) -> list[str]:
        return [self._statements.pop(table) for table in list(self._statements)]


@contextmanager
def indexed_afterwards(connection) -> Iterator[SearchIndexCatchUp]:
    """For a bulk insert of new cases and members: the per-row triggers off while it
    runs (each cost several times the row's own insert: a 100,000-row tracker took 45 s
    instead of 18), then every row added meanwhile indexed in one statement a table, all
    in the same transaction (a table's may be taken sooner, to run beside other work).
    Only for code that inserts: an update or delete of an indexed row inside would go
    unseen."""
    if connection.dialect.name != "sqlite" or not fts_exists(connection):
        yield SearchIndexCatchUp()
        return
    begin_for_schema_changes(connection)
    tables = {"cases": CASE_FTS, "household_members": MEMBER_FTS}
    catch_up = {}
    for source, fts in tables.items():
        text = case_text if fts == CASE_FTS else member_text
        before = connection.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {source}").scalar()
        catch_up[source] = (
            f"INSERT INTO {fts}(rowid, text) SELECT id, {text(source)} FROM {source} "
            f"WHERE id > {int(before)}"
        )
    for statement in DROP[: len(tables) * len(TRIGGERS)]:
        connection.exec_driver_sql(statement)
    search = SearchIndexCatchUp(catch_up)
    yield search
    for statement in search.rest():
        connection.exec_driver_sql(statement)
    for statement in CREATE:
        if statement.startswith("CREATE TRIGGER"):
            connection.exec_driver_sql(statement)

"""The text search index over cases, in SQLite's own full-text engine (FTS5 with the
trigram tokenizer, which answers "contains" searches from an index).

Two contentless FTS tables: one row a case with what search looks in (the reference,
the folded name `Case.search_name`, email, phone in E.164, postcode without its space),
and one row a household member with their name. Triggers in the database keep both in
step with every write, whatever path it comes by: the app, the bulk importers (which
bypass the ORM), a restore or a fix by hand. Contentless, so each write costs one index
insert and no copy of the text; a change removes the old entry by giving the old values
again, which the triggers can, since each entry is made from its own row's columns
alone. PostgreSQL keeps trigram indexes on the columns themselves instead (migration
0024), so needs none of this.
"""

from __future__ import annotations

import sqlalchemy as sa

from crm.extensions import db

#: The FTS tables (and the prefix of SQLite's shadow tables behind them), which
#: migrations leave to these statements.
CASE_FTS, MEMBER_FTS = "case_search_fts", "case_search_fts_members"


def case_text(row: str) -> str:
    return (
        f"coalesce(lower({row}.reference), '') || ' ' || coalesce({row}.search_name, '') || ' ' "
        f"|| coalesce(lower({row}.email), '') || ' ' || coalesce({row}.phone_key, '') || ' ' "
        f"|| coalesce(replace({row}.postcode, ' ', ''), '')"
    )


def member_text(row: str) -> str:
    return f"coalesce(lower({row}.full_name), '')"


def _index(table: str, source: str, columns: str, text) -> list[str]:
    """An FTS table over `source` rows, kept by insert, update (of the `columns` its text
    is made of: no other change costs anything) and delete triggers."""
    forget = f"INSERT INTO {table}({table}, rowid, text) VALUES ('delete', old.id, {text('old')});"
    add = f"INSERT INTO {table}(rowid, text) VALUES (new.id, {text('new')});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(text, content='', "
        "tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {table}_ai AFTER INSERT ON {source} BEGIN {add} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_au AFTER UPDATE OF {columns} ON {source} "
        f"BEGIN {forget} {add} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_ad AFTER DELETE ON {source} BEGIN {forget} END",
        f"INSERT INTO {table}(rowid, text) SELECT id, {text(source)} FROM {source}",
    ]


TRIGGERS = ("ai", "au", "ad")

#: Statements that create the indexes, their triggers and their first contents (SQLite).
CREATE = [
    *_index(CASE_FTS, "cases", "reference, search_name, email, phone_key, postcode", case_text),
    *_index(MEMBER_FTS, "household_members", "full_name", member_text),
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS {t}_{when}" for t in (CASE_FTS, MEMBER_FTS) for when in TRIGGERS),
    f"DROP TABLE IF EXISTS {CASE_FTS}",
    f"DROP TABLE IF EXISTS {MEMBER_FTS}",
]

#: PostgreSQL: (index, table, expression) for the trigram indexes that answer the same
#: "contains" searches on the columns themselves (named ix_trgm_*: migrations make them).
TRIGRAM_INDEXES = [
    ("ix_trgm_cases_reference", "cases", "reference"),
    ("ix_trgm_cases_search_name", "cases", "search_name"),
    ("ix_trgm_cases_email", "cases", "email"),
    ("ix_trgm_cases_phone_key", "cases", "phone_key"),
    ("ix_trgm_cases_postcode", "cases", "replace(postcode, ' ', '')"),
    ("ix_trgm_household_members_name", "household_members", "full_name"),
]


def trigram_statements(if_not_exists: str = "") -> list[str]:
    """PostgreSQL: the extension and the trigram indexes (migration 0024 and a fresh
    schema make the same ones)."""
    return ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
        f"CREATE INDEX {if_not_exists}{name} ON {table} USING gin (({expression}) gin_trgm_ops)"
        for name, table, expression in TRIGRAM_INDEXES
    ]


#: The index of the codes of how each case's name sounds (`Case.name_sounds`, see
#: crm.domain.names): SQLite's full-text engine with its word tokenizer (each code a
#: word, so "PRN" matches the code PRN and never the inside of APRN), kept by triggers
#: as above; PostgreSQL's GIN over the codes as a text-search vector of plain words.
SOUNDS_FTS = "case_search_fts_sounds"
SOUNDS_INDEX = "ix_sounds_cases_name_sounds"
SOUNDS_VECTOR = "to_tsvector('simple'::regconfig, coalesce(name_sounds, ''))"


def sounds_text(row: str) -> str:
    return f"coalesce({row}.name_sounds, '')"


def sounds_statements(dialect: str, if_not_exists: str = "") -> list[str]:
    """What makes the index of the names' sounds, and fills it (migration 0048 and a
    fresh schema make the same)."""
    if dialect == "postgresql":
        return [
            f"CREATE INDEX {if_not_exists}{SOUNDS_INDEX} ON cases USING gin (({SOUNDS_VECTOR}))"
        ]
    made = _index(SOUNDS_FTS, "cases", "name_sounds", sounds_text)
    made[0] = made[0].replace("tokenize='trigram'", "tokenize='unicode61'")
    return made


def drop_sounds_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP INDEX IF EXISTS {SOUNDS_INDEX}"]
    return [
        *(f"DROP TRIGGER IF EXISTS {SOUNDS_FTS}_{when}" for when in TRIGGERS),
        f"DROP TABLE IF EXISTS {SOUNDS_FTS}",
    ]


def compact_sounds(connection) -> None:
    """SQLite: merge the index of names' sounds into one segment. FTS5 marks a deleted
    or changed row's words as gone but keeps them in its tables until segments merge;
    after an erasure or anonymisation the codes of the person's name must be gone
    outright (UK GDPR art. 17). The index is small (a few codes a case): 600,000 cases
    compact in well under a second."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"INSERT INTO {SOUNDS_FTS}({SOUNDS_FTS}) VALUES ('optimize')")


def _create(target, connection, **kw) -> None:
    """A schema made by create_all (tests, benchmarks) gets what migrations make."""
    if connection.dialect.name == "postgresql":
        for statement in trigram_statements("IF NOT EXISTS "):
            connection.exec_driver_sql(statement)
        for statement in sounds_statements("postgresql", "IF NOT EXISTS "):
            connection.exec_driver_sql(statement)
    elif connection.dialect.name == "sqlite" and not fts_exists(connection):
        for statement in CREATE + sounds_statements("sqlite"):
            connection.exec_driver_sql(statement)


def fts_exists(connection) -> bool:
    return bool(
        connection.exec_driver_sql(f"SELECT 1 FROM sqlite_master WHERE name = '{CASE_FTS}'").first()
    )


def _drop(target, connection, **kw) -> None:
    if connection.dialect.name == "sqlite":
        for statement in DROP + drop_sounds_statements("sqlite"):
            connection.exec_driver_sql(statement)


# After every table exists (the triggers are on cases and household_members).
sa.event.listen(db.metadata, "after_create", _create)
sa.event.listen(db.metadata, "before_drop", _drop)


def fts_query(needles: list[str]) -> str | None:
    """An FTS5 query matching any of the needles anywhere in the text, each as a phrase
    (so no character in what was typed is read as FTS syntax); None when every needle
    is shorter than a trigram, which the index cannot answer."""
    usable = sorted({n for n in needles if len(n) >= 3})
    if not usable:
        return None
    return " OR ".join('"' + n.replace('"', '""') + '"' for n in usable)


#: The bound parameter holding how many of each FTS table's best matches a ranked search
#: scores and keeps (SQLite's LIMIT -1, its default, keeps every one); the pager sets it
#: to a few pages' worth (crm.pagination.RANKED_TOP).
SEARCH_TOP = "search_top"


def matching_case_ids(query: str, ranked: bool = True) -> sa.Select:
    """Case ids whose own text or any of whose household members' names match an
    `fts_query`, each with its best rank (lower is better, ties newest case first);
    without `ranked`, the ids alone, which FTS5 gives without scoring each match
    (counting 5,343 cases matching "smith" among 600,000: 20 ms ranked, 10 ms not).

    Ranked, each table gives only its best `SEARCH_TOP` matches, ordered and cut inside
    the full-text engine before anything is joined to the cases: the best N of the two
    together are among the best N of each. "smith" at national scale: 29 ms for a page,
    where joining all 5,343 ranked matches to their cases and sorting them took 85 ms."""
    cases = sa.table(CASE_FTS, sa.column("rowid"), sa.column("rank"))
    members = sa.table(MEMBER_FTS, sa.column("rowid"), sa.column("rank"))
    household_members = sa.table("household_members", sa.column("id"), sa.column("case_id"))
    case_match = sa.select(cases.c.rowid.label("case_id")).where(
        sa.text(f"{CASE_FTS} MATCH :fts_query")
    )
    member_match = (
        sa.select(household_members.c.case_id)
        .select_from(members)
        .join(household_members, household_members.c.id == members.c.rowid)
        .where(sa.text(f"{MEMBER_FTS} MATCH :fts_query"))
    )
    if not ranked:
        return sa.union(case_match, member_match).params(fts_query=query)
    top = sa.bindparam(SEARCH_TOP, -1, type_=sa.Integer)
    best = [
        sa.select(
            match.add_columns(rank.label("rank"))
            .order_by(rank, match.selected_columns.case_id.desc())
            .limit(top)
            .subquery()
        )
        for match, rank in ((case_match, cases.c.rank), (member_match, members.c.rank))
    ]
    found = sa.union_all(*best).subquery()
    return (
        sa.select(found.c.case_id, sa.func.min(found.c.rank).label("rank"))
        .group_by(found.c.case_id)
        .params(fts_query=query)
    )


def sounding_like(typed: list[tuple[str, ...]]) -> sa.ColumnElement[bool] | None:
    """Cases whose name holds, for every word typed, one of its codes (crm.domain.names'
    `typed_sounds`), answered from the index of the names' sounds on either database;
    None when nothing typed has a sound. The codes are capitals and digits only, so
    they are written into the query as they are."""
    if not typed:
        return None
    if db.engine.dialect.name == "postgresql":
        query = " & ".join("(" + " | ".join(codes) + ")" for codes in typed)
        return sa.literal_column(SOUNDS_VECTOR).bool_op("@@")(
            sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), query)
        )
    query = " AND ".join("(" + " OR ".join(f'"{c}"' for c in codes) + ")" for codes in typed)
    fts = sa.table(SOUNDS_FTS, sa.column("rowid"))
    cases = db.metadata.tables["cases"]
    return cases.c.id.in_(
        sa.select(fts.c.rowid).where(
            sa.text(f"{SOUNDS_FTS} MATCH :sounds_query").bindparams(sounds_query=query)
        )
    )

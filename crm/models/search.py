"""The text search index over cases, in SQLite's own full-text engine (FTS5 with the
trigram tokenizer, which answers "contains" searches from an index).

One row a case in `case_search_text` holds what search looks in: the reference, the
folded name (`Case.search_name`), email, phone in E.164, postcode without its space and
the names of everyone in the household. Triggers in the database keep it, and the FTS
table over it, in step with every write, whatever path it comes by: the app, the bulk
importers (which bypass the ORM), a restore or a hand-made fix. PostgreSQL keeps its
trigram indexes on the columns themselves (migration 0024), so needs none of this.
"""

from __future__ import annotations

import sqlalchemy as sa

from crm.extensions import db

#: The FTS table (and the prefix of SQLite's own shadow tables behind it), which
#: migrations leave to these statements.
FTS_TABLE = "case_search_fts"

case_search_text = sa.Table(
    "case_search_text",
    db.metadata,
    sa.Column("case_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("text", sa.Text, nullable=False),
)

#: The searchable text of case `id`, as SQL.
_TEXT = """
    coalesce(lower(c.reference), '') || ' ' || coalesce(c.search_name, '') || ' ' ||
    coalesce(lower(c.email), '') || ' ' || coalesce(c.phone_key, '') || ' ' ||
    coalesce(replace(c.postcode, ' ', ''), '') || ' ' ||
    coalesce((SELECT group_concat(lower(m.full_name), ' ') FROM household_members m
              WHERE m.case_id = c.id), '')
"""

#: Statements that create the index, its triggers and its first contents (SQLite).
CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(text, content='case_search_text', "
    "content_rowid='case_id', tokenize='trigram')",
    # The FTS index follows the text table (FTS5's external-content pattern).
    f"""CREATE TRIGGER IF NOT EXISTS
        case_search_text_ai AFTER INSERT ON case_search_text BEGIN
        INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.case_id, new.text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS
        case_search_text_ad AFTER DELETE ON case_search_text BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text)
        VALUES ('delete', old.case_id, old.text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS
        case_search_text_au AFTER UPDATE ON case_search_text BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text)
        VALUES ('delete', old.case_id, old.text);
        INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.case_id, new.text); END""",
    # The text follows the cases and the people in them.
    f"""CREATE TRIGGER IF NOT EXISTS
        cases_search_ai AFTER INSERT ON cases BEGIN
        INSERT INTO case_search_text(case_id, text)
        SELECT c.id, {_TEXT} FROM cases c WHERE c.id = new.id; END""",
    f"""CREATE TRIGGER IF NOT EXISTS
        cases_search_au AFTER UPDATE OF reference, search_name, email,
        phone_key, postcode ON cases BEGIN
        UPDATE case_search_text SET text = (SELECT {_TEXT} FROM cases c WHERE c.id = new.id)
        WHERE case_id = new.id; END""",
    """CREATE TRIGGER IF NOT EXISTS cases_search_ad AFTER DELETE ON cases BEGIN
        DELETE FROM case_search_text WHERE case_id = old.id; END""",
    *(
        f"""CREATE TRIGGER IF NOT EXISTS
        household_members_search_{when} AFTER {event} ON household_members
        BEGIN UPDATE case_search_text SET text = (SELECT {_TEXT} FROM cases c
        WHERE c.id = {row}.case_id) WHERE case_id = {row}.case_id; END"""
        for when, event, row in (
            ("ai", "INSERT", "new"),
            ("au", "UPDATE OF full_name, case_id", "new"),
            ("ad", "DELETE", "old"),
        )
    ),
    f"""INSERT INTO case_search_text(case_id, text) SELECT c.id, {_TEXT} FROM cases c
        WHERE c.id NOT IN (SELECT case_id FROM case_search_text)""",
]
DROP = [f"DROP TABLE IF EXISTS {FTS_TABLE}"]

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


def _create(target, connection, **kw) -> None:
    if connection.dialect.name == "sqlite":
        for statement in CREATE:
            connection.exec_driver_sql(statement)


def _drop(target, connection, **kw) -> None:
    if connection.dialect.name == "sqlite":
        for statement in DROP:
            connection.exec_driver_sql(statement)


# After every table exists (the triggers name cases and household_members).
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


def matching_case_ids(query: str) -> sa.Select:
    """Case ids whose searchable text matches an `fts_query`, best match first."""
    fts = sa.table(FTS_TABLE, sa.column("rowid"), sa.column("rank"))
    return sa.select(fts.c.rowid.label("case_id"), fts.c.rank.label("rank")).where(
        sa.text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=query)
    )

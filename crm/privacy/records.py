"""What Hearth holds about a case or a household: every table that points at it,
found from the models' foreign keys.

A table added later is in the subject access export, in anonymisation and in the
erasure scrub of the audit trail without anyone remembering to add it; a link that
is not the person's own data must be opted out here, with the reason, and so must a
text column anonymisation keeps.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from crm.extensions import db
from crm.models.corrections import including_voided

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


#: Text a case keeps when it is anonymised: codes and references the service made,
#: which the statistics read. Every other text column of the case and of each row that
#: belongs to it is cleared, a new one included.
KEPT_WHEN_ANONYMISED: dict[tuple[str, str], str] = {
    ("cases", "reference"): "the service's own reference, which the statistics count by",
    ("cases", "source"): "a code from the list of enquiry sources",
    ("cases", "campaign"): "the name of the service's campaign, from its list",
    ("cases", "outcome_reason"): "a withdrawal or refusal reason's code",
    ("cases", "panel_recommendation"): "the panel's recommendation, a code",
    ("cases", "intended_categories"): "codes for the kinds of care hoped to be offered",
    ("stage_events", "reason"): "a withdrawal or refusal reason's code",
    ("merged_cases", "reference"): "the service's reference of a duplicate enquiry",
    ("notifications", "link"): "the path of the page the message opened, an id",
    ("outreach_messages", "dedupe_key"): (
        "the record's id, the kind of message and its due date: unique, so it cannot be emptied"
    ),
    ("outreach_messages", "provider_id"): "GOV.UK Notify's id of the message, a code",
    ("door_links", "token_hash"): "the digest of a one-time sign-in link, which names nobody",
    ("door_links", "code_hash"): "the digest of a one-time sign-in code, which names nobody",
    ("door_sections", "section"): "a section's code from the application's task list",
}


def free_text(model: type[db.Model]) -> list[str]:
    """The attributes of `model` that hold text someone typed (or that was made from it):
    strings and JSON that are neither codes from a list (enums), keys, nor kept."""
    table = model.__table__.name
    return [
        attr.key
        for attr in sa.inspect(model).column_attrs
        for column in attr.columns[:1]
        if isinstance(column.type, sa.String | sa.Text | sa.JSON)
        and not isinstance(column.type, sa.Enum)
        and not column.primary_key
        and (table, column.name) not in KEPT_WHEN_ANONYMISED
    ]


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
            sa.select(model)
            .where(column == root.id)
            .order_by(*model.__table__.primary_key)
            # a voided record is still the person's data: exported, anonymised, erased
            .execution_options(**including_voided())
        ).all()
        found.setdefault(model.__table__.name, []).extend(rows)
    return found

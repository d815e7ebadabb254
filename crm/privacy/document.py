"""The subject access bundle as a document a person can be sent: headed sections in
plain words, dates the UK way, labels instead of codes, and none of the system's
bookkeeping (keys, versions, search columns). The JSON and CSV stay for a machine.

Every table the export holds is in the document too: a section comes from each table
`records_about` finds, titled here when it has a title, else from its name."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from crm.admin.audit_entries import INTERNAL, words
from crm.domain.household_vocabulary import outcome_label
from crm.domain.stages import reason_label
from crm.enquiry_sources import source_label
from crm.extensions import db
from crm.formatting import uk_date, uk_datetime
from crm.models import AuditEvent, CareCategory, Case, Household, User
from crm.privacy.records import records_about

WITHHELD = "Withheld: this is about someone else"

#: What each table is, to the person reading about themselves.
SECTION_TITLES = {
    "activities": "Calls, emails, visits and notes",
    "checks": "Checks made during your assessment",
    "flags": "Reminders the service set itself",
    "household_members": "People in your household",
    "merged_cases": "Enquiries of yours that were joined into this one",
    "notifications": "Messages to staff about you",
    "stage_events": "Steps in your enquiry and application",
    "temporary_approvals": "Temporary approval",
    "approval_terms": "Terms of your approval",
    "carer_events": "Visits, reviews, training and other records",
    "carers": "Foster carers in the household",
    "household_breaks": "Breaks from fostering",
    "placements": "Children placed with you",
    "referrals": "Children offered to you, and your answers",
    "residents": "Other people who live with you",
    "risk_scores": "Estimates of whether you might stop fostering",
    "unavailable_places": "Times your places were not available",
}

#: Column names that read badly as words.
LABELS = {
    "owner_id": "Recruitment officer",
    "assessing_worker_id": "Assessing social worker",
    "supervising_worker_id": "Supervising social worker",
    "recorded_by_id": "Recorded by",
    "user_id": "Sent to",
    "created_by_id": "Recorded by",
    "dbs_issued_on": "Latest DBS certificate issued on",
    "tsd": "TSD standards",
    "kind": "What",
    "stage2_start_date": "Stage 2 start date",
    "min_age": "Youngest age",
    "max_age": "Oldest age",
    "is_applicant": "Applicant",
    "birth_date": "Date of birth",
    "on": "Date",
    "occurred_on": "Date",
}

#: Columns holding a code from a list, and how to say it.
IN_WORDS = {
    "source": lambda code: source_label(code) if code else "",
    "outcome_reason": reason_label,
    "reason": reason_label,
    "outcome": lambda code: outcome_label(code) if code else "",
    "categories": lambda codes: ", ".join(CareCategory(c).label for c in codes or ()),
}

#: Never shown: the system's own keys and bookkeeping.
HIDDEN = INTERNAL | {
    "id",
    "reference_number",
    "model_id",
    "chain_hash",
    "personal_digest",
    "link",  # a notification's page in Hearth: an address only staff can open
}


@dataclass
class Section:
    title: str
    items: list[list[tuple[str, str]]] = field(default_factory=list)


@dataclass
class Document:
    heading: str
    reference: str
    produced_on: date
    sections: list[Section]
    access_log: list[tuple[str, str, str]]


def _value(value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, enum.Enum):
        return getattr(value, "label", str(value.value).replace("_", " ").capitalize())
    if isinstance(value, datetime):
        return uk_datetime(value)
    if isinstance(value, date):
        return uk_date(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    return str(value)


def _label(name: str) -> str:
    return LABELS.get(name) or words(name).capitalize()


def _people_columns(table: sa.Table) -> set[str]:
    """Foreign keys to staff, which the document names; other keys are links it hides."""
    return {
        c.key
        for c in table.columns
        if any(k.column.table is User.__table__ for k in c.foreign_keys)
    }


def _item(record: db.Model) -> list[tuple[str, str]]:
    """A record's facts as (label, value), in column order, empty ones left out."""
    table = record.__table__
    staff = _people_columns(table)
    hidden = getattr(record, "__audit_redact__", frozenset())
    withheld = getattr(record, "__export_withhold__", frozenset())
    rows = []
    for column in table.columns:
        name = column.key
        if name in HIDDEN or name in hidden:
            continue
        if name in withheld:
            rows.append((_label(name), WITHHELD))
            continue
        if name in staff:
            person = db.session.get(User, getattr(record, name)) if getattr(record, name) else None
            value = person.full_name if person else ""
        elif column.foreign_keys:
            continue
        elif name in IN_WORDS:
            value = IN_WORDS[name](getattr(record, name))
        else:
            value = _value(getattr(record, name))
        if value:
            rows.append((_label(name), value))
    return rows


def _sections(root: db.Model) -> list[Section]:
    return [
        Section(SECTION_TITLES.get(table, words(table).capitalize()), [_item(r) for r in rows])
        for table, rows in records_about(root).items()
        if rows
    ]


def _access_log(entity_type: str, entity_id: int) -> list[tuple[str, str, str]]:
    entries = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        (
            uk_datetime(e.at),
            e.user.full_name if e.user else (e.actor or "The system"),
            e.action.label,
        )
        for e in entries
    ]


def case_document(case: Case) -> Document:
    return Document(
        heading=f"Information held about {case.display_name}",
        reference=case.reference,
        produced_on=date.today(),
        sections=[Section("Your enquiry and application", [_item(case)]), *_sections(case)],
        access_log=_access_log("Case", case.id),
    )


def household_document(household: Household) -> Document:
    sections = [Section("Your approval as foster carers", [_item(household)])]
    sections += _sections(household)
    if household.case:
        sections.append(Section("Your application", [_item(household.case)]))
        sections += _sections(household.case)
    return Document(
        heading=f"Information held about {household.display_name}",
        reference=household.reference,
        produced_on=date.today(),
        sections=sections,
        access_log=_access_log("Household", household.id)
        + (_access_log("Case", household.case.id) if household.case else []),
    )

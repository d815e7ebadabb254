"""Writing validated tracker rows: bulk-create new cases, update changed ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from crm.domain.names import name_sounds
from crm.domain.stages import Stage
from crm.extensions import db
from crm.imports import recorded as history
from crm.imports.bulk import (
    audit_imported,
    audit_rows,
    import_page_cache,
    insert_cases,
    insert_rows,
    insert_with_ids,
)
from crm.imports.indexes import bulk_load
from crm.imports.recorded import Recorded, households_held
from crm.imports.result import ImportResult
from crm.models import (
    Activity,
    ActivityKind,
    AuditAction,
    AuditEvent,
    Carer,
    Case,
    Household,
    HouseholdMember,
    HouseholdStatus,
    StageEvent,
)
from crm.models.case import cached_columns, search_name_for
from crm.models.sets import among
from crm.timeutil import utcnow

if TYPE_CHECKING:
    from crm.imports.tracker import TrackerRow

#: New cases written a batch at a time: each batch is a statement (a COPY) a table, so
#: fewer is quicker, up to SQLite's limit of parameters for reading ids back (32,766).
WRITE_CHUNK = 5000


def _existing(references: list[str]) -> dict[str, Case]:
    """Cases to update, loaded with what _update reads."""
    found = {}
    for start in range(0, len(references), history.CHUNK):
        chunk = references[start : start + history.CHUNK]
        query = (
            sa.select(Case)
            .where(among(Case.reference, chunk))
            .options(selectinload(Case.events), selectinload(Case.activities))
        )
        found.update({c.reference: c for c in db.session.scalars(query)})
    return found


def import_rows(
    rows: list[TrackerRow],
    recorded: dict[str, Recorded],
    today: date,
    progress: Callable[[int], None] | None = None,
    bulk: bool = False,
) -> ImportResult:
    """Write validated rows: update existing cases, bulk-create new ones (with `bulk`,
    the command line's choice, a first load's indexes set aside: `bulk_load`). Does not
    commit."""
    result = ImportResult()
    new_rows = [r for r in rows if r.reference not in recorded]
    changed = [
        r
        for r in rows
        if r.reference in recorded and not history.unchanged(r, recorded[r.reference])
    ]
    result.unchanged = len(rows) - len(new_rows) - len(changed)
    existing = _existing([r.reference for r in changed])
    for row in changed:
        if _update(existing[row.reference], row, today):
            result.updated += 1
        else:
            result.unchanged += 1
    _create(new_rows, progress, bulk, result.notes)
    result.created = len(new_rows)
    if progress and len(rows) > len(new_rows):
        progress(len(rows) - len(new_rows))
    db.session.flush()
    _households_for_approved([r.reference for r in rows if r.state.stage is Stage.APPROVED])
    db.session.flush()
    return result


def _rows_added(rows: list[TrackerRow]) -> dict[str, int]:
    """How many rows creating these cases adds to each table."""
    approved = sum(1 for r in rows if r.state.stage is Stage.APPROVED)
    return {
        Case.__tablename__: len(rows),
        StageEvent.__tablename__: sum(len(r.steps) for r in rows),
        HouseholdMember.__tablename__: len(rows),
        Activity.__tablename__: sum(1 for r in rows if r.last_contact)
        + sum(1 for r in rows if r.note),
        Household.__tablename__: approved,
        Carer.__tablename__: approved,
        AuditEvent.__tablename__: len(rows) + approved,
    }


def _households_for_approved(references: list[str]) -> None:
    """An approved case is an approved household, imported or approved on screen: create
    the household each approved case lacks (never a second one)."""
    held = households_held(references)
    missing = [r for r in references if r not in held]
    for start in range(0, len(missing), history.CHUNK):
        chunk = missing[start : start + history.CHUNK]
        query = (
            sa.select(Case).where(among(Case.reference, chunk)).options(selectinload(Case.members))
        )
        for case in db.session.scalars(query):
            Household.for_approved_case(case)


def _approved_households(approved: list[tuple[int, dict]]) -> None:
    """New approved cases' households in a few statements, made by the same rule as
    approving on screen (`Household.approved_from`)."""
    if not approved:
        return
    households, carers = [], {}
    for case_id, case in approved:
        applicant = SimpleNamespace(
            is_applicant=True,
            full_name=f"{case['first_name']} {case['last_name']}".strip() or case["reference"],
            birth_date=None,
        )
        shaped = SimpleNamespace(
            **case,
            address=None,
            members=[applicant],
            display_name=f"{case['first_name']} {case['last_name']}",
        )
        columns, carers[case["reference"]] = Household.approved_from(shaped)
        households.append(
            {
                **columns,
                "case_id": case_id,
                "status": HouseholdStatus.ACTIVE,
                "version": 1,
                "created_at": utcnow(),
            }
        )
    ids = insert_with_ids(Household, households)
    insert_rows(
        Carer,
        [{"household_id": ids[ref], **carer} for ref, made in carers.items() for carer in made],
    )
    audit_imported(
        AuditAction.CREATED,
        "Household",
        {ids[ref]: f"{ref} approved: imported from a tracker" for ref in carers},
    )


def _fingerprint(case: Case) -> tuple:
    """What a re-import may change, to tell 'updated' from 'unchanged'."""
    return (
        case.first_name,
        case.last_name,
        case.email,
        case.phone,
        case.postcode,
        case.source,
        case.carer_type,
        case.campaign,
        len(case.events),
        case.last_activity_date,
    )


def _update(case: Case, row: TrackerRow, today: date) -> bool:
    """Apply a re-imported row to its case; True when anything changed."""
    before = _fingerprint(case)
    for name in ("first_name", "last_name", "postcode", "source", "carer_type", "campaign"):
        value = getattr(row, name)
        if value and getattr(case, name) != value:
            setattr(case, name, value)
    email, phone = row.email or case.email, row.phone or case.phone
    if (email, phone) != (case.email, case.phone):
        case.set_contact(email, phone)
    for step in row.steps[len(case.events) :]:
        case.record_step(step.kind, step.on, None, reason=step.reason, as_of=today)
    if row.last_contact and not any(a.occurred_on == row.last_contact for a in case.activities):
        case.log_activity(ActivityKind.CALL, row.last_contact, None, note=IMPORTED_CONTACT)
    noted = imported_note(row.note)
    if noted and not any(a.note == noted for a in case.activities):
        case.log_activity(ActivityKind.NOTE, case.enquiry_date, None, note=noted)
        return True
    return _fingerprint(case) != before


IMPORTED_CONTACT = "Last recorded contact (imported from tracker)"
IMPORTED_NOTE = history.IMPORTED_NOTE


def imported_note(note: str | None) -> str | None:
    """What a row's other columns say, as the case's note records it. Dated on the
    enquiry, so it moves no clock: a note is not contact with the household."""
    return f"{IMPORTED_NOTE}\n{note}" if note else None


def _case_values(row: TrackerRow) -> dict:
    """A new case's row: the same cached fold `Case.record_step` writes."""
    state = row.state
    return {
        **cached_columns(state),
        "reference": row.reference,
        "carer_type": row.carer_type,
        "source": row.source,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "email": row.email,
        "phone": row.phone,
        "phone_key": Case.phone_key_for(row.phone),
        "search_name": search_name_for(row.first_name, row.last_name),
        "name_sounds": name_sounds(row.first_name, row.last_name),
        "postcode": row.postcode,
        "campaign": row.campaign,
        "last_activity_date": max(filter(None, [state.last_event_on, row.last_contact])),
    }


def _create(
    rows: list[TrackerRow],
    progress: Callable[[int], None] | None,
    bulk: bool,
    notes: list[str],
) -> None:
    """Insert new cases a batch at a time, with the households of those already
    approved; then what each case brings with it (its steps, its applicant, its last
    contact), made ready while the cases' indexes are built (on the bulk path); then
    its audit entry, made ready while those are."""
    connection = db.session.connection()
    with (
        import_page_cache(connection),
        bulk_load(connection, _rows_added(rows), bulk, notes) as (search, aside),
    ):
        ids: dict[str, int] = {}
        for start in range(0, len(rows), WRITE_CHUNK):
            ids.update(_create_cases(rows[start : start + WRITE_CHUNK]))
            if progress:
                progress(min(WRITE_CHUNK, len(rows) - start))
        with aside.restoring(CASE_TABLES, also=search.take(Case.__tablename__)):
            following = _following(rows, ids)
        _write(following)
        # the audit entries last, made ready while the rest are indexed
        tables = [model.__tablename__ for model, _ in following]
        with aside.restoring(tables, also=search.take(HouseholdMember.__tablename__)):
            audit = audit_rows(
                AuditAction.CREATED,
                "Case",
                {ids[r.reference]: f"{r.reference} imported from a tracker" for r in rows},
            )
        _write([(AuditEvent, audit)])


def _write(tables: list[tuple[type, list[dict]]]) -> None:
    for model, values in tables:
        insert_rows(model, values, batch=FOLLOWING_CHUNK)


#: The tables a new case's own row goes to (an approved case's household too).
CASE_TABLES = [Case.__tablename__, Household.__tablename__, Carer.__tablename__]
#: Rows of one table written by a statement, after the cases.
FOLLOWING_CHUNK = 50_000


def _create_cases(rows: list[TrackerRow]) -> dict[str, int]:
    """Insert a batch of new cases, and the households of those already approved;
    their ids by reference."""
    values = [_case_values(r) for r in rows]
    ids = insert_cases(values)
    _approved_households([(ids[v["reference"]], v) for v in values if v["stage"] is Stage.APPROVED])
    return ids


def _following(rows: list[TrackerRow], ids: dict[str, int]) -> list[tuple[type, list[dict]]]:
    """The rows new cases bring with them, by table (their audit entries apart): no
    database work, so it can run while the database builds the cases' indexes."""
    now = utcnow()
    events = [
        {
            "case_id": ids[r.reference],
            "kind": s.kind,
            "occurred_on": s.on,
            "reason": s.reason,
            "recorded_at": now,
        }
        for r in rows
        for s in r.steps
    ]
    members = [
        {
            "case_id": ids[r.reference],
            "is_applicant": True,
            "full_name": f"{r.first_name} {r.last_name}".strip() or r.reference,
        }
        for r in rows
    ]
    contacts = [
        {
            "case_id": ids[r.reference],
            "kind": ActivityKind.CALL,
            "occurred_on": r.last_contact,
            "note": IMPORTED_CONTACT,
            "recorded_at": now,
        }
        for r in rows
        if r.last_contact
    ]
    notes = [
        {
            "case_id": ids[r.reference],
            "kind": ActivityKind.NOTE,
            "occurred_on": r.steps[0].on,
            "note": imported_note(r.note),
            "recorded_at": now,
        }
        for r in rows
        if r.note
    ]
    return [(StageEvent, events), (HouseholdMember, members), (Activity, contacts + notes)]

"""Import a recruitment tracker spreadsheet: one row per prospective household.

Columns (exact names; only reference and enquiry_date are required):
    reference, enquiry_date, source, carer_type, first_name, last_name, email,
    phone, postcode, first_contact_date, initial_visit_date, application_date,
    stage2_start_date, panel_date, approval_date, outcome, outcome_date,
    withdrawal_reason, last_contact_date

Each row becomes the same dated steps an officer would record, checked by the
same rules (crm.domain.stages), so an import can never hold a case the screens
would refuse. Re-importing updates cases by reference and never duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import selectinload

from crm.audit import current_actor
from crm.domain.reference import ENQUIRY_SOURCES
from crm.domain.stages import (
    REASONS_REQUIRED,
    CaseState,
    EventKind,
    Step,
    TransitionRefused,
    replay,
)
from crm.extensions import db
from crm.imports.reading import RowError, Table, check_headers, parse_date
from crm.models import (
    Activity,
    ActivityKind,
    AuditAction,
    AuditEvent,
    CarerType,
    Case,
    HouseholdMember,
    StageEvent,
)
from crm.timeutil import utcnow

COLUMNS = [
    "reference", "enquiry_date", "source", "carer_type", "first_name", "last_name", "email",
    "phone", "postcode", "first_contact_date", "initial_visit_date", "application_date",
    "stage2_start_date", "panel_date", "approval_date", "outcome", "outcome_date",
    "withdrawal_reason", "last_contact_date",
]  # fmt: skip
REQUIRED = ["reference", "enquiry_date"]
MILESTONE_COLUMNS = [
    (EventKind.ENQUIRY, "enquiry_date"),
    (EventKind.FIRST_CONTACT, "first_contact_date"),
    (EventKind.INITIAL_VISIT, "initial_visit_date"),
    (EventKind.APPLICATION, "application_date"),
    (EventKind.STAGE2_START, "stage2_start_date"),
    (EventKind.PANEL, "panel_date"),
    (EventKind.APPROVAL, "approval_date"),
]
COLUMN_OF_STEP = dict(MILESTONE_COLUMNS)
DATE_COLUMNS = [c for _, c in MILESTONE_COLUMNS] + ["outcome_date", "last_contact_date"]
OUTCOME_STEPS = {
    "withdrawn_by_applicant": EventKind.WITHDRAWN_BY_APPLICANT,
    "withdrawn_by_service": EventKind.WITHDRAWN_BY_SERVICE,
    "rejected": EventKind.REJECTED,
    "on_hold": EventKind.ON_HOLD,
}
OUTCOMES = ["open", "approved", *OUTCOME_STEPS]
MAX_LENGTH = {"reference": 40, "source": 40, "first_name": 80, "last_name": 80,
              "email": 254, "phone": 40, "postcode": 10}  # fmt: skip
SOURCES_BY_NAME = {**{c: c for c in ENQUIRY_SOURCES},
                   **{label.lower(): c for c, label in ENQUIRY_SOURCES.items()}}  # fmt: skip
CHUNK = 1000


@dataclass
class TrackerRow:
    row: int
    reference: str
    carer_type: CarerType
    source: str
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    postcode: str | None
    steps: list[Step]
    state: CaseState
    last_contact: date | None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)

    @property
    def written(self) -> int:
        return self.created + self.updated + self.unchanged


class _RowProblem(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def _text(cells: dict[str, str], column: str) -> str:
    value = cells.get(column, "")
    if column in MAX_LENGTH and len(value) > MAX_LENGTH[column]:
        raise _RowProblem(column, f"longer than {MAX_LENGTH[column]} characters")
    return value


def _dates(cells: dict[str, str]) -> dict[str, date]:
    found = {}
    for column in DATE_COLUMNS:
        if cells.get(column):
            try:
                found[column] = parse_date(cells[column])
            except ValueError as exc:
                raise _RowProblem(column, str(exc)) from None
    return found


def _milestone_steps(dates: dict[str, date]) -> list[Step]:
    steps = []
    for index, (kind, column) in enumerate(MILESTONE_COLUMNS):
        if column not in dates:
            later = [c for _, c in MILESTONE_COLUMNS[index + 1 :] if c in dates]
            if later:
                raise _RowProblem(later[0], f"given without {column}: a stage cannot be skipped")
            break
        steps.append(Step(kind, dates[column]))
    return steps


def _outcome_step(cells: dict[str, str], dates: dict[str, date]) -> Step | None:
    outcome = cells.get("outcome") or "open"
    reason = cells.get("withdrawal_reason") or None
    if outcome not in OUTCOMES:
        raise _RowProblem(
            "outcome", f"unknown outcome {outcome!r}; use one of {', '.join(OUTCOMES)}"
        )
    if ("approval_date" in dates) != (outcome == "approved"):
        raise _RowProblem("approval_date", "is given exactly when the outcome is approved")
    kind = OUTCOME_STEPS.get(outcome)
    if reason and kind not in REASONS_REQUIRED:
        raise _RowProblem("withdrawal_reason", f"given for an outcome of {outcome}")
    if kind is None:
        if "outcome_date" in dates and outcome == "open":
            raise _RowProblem("outcome_date", "given for an open case")
        return None
    if "outcome_date" not in dates:
        raise _RowProblem("outcome_date", f"required when the outcome is {outcome}")
    if kind in REASONS_REQUIRED:
        if not reason:
            raise _RowProblem("withdrawal_reason", f"required when the outcome is {outcome}")
        if reason not in REASONS_REQUIRED[kind]:
            allowed = ", ".join(REASONS_REQUIRED[kind])
            raise _RowProblem("withdrawal_reason", f"unknown code {reason!r}; use {allowed}")
    return Step(kind, dates["outcome_date"], reason)


def _contact(cells: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    email = _text(cells, "email").lower() or None
    if email:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError as exc:
            raise _RowProblem("email", str(exc)) from None
    phone = _text(cells, "phone") or None
    postcode = " ".join(_text(cells, "postcode").upper().split()) or None
    return email, phone, postcode


def _parse_row(number: int, cells: dict[str, str], today: date) -> TrackerRow:
    reference = _text(cells, "reference")
    if not reference:
        raise _RowProblem("reference", "required")
    carer_type = cells.get("carer_type") or "mainstream"
    if carer_type not in {c.value for c in CarerType}:
        raise _RowProblem("carer_type", f"unknown {carer_type!r}; use mainstream or kinship")
    source_text = _text(cells, "source")
    source = SOURCES_BY_NAME.get(source_text.lower()) if source_text else "other"
    if source is None:
        allowed = ", ".join(ENQUIRY_SOURCES)
        raise _RowProblem("source", f"unknown source {source_text!r}; use {allowed}")
    dates = _dates(cells)
    if "enquiry_date" not in dates:
        raise _RowProblem("enquiry_date", "required")
    steps = _milestone_steps(dates)
    outcome = _outcome_step(cells, dates)
    steps += [outcome] if outcome else []
    try:
        state = replay(steps, today)
    except TransitionRefused as refused:
        bad = next((s for s in steps if s.on > today), None) or _first_out_of_order(steps)
        column = COLUMN_OF_STEP.get(bad.kind, "outcome_date") if bad else "outcome"
        raise _RowProblem(column, str(refused)) from None
    last_contact = dates.get("last_contact_date")
    if last_contact and not dates["enquiry_date"] <= last_contact <= today:
        raise _RowProblem("last_contact_date", "must be between the enquiry date and today")
    email, phone, postcode = _contact(cells)
    return TrackerRow(number, reference, CarerType(carer_type), source,
                      _text(cells, "first_name"), _text(cells, "last_name"), email, phone,
                      postcode, steps, state, last_contact)  # fmt: skip


def _first_out_of_order(steps: list[Step]) -> Step | None:
    for before, after in zip(steps, steps[1:], strict=False):
        if after.on < before.on:
            return after
    return None


def validate(table: Table, today: date) -> tuple[list[TrackerRow], list[RowError]]:
    """Check every row against the file rules, the stage rules and what Hearth holds."""
    check_headers(table.headers, COLUMNS, REQUIRED)
    rows, errors, seen = [], [], {}
    for number, cells in enumerate(table.rows, start=2):
        try:
            row = _parse_row(number, cells, today)
        except _RowProblem as problem:
            errors.append(RowError(number, problem.column, problem.reason))
            continue
        if row.reference in seen:
            errors.append(RowError(number, "reference", f"repeats row {seen[row.reference]}"))
            continue
        seen[row.reference] = number
        rows.append(row)
    errors += _conflicts_with_hearth(rows)
    bad = {e.row for e in errors}
    return [r for r in rows if r.row not in bad], sorted(errors)


def _existing(references: list[str]) -> dict[str, Case]:
    found = {}
    for start in range(0, len(references), CHUNK):
        chunk = references[start : start + CHUNK]
        query = (
            sa.select(Case)
            .where(Case.reference.in_(chunk))
            .options(selectinload(Case.events), selectinload(Case.activities))
        )
        found.update({c.reference: c for c in db.session.scalars(query)})
    return found


def _conflicts_with_hearth(rows: list[TrackerRow]) -> list[RowError]:
    """A re-imported row may add later steps, never rewrite recorded ones."""
    existing = _existing([r.reference for r in rows])
    errors = []
    for row in rows:
        case = existing.get(row.reference)
        if case is None:
            continue
        recorded = case.steps()
        shared = min(len(recorded), len(row.steps))
        if recorded[:shared] != row.steps[:shared]:
            where = next(i for i in range(shared) if recorded[i] != row.steps[i])
            step = recorded[where]
            errors.append(
                RowError(
                    row.row,
                    "reference",
                    (
                        f"case {row.reference} already records {step.kind.label.lower()} on "
                        f"{step.on:%d/%m/%Y}; the file says otherwise, so it was not changed"
                    ),
                )
            )
    return errors


def import_tracker(
    table: Table,
    today: date,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Validate the whole file, then import it all, or (with skip_invalid) its good rows.

    Without skip_invalid, one bad row means nothing is written and every bad
    row is reported. Does not commit: the caller commits or rolls back.
    """
    rows, errors = validate(table, today)
    if errors and not skip_invalid:
        return ImportResult(errors=errors, bad_rows={e.row for e in errors})
    result = import_rows(rows, today, progress)
    result.errors, result.bad_rows = errors, {e.row for e in errors}
    return result


def import_rows(
    rows: list[TrackerRow], today: date, progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Write validated rows: update existing cases, bulk-create new ones. Does not commit."""
    result = ImportResult()
    existing = _existing([r.reference for r in rows])
    new_rows = []
    for row in rows:
        case = existing.get(row.reference)
        if case is None:
            new_rows.append(row)
        elif _update(case, row, today):
            result.updated += 1
        else:
            result.unchanged += 1
    for start in range(0, len(new_rows), CHUNK):
        _create(new_rows[start : start + CHUNK])
        if progress:
            progress(min(CHUNK, len(new_rows) - start))
    result.created = len(new_rows)
    if progress and len(rows) > len(new_rows):
        progress(len(rows) - len(new_rows))
    db.session.flush()
    return result


def _update(case: Case, row: TrackerRow, today: date) -> bool:
    """Apply a re-imported row to its case; True when anything changed."""
    before = (case.first_name, case.last_name, case.email, case.phone, case.postcode,
              case.source, case.carer_type, len(case.events), case.last_activity_date)  # fmt: skip
    for name in ("first_name", "last_name", "postcode", "source", "carer_type"):
        value = getattr(row, name)
        if value:
            setattr(case, name, value)
    if row.email or row.phone:
        case.set_contact(row.email or case.email, row.phone or case.phone)
    for step in row.steps[len(case.events) :]:
        case.record_step(step.kind, step.on, None, reason=step.reason, today_=today)
    if row.last_contact and not any(a.occurred_on == row.last_contact for a in case.activities):
        case.log_activity(ActivityKind.CALL, row.last_contact, None, note=IMPORTED_CONTACT)
    after = (case.first_name, case.last_name, case.email, case.phone, case.postcode,
             case.source, case.carer_type, len(case.events), case.last_activity_date)  # fmt: skip
    return before != after


IMPORTED_CONTACT = "Last recorded contact (imported from tracker)"


def _case_values(row: TrackerRow) -> dict:
    state, dates = row.state, row.state.milestones
    last = max(filter(None, [state.last_event_on, row.last_contact]))
    return {
        "reference": row.reference, "carer_type": row.carer_type, "source": row.source,
        "first_name": row.first_name, "last_name": row.last_name, "email": row.email,
        "phone": row.phone, "phone_key": Case.phone_key_for(row.phone),
        "postcode": row.postcode, "stage": state.stage, "on_hold": state.on_hold,
        "held_since": state.held_since, "resumed_on": state.resumed_on,
        "enquiry_date": dates[EventKind.ENQUIRY],
        "first_contact_date": dates.get(EventKind.FIRST_CONTACT),
        "initial_visit_date": dates.get(EventKind.INITIAL_VISIT),
        "application_date": dates.get(EventKind.APPLICATION),
        "stage2_start_date": dates.get(EventKind.STAGE2_START),
        "panel_date": dates.get(EventKind.PANEL), "approval_date": dates.get(EventKind.APPROVAL),
        "outcome_date": state.outcome_date, "outcome_reason": state.outcome_reason,
        "last_activity_date": last,
    }  # fmt: skip


def _create(rows: list[TrackerRow]) -> None:
    """Insert a chunk of new cases and their events in a few statements."""
    ids = dict(db.session.execute(
        sa.insert(Case).returning(Case.reference, Case.id), [_case_values(r) for r in rows]
    ).all())  # fmt: skip
    now, actor = utcnow(), current_actor()
    events = [{"case_id": ids[r.reference], "kind": s.kind, "occurred_on": s.on,
               "reason": s.reason, "recorded_at": now} for r in rows for s in r.steps]  # fmt: skip
    db.session.execute(sa.insert(StageEvent), events)
    members = [{"case_id": ids[r.reference], "is_applicant": True,
                "full_name": f"{r.first_name} {r.last_name}".strip() or r.reference}
               for r in rows]  # fmt: skip
    db.session.execute(sa.insert(HouseholdMember), members)
    contacts = [{"case_id": ids[r.reference], "kind": ActivityKind.CALL,
                 "occurred_on": r.last_contact, "note": IMPORTED_CONTACT, "recorded_at": now}
                for r in rows if r.last_contact]  # fmt: skip
    if contacts:
        db.session.execute(sa.insert(Activity), contacts)
    db.session.execute(sa.insert(AuditEvent), [
        {"at": now, "user_id": actor.user_id, "actor": actor.name, "action": AuditAction.CREATED,
         "entity_type": "Case", "entity_id": str(ids[r.reference]),
         "summary": f"{r.reference} imported from a tracker", "ip_address": actor.ip_address}
        for r in rows])  # fmt: skip

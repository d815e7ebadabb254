"""Import a recruitment tracker spreadsheet: one row per prospective household.

Columns (exact names; only reference and enquiry_date are required):
    reference, enquiry_date, source, carer_type, first_name, last_name, email,
    phone, postcode, first_contact_date, initial_visit_date, application_date,
    stage2_start_date, panel_date, approval_date, outcome, outcome_date,
    withdrawal_reason, last_contact_date, campaign
(a date column for each milestone after the enquiry, named as on the case row, in
the order a case reaches them: `COLUMNS` derives them from crm.domain.stages).

Each row becomes the same dated steps an officer would record, checked by the
same rules (crm.domain.stages), so an import can never hold a case the screens
would refuse. Re-importing updates cases by reference and never duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from crm.domain.case_vocabulary import CARER_TYPE_WORDS
from crm.domain.contact import normalise_postcode
from crm.domain.stages import (
    MILESTONE_OF_STAGE,
    OPEN_STAGES,
    REASONS_REQUIRED,
    CaseState,
    EventKind,
    Stage,
    Step,
    TransitionRefused,
    replay,
)
from crm.enquiry_sources import SourceMatcher
from crm.imports.bulk import refresh_statistics
from crm.imports.council_lists import CouncilLists
from crm.imports.reading import (
    CellProblem,
    RowError,
    RowWarning,
    Table,
    by_name,
    check_headers,
    email_problem,
    parse_uk_date,
)
from crm.imports.recorded import (
    Recorded,
    conflicts_with_hearth,
    households_held,
    read_recorded,
)
from crm.imports.result import ImportResult
from crm.imports.tracker_write import import_rows
from crm.models import CarerType
from crm.models.case import MILESTONE_DATE
from crm.plain_text import plain as _plain

#: A milestone's column in the file is named as on the case row (`application_date`).
MILESTONE_COLUMNS = [(kind, column.key) for kind, column in MILESTONE_DATE.items()]
COLUMNS = [
    "reference",
    "enquiry_date",
    "source",
    "carer_type",
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    *(column for kind, column in MILESTONE_COLUMNS if kind is not EventKind.ENQUIRY),
    "outcome",
    "outcome_date",
    "withdrawal_reason",
    "last_contact_date",
    "campaign",
]
REQUIRED = ["reference", "enquiry_date"]
#: Columns read besides: `stage`, the stage the council's tracker says the case is in
#: (its dates must reach it), and `note`, what its other columns say, kept on the case.
ACCEPTED = [*COLUMNS, "stage", "note"]
COLUMN_OF_STEP = dict(MILESTONE_COLUMNS)
DATE_COLUMNS = [c for _, c in MILESTONE_COLUMNS] + ["outcome_date", "last_contact_date"]
OUTCOME_STEPS = {
    "withdrawn_by_applicant": EventKind.WITHDRAWN_BY_APPLICANT,
    "withdrawn_by_service": EventKind.WITHDRAWN_BY_SERVICE,
    "rejected": EventKind.REJECTED,
    "on_hold": EventKind.ON_HOLD,
}
OUTCOMES = ["open", "approved", *OUTCOME_STEPS]
MAX_LENGTH = {
    "reference": 40,
    "source": 40,
    "first_name": 80,
    "last_name": 80,
    "email": 254,
    "phone": 40,
    "postcode": 10,
    "campaign": 120,
}


OUTCOMES_BY_NAME = {
    **{_plain(o): o for o in OUTCOMES},
    **{_plain(kind.label): o for o, kind in OUTCOME_STEPS.items()},
    "withdrawn by the applicant": "withdrawn_by_applicant",
    "withdrawn by the service": "withdrawn_by_service",
}
#: What a blank reason is recorded as: Ofsted's "other or unknown" for an applicant.
UNRECORDED_REASON = {
    EventKind.WITHDRAWN_BY_APPLICANT: "AW0",
    EventKind.WITHDRAWN_BY_SERVICE: "other",
}


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
    campaign: str | None = None
    #: The council's columns Hearth has no place for ("Notes: ...; Worker: ..."), kept
    #: as a note on the case.
    note: str | None = None


def _check_lengths(cells: dict[str, str]) -> None:
    """Every text cell within its column's length (a row at a time: checking each cell
    as it was read cost a 100,000-row tracker 800,000 calls)."""
    for column, limit in MAX_LENGTH.items():
        if len(cells.get(column, "")) > limit:
            raise CellProblem(column, f"longer than {limit} characters")


def _dates(cells: dict[str, str]) -> dict[str, date]:
    found = {}
    for column in DATE_COLUMNS:
        if text := cells.get(column):
            try:
                found[column] = parse_uk_date(text)
            except ValueError as exc:
                raise CellProblem(column, str(exc)) from None
    return found


#: Date columns that are not milestones: what else a row's dates may hold.
_NOT_MILESTONES = ("outcome_date", "last_contact_date")


def _milestone_steps(dates: dict[str, date]) -> list[Step]:
    steps = []
    for kind, column in MILESTONE_COLUMNS:
        on = dates.get(column)
        if on is None:
            break
        steps.append(Step(kind, on))
    skipped = len(steps)
    milestones_given = len(dates) - sum(1 for c in _NOT_MILESTONES if c in dates)
    if milestones_given > skipped:
        later = next(c for _, c in MILESTONE_COLUMNS[skipped + 1 :] if c in dates)
        missing = MILESTONE_COLUMNS[skipped][1]
        raise CellProblem(later, f"given without {missing}: a stage cannot be skipped")
    return steps


def _outcome_step(
    cells: dict[str, str], dates: dict[str, date], warn: Callable[[str, str], None]
) -> Step | None:
    given = cells.get("outcome") or "open"
    outcome = OUTCOMES_BY_NAME.get(_plain(given))
    reason = cells.get("withdrawal_reason") or None
    if outcome is None:
        raise CellProblem("outcome", f"unknown outcome {given!r}; use one of {', '.join(OUTCOMES)}")
    if ("approval_date" in dates) != (outcome == "approved"):
        raise CellProblem("approval_date", "is given exactly when the outcome is approved")
    kind = OUTCOME_STEPS.get(outcome)
    if reason and kind not in REASONS_REQUIRED:
        raise CellProblem("withdrawal_reason", f"given for an outcome of {outcome}")
    if kind is None:
        if "outcome_date" in dates and outcome == "open":
            raise CellProblem("outcome_date", "given for an open case")
        return None
    if "outcome_date" not in dates:
        raise CellProblem("outcome_date", f"required when the outcome is {outcome}")
    if kind in REASONS_REQUIRED:
        if not reason:
            reason = UNRECORDED_REASON[kind]
            meaning = REASONS_REQUIRED[kind][reason].lower()
            warn("withdrawal_reason", f"not recorded: counted as {reason} ({meaning})")
        if reason not in REASONS_REQUIRED[kind]:
            allowed = ", ".join(REASONS_REQUIRED[kind])
            raise CellProblem("withdrawal_reason", f"unknown code {reason!r}; use {allowed}")
    return Step(kind, dates["outcome_date"], reason)


def _contact(cells: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    email = cells.get("email", "").lower() or None
    if email and (problem := email_problem(email)):
        raise CellProblem("email", problem)
    phone = cells.get("phone") or None
    postcode = normalise_postcode(cells.get("postcode", ""))
    return email, phone, postcode


def _carer_type(cells: dict[str, str], warn: Callable[[str, str], None]) -> CarerType:
    given = cells.get("carer_type", "")
    if not given:
        warn("carer_type", "not recorded: counted as mainstream")
        return CarerType.MAINSTREAM
    found = by_name(CarerType, given, CARER_TYPE_WORDS)
    if found is None:
        raise CellProblem("carer_type", f"unknown {given!r}; use mainstream or kinship")
    return found


def _parse_row(
    number: int,
    cells: dict[str, str],
    today: date,
    warnings: list[RowWarning],
    sources: CouncilLists,
) -> TrackerRow:
    def warn(column: str, assumed: str) -> None:
        warnings.append(RowWarning(number, column, assumed))

    reference = cells.get("reference", "")
    if not reference:
        raise CellProblem("reference", "required")
    _check_lengths(cells)
    carer_type = _carer_type(cells, warn)
    source = sources.source(number, cells.get("source", ""), warn)
    campaign = sources.campaign(number, cells.get("campaign", ""))
    dates = _dates(cells)
    if "enquiry_date" not in dates:
        raise CellProblem("enquiry_date", "required")
    steps = _milestone_steps(dates)
    outcome = _outcome_step(cells, dates, warn)
    steps += [outcome] if outcome else []
    try:
        state = replay(steps, today)
    except TransitionRefused as refused:
        bad = next((s for s in steps if s.on > today), None) or _first_out_of_order(steps)
        column = COLUMN_OF_STEP.get(bad.kind, "outcome_date") if bad else "outcome"
        raise CellProblem(column, str(refused)) from None
    _check_stage(cells.get("stage", ""), state, warn)
    last_contact = dates.get("last_contact_date")
    if last_contact and not dates["enquiry_date"] <= last_contact <= today:
        raise CellProblem("last_contact_date", "must be between the enquiry date and today")
    email, phone, postcode = _contact(cells)
    return TrackerRow(
        number,
        reference,
        carer_type,
        source,
        cells.get("first_name", ""),
        cells.get("last_name", ""),
        email,
        phone,
        postcode,
        steps,
        state,
        last_contact,
        campaign,
        cells.get("note") or None,
    )


def _check_stage(given: str, state: CaseState, warn: Callable[[str, str], None]) -> None:
    """The stage the council's tracker says an open case is in must be one its dates
    reach: a stage is recorded with the date it was reached, never without (the
    screens' rule, crm.domain.stages). Dates reaching further are trusted, and said."""
    if not given:
        return
    said = by_name(Stage, given)
    if said is None or said not in OPEN_STAGES:
        allowed = ", ".join(s.value for s in OPEN_STAGES)
        raise CellProblem("stage", f"unknown open stage {given!r}; use one of {allowed}")
    if state.stage not in OPEN_STAGES:
        return
    reached = OPEN_STAGES.index(state.stage)
    if OPEN_STAGES.index(said) > reached:
        missing = [
            COLUMN_OF_STEP[MILESTONE_OF_STAGE[stage]].replace("_", " ")
            for stage in OPEN_STAGES[reached + 1 : OPEN_STAGES.index(said) + 1]
        ]
        raise CellProblem(
            "stage",
            f"says {said.label} but the dates reach only {state.stage.label}: "
            f"give the {' and the '.join(missing)}",
        )
    if OPEN_STAGES.index(said) < reached:
        warn("stage", f"says {said.label}; the dates reach {state.stage.label}: counted as that")


def _first_out_of_order(steps: list[Step]) -> Step | None:
    for before, after in zip(steps, steps[1:], strict=False):
        if after.on < before.on:
            return after
    return None


def new_households_warnings(rows: list[TrackerRow]) -> list[RowWarning]:
    """Approved rows whose household Hearth does not hold yet: one is created from the
    row, as approving on screen does, but the file has no terms of approval."""
    approved = [r for r in rows if r.state.stage is Stage.APPROVED]
    held = households_held([r.reference for r in approved])
    return [
        RowWarning(
            r.row,
            "approval_date",
            "approved: its household is created, without terms of approval "
            "(flask import-households adds them)",
        )
        for r in approved
        if r.reference not in held
    ]


def validate(
    table: Table,
    today: date,
    warnings: list[RowWarning] | None = None,
    sources: SourceMatcher | None = None,
    unknown_sources: dict[str, int] | None = None,
) -> tuple[list[TrackerRow], list[RowError], dict[str, Recorded]]:
    """Check every row against the file rules, the stage rules and what Hearth holds.
    Values assumed for blanks or free text are added to `warnings`; sources on no
    list, with their rows, to `unknown_sources`."""
    warnings = warnings if warnings is not None else []
    check_headers(table.headers, ACCEPTED, REQUIRED)
    matching = CouncilLists(sources or SourceMatcher.load())
    rows, errors, seen = [], [], {}
    for number, cells in table.numbered():
        row_warnings: list[RowWarning] = []
        try:
            row = _parse_row(number, cells, today, row_warnings, matching)
            warnings.extend(row_warnings)
        except CellProblem as problem:
            errors.append(RowError(number, problem.column, problem.reason))
            continue
        if row.reference in seen:
            errors.append(RowError(number, "reference", f"repeats row {seen[row.reference]}"))
            continue
        seen[row.reference] = number
        rows.append(row)
    recorded = read_recorded([r.reference for r in rows])
    errors += conflicts_with_hearth(rows, recorded)
    bad = {e.row for e in errors}
    good = [r for r in rows if r.row not in bad]
    warnings += new_households_warnings(good) + matching.warnings()
    if unknown_sources is not None:
        unknown_sources.update(matching.unknown)
    return good, sorted(errors), recorded


def sources_not_listed(table: Table, matcher: SourceMatcher | None = None) -> dict[str, int]:
    """The file's source values on none of the council's list (nor decided in `matcher`),
    each as first spelt, with its count of rows: what the council must map or add before
    the file imports."""
    matcher, unknown = matcher or SourceMatcher.load(), {}
    spelt: dict[str, str] = {}
    for cells in table.rows:
        given = cells.get("source", "")
        if given and matcher.match(given)[0] is None:
            first = spelt.setdefault(_plain(given), given)
            unknown[first] = unknown.get(first, 0) + 1
    return unknown


def import_tracker(
    table: Table,
    today: date,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    sources: SourceMatcher | None = None,
    bulk: bool = False,
) -> ImportResult:
    """Validate the whole file, then import it all, or (with skip_invalid) its good rows.

    Without skip_invalid, one bad row means nothing is written and every bad
    row is reported. `sources` says what to do with sources not on the council's
    list (map them, or add them); by default they are refused, each with its
    count of rows in `unknown_sources`. `bulk` (the command line's choice, never a
    web request's) sets a first load's indexes aside while it writes, where the database
    user may (`crm.imports.indexes.bulk_load`). Does not commit: the caller commits or
    rolls back.
    """
    warnings: list[RowWarning] = []
    unknown: dict[str, int] = {}
    sources = sources or SourceMatcher.load()
    rows, errors, recorded = validate(table, today, warnings, sources, unknown)
    if errors and not skip_invalid:
        return ImportResult(
            errors=errors,
            bad_rows={e.row for e in errors},
            warnings=sorted(warnings),
            unknown_sources=unknown,
        )
    used = {r.source for r in rows}
    sources.to_add = {k: v for k, v in sources.to_add.items() if v[1] in used}
    sources.add_new_sources()
    result = import_rows(rows, recorded, today, progress, bulk)
    result.errors, result.bad_rows = errors, {e.row for e in errors}
    result.warnings, result.unknown_sources = sorted(warnings), unknown
    return result


__all__ = [
    "ACCEPTED",
    "COLUMNS",
    "REQUIRED",
    "ImportResult",
    "import_tracker",
    "refresh_statistics",
    "validate",
]

"""Import the approved households a council already has.

Columns (exact names; reference, approval_date and carer1_name are required; a
blank approved_places leaves the terms of approval as Hearth holds them):
    reference, carer_type, approval_date, carer1_name, carer1_birth_date,
    carer2_name, carer2_birth_date, approved_places, min_age, max_age,
    categories, supervising_worker_email, status, deregistration_date,
    deregistration_reason, deregistration_initiated_by, break_start_date,
    terms_from, temporary_approval_date, temporary_approval_child, postcode, bedrooms

`postcode` (where the household lives: matching judges how near a child's home and
school it is) and `bedrooms` (bedrooms for fostered children: NMS 10.6) are optional;
a blank leaves what Hearth holds. A household with no postcode is "where they live is
not recorded" to matching, never "outside the area".
A household on a break has its break start from break_start_date (blank: today,
said as a warning); past breaks are in the carer events file (break_start,
break_end), so places in past years are right. The terms of approval in the
file are those in force now, from terms_from (blank: the approval date for a
new household, today for a change); earlier terms are terms_change rows in the
carer events file. A connected person first approved temporarily for a named
child (reg 24) has temporary_approval_date and temporary_approval_child, so
that child's placement may start before the full approval.

`categories` are separated by ';'. A reference that matches a household, or a
case approved through the pipeline or the tracker import, is that same
household, updated; a re-import changes nothing. Rows are applied through the
same rules as the screens (crm.domain.households); every refusal is collected
and, unless skip_invalid, nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from crm.domain.case_vocabulary import CARER_TYPE_WORDS
from crm.domain.contact import normalise_postcode
from crm.domain.geography import district
from crm.domain.household_vocabulary import FORMER_GOOD_OUTCOME_REASONS
from crm.domain.households import HouseholdRuleError, status_on
from crm.domain.stages import Stage
from crm.extensions import db
from crm.formatting import uk_date
from crm.imports.reading import (
    CellProblem,
    RowError,
    RowWarning,
    Table,
    by_name,
    check_headers,
    parse_date,
)
from crm.imports.result import ImportResult
from crm.models import (
    ApprovalTerms,
    CareCategory,
    Carer,
    CarerType,
    Case,
    DeregistrationReason,
    Household,
    HouseholdStatus,
    InitiatedBy,
    User,
)
from crm.plain_text import plain

COLUMNS = [
    "reference", "carer_type", "approval_date", "carer1_name", "carer1_birth_date",
    "carer2_name", "carer2_birth_date", "approved_places", "min_age", "max_age", "categories",
    "supervising_worker_email", "status", "deregistration_date", "deregistration_reason",
    "deregistration_initiated_by", "break_start_date", "terms_from",
    "temporary_approval_date", "temporary_approval_child", "postcode", "bedrooms",
]  # fmt: skip
REQUIRED = ["reference", "approval_date", "carer1_name"]
#: The two reasons that became "child stays with them" (migration 0044), by their old
#: codes and words: a council's older files still carry them, and they still mean it.
FORMER_REASON_WORDS = {plain(text): reason for text, reason in FORMER_GOOD_OUTCOME_REASONS.items()}


Warn = Callable[[str, str], None]


@dataclass
class HouseholdRow:
    reference: str
    carer_type: CarerType | None
    approval_date: date
    carers: list[tuple[str, date | None]]
    places: int | None
    min_age: int
    max_age: int
    categories: list[str]
    worker: User | None
    status: HouseholdStatus
    deregistration: tuple[date, DeregistrationReason, InitiatedBy] | None
    break_start: date | None = None
    terms_from: date | None = None
    temporary: tuple[date, str] | None = None
    postcode: str | None = None
    bedrooms: int | None = None


def _postcode(cells: dict[str, str]) -> str | None:
    """A full postcode, or its district alone ("LE2"): either gives the district."""
    given = cells.get("postcode", "")
    found = normalise_postcode(given)
    if found is None:
        return None
    if district(found) is None or len(found) > 8:
        raise CellProblem("postcode", f"not a UK postcode (such as LE1 6ZG): {given!r}")
    return found


def _date(cells: dict[str, str], column: str, required: bool = False) -> date | None:
    if not cells.get(column):
        if required:
            raise CellProblem(column, "required")
        return None
    try:
        return parse_date(cells[column])
    except ValueError as exc:
        raise CellProblem(column, str(exc)) from None


def whole_number(
    cells: dict[str, str], column: str, default: int | None, low: int, high: int
) -> int:
    text = cells.get(column, "")
    if not text:
        if default is None:
            raise CellProblem(column, "required")
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise CellProblem(column, f"a whole number from {low} to {high}, not {text!r}")
    return int(text)


def _choice(cells: dict[str, str], column: str, options, warn: Warn, default=None, words=None):
    """A code or its label (or other `words` for one), whatever its case and spacing; a
    blank is the default (or None, "not recorded"), said as a warning."""
    text = cells.get(column) or ""
    if not text:
        shown = default.label.lower() if default is not None else "not recorded"
        warn(column, f"not recorded: counted as {shown}" if default else "not recorded")
        return default
    found = by_name(options, text, words)
    if found is None:
        allowed = ", ".join(o.value for o in options)
        raise CellProblem(column, f"unknown value {text!r}; use {allowed}")
    return found


def _places(cells: dict[str, str], warn: Warn) -> int | None:
    if not cells.get("approved_places"):
        warn("approved_places", "not recorded: terms of approval left as Hearth holds them")
        return None
    return whole_number(cells, "approved_places", None, 1, 6)


def _carer_type(cells: dict[str, str], warn: Warn) -> CarerType | None:
    """None when blank: an existing household keeps its type, a new one is mainstream."""
    if not cells.get("carer_type"):
        warn("carer_type", "not recorded: kept as Hearth holds it, or mainstream if new")
        return None
    found = by_name(CarerType, cells["carer_type"], CARER_TYPE_WORDS)
    if found is None:
        raise CellProblem(
            "carer_type", f"unknown {cells['carer_type']!r}; use mainstream or kinship"
        )
    return found


def care_categories(cells: dict[str, str], warn: Warn) -> list[str]:
    given = [c for c in (cells.get("categories") or "").split(";") if c.strip()]
    if not given:
        warn("categories", "not recorded: counted as short-term")
        return [CareCategory.SHORT_TERM.value]
    found = [by_name(CareCategory, c) for c in given]
    unknown = [c.strip() for c, f in zip(given, found, strict=True) if f is None]
    if unknown:
        known = ", ".join(c.value for c in CareCategory)
        raise CellProblem("categories", f"unknown {', '.join(unknown)}; use {known}")
    return [f.value for f in found]


def _worker(cells: dict[str, str], workers: dict[str, User]) -> User | None:
    email = (cells.get("supervising_worker_email") or "").strip().lower()
    if not email:
        return None
    if email not in workers:
        raise CellProblem("supervising_worker_email", f"no active user {email!r} in Hearth")
    return workers[email]


def _deregistration(cells: dict[str, str], status: HouseholdStatus, warn: Warn):
    on = _date(cells, "deregistration_date")
    if status is not HouseholdStatus.DEREGISTERED:
        if on or cells.get("deregistration_reason"):
            raise CellProblem(
                "status", "deregistration details given but status is not deregistered"
            )
        return None
    if on is None:
        raise CellProblem("deregistration_date", "required when the status is deregistered")
    reason = _choice(
        cells, "deregistration_reason", DeregistrationReason, warn, words=FORMER_REASON_WORDS
    )
    initiated = _choice(cells, "deregistration_initiated_by", InitiatedBy, warn)
    return on, reason, initiated


def _parse(cells: dict[str, str], workers: dict[str, User], warn: Warn) -> HouseholdRow:
    reference = cells.get("reference", "")
    if not reference or len(reference) > 40:
        raise CellProblem("reference", "required, at most 40 characters")
    carers = [(cells["carer1_name"], _date(cells, "carer1_birth_date"))]
    if cells.get("carer2_name"):
        carers.append((cells["carer2_name"], _date(cells, "carer2_birth_date")))
    if any(len(name) > 160 for name, _ in carers):
        raise CellProblem("carer1_name", "longer than 160 characters")
    min_age, max_age = (
        whole_number(cells, "min_age", 0, 0, 21),
        whole_number(cells, "max_age", 17, 0, 21),
    )
    if max_age < min_age:
        raise CellProblem("max_age", "below min_age")
    status = _choice(cells, "status", HouseholdStatus, warn, HouseholdStatus.ACTIVE)
    return HouseholdRow(
        reference,
        _carer_type(cells, warn),
        _date(cells, "approval_date", required=True),
        carers,
        _places(cells, warn),
        min_age,
        max_age,
        care_categories(cells, warn),
        _worker(cells, workers),
        status,
        _deregistration(cells, status, warn),
        _break_start(cells, status, warn),
        _date(cells, "terms_from"),
        _temporary(cells),
        _postcode(cells),
        whole_number(cells, "bedrooms", None, 0, 12) if cells.get("bedrooms") else None,
    )


def _temporary(cells: dict[str, str]) -> tuple[date, str] | None:
    """A reg 24 temporary approval before the full one: its date and named child."""
    on, child = _date(cells, "temporary_approval_date"), cells.get("temporary_approval_child", "")
    if on is None and not child:
        return None
    if on is None or not child or len(child) > 80:
        raise CellProblem(
            "temporary_approval_date" if on is None else "temporary_approval_child",
            "give both the temporary approval's date and its named child (80 characters at most)",
        )
    if on > _date(cells, "approval_date", required=True):
        raise CellProblem("temporary_approval_date", "after the approval date")
    return on, child


def _break_start(cells: dict[str, str], status: HouseholdStatus, warn: Warn) -> date | None:
    on = _date(cells, "break_start_date")
    if on and status is not HouseholdStatus.ON_BREAK:
        raise CellProblem("break_start_date", "given but the status is not on a break")
    if status is HouseholdStatus.ON_BREAK and on is None:
        warn("break_start_date", "not recorded: the break is counted from today")
    return on


def _apply(row: HouseholdRow, household: Household | None, today: date) -> tuple[Household, bool]:
    """Create or update one household; (household, changed)."""
    if household is None:
        case = db.session.scalar(sa.select(Case).where(Case.reference == row.reference))
        if case is not None and case.stage is not Stage.APPROVED:
            raise CellProblem("reference", f"matches case {row.reference}, which is not approved")
        household = Household(
            reference=row.reference,
            case=case,
            approval_date=row.approval_date,
            status=HouseholdStatus.ACTIVE,
        )
        db.session.add(household)
    elif household.approval_date != row.approval_date:
        raise CellProblem("approval_date", "differs from the household already in Hearth")
    before = _fingerprint(household)
    household.carer_type = row.carer_type or household.carer_type or CarerType.MAINSTREAM
    if row.temporary:
        household.temporary_approval_date, household.temporary_approval_child = row.temporary
    household.supervising_worker = row.worker
    if row.postcode is not None:
        household.postcode = row.postcode
    if row.bedrooms is not None:
        household.bedrooms = row.bedrooms
    _set_carers(household, row.carers)
    _set_terms(household, row, today)
    resting = row.status is HouseholdStatus.ON_BREAK
    if resting and status_on(household, today) is HouseholdStatus.ACTIVE:
        household.start_break(row.break_start or today, "imported", as_of=today)
    if row.deregistration and household.deregistration_date is None:
        on, reason, initiated = row.deregistration
        household.deregister(on, reason, initiated, as_of=today)
    return household, _fingerprint(household) != before


def _fingerprint(household: Household) -> tuple:
    terms = household.terms_history[-1] if household.terms_history else None
    return (
        household.carer_type,
        household.supervising_worker_id,
        tuple((c.full_name, c.birth_date) for c in household.carers),
        (terms.places, terms.min_age, terms.max_age, tuple(terms.categories)) if terms else None,
        household.status,
        household.deregistration_date,
        household.temporary_approval_date,
        household.temporary_approval_child,
        household.postcode,
        household.bedrooms,
    )


def _set_carers(household: Household, carers: list[tuple[str, date | None]]) -> None:
    for index, (name, born) in enumerate(carers):
        if index < len(household.carers):
            carer = household.carers[index]
            if (carer.full_name, carer.birth_date) != (name, born):
                carer.full_name, carer.birth_date = name, born
        else:
            household.carers.append(Carer(full_name=name, birth_date=born))


def _set_terms(household: Household, row: HouseholdRow, today: date) -> None:
    if row.places is None:
        return  # not in the file: the terms stay as Hearth holds them
    wanted = (row.places, row.min_age, row.max_age, row.categories)
    current = household.terms_history[-1] if household.terms_history else None
    if current and (current.places, current.min_age, current.max_age, current.categories) == wanted:
        return
    effective = row.terms_from or (row.approval_date if current is None else today)
    if not row.approval_date <= effective <= today:
        raise CellProblem("terms_from", "must be between the approval date and today")
    if current and current.effective_from >= effective:
        raise CellProblem(
            "terms_from" if row.terms_from else "approved_places",
            f"new terms must start after the current ones ({uk_date(current.effective_from)})",
        )
    household.terms_history.append(
        ApprovalTerms(
            effective_from=effective,
            places=row.places,
            min_age=row.min_age,
            max_age=row.max_age,
            categories=row.categories,
        )
    )


def import_households(
    table: Table,
    today: date,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Apply every row; keep nothing if any row is bad (unless skip_invalid). Does not commit."""
    check_headers(table.headers, COLUMNS, REQUIRED)
    workers = {u.email: u for u in db.session.scalars(sa.select(User).where(User.active))}
    existing = {
        h.reference: h
        for h in db.session.scalars(
            sa.select(Household).where(
                Household.reference.in_([c.get("reference", "") for c in table.rows])
            )
        )
    }
    result, seen = ImportResult(), {}
    for number, cells in enumerate(table.rows, start=2):
        try:
            if cells.get("reference") in seen:
                raise CellProblem("reference", f"repeats row {seen[cells['reference']]}")
            row_warnings: list[RowWarning] = []

            def warn(column: str, assumed: str, n: int = number, found=row_warnings) -> None:
                found.append(RowWarning(n, column, assumed))

            row = _parse(cells, workers, warn)
            with db.session.begin_nested():
                household, changed = _apply(row, existing.get(row.reference), today)
            seen[row.reference] = number
            result.warnings += row_warnings
            if row.reference not in existing:
                result.created += 1
                existing[row.reference] = household
            elif changed:
                result.updated += 1
            else:
                result.unchanged += 1
        except (CellProblem, HouseholdRuleError) as problem:
            column = getattr(problem, "column", "status")
            result.errors.append(RowError(number, column, getattr(problem, "reason", str(problem))))
            result.bad_rows.add(number)
        if progress:
            progress(1)
    return result

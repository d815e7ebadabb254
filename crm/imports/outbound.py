"""Everything Hearth holds, written back out in the importers' own columns, so a
council can leave with all its history (or check an import) and import the files
again into an empty Hearth: export -> import -> export gives the same bytes.

What the files cannot carry is said here rather than lost silently: a hold that
was later resumed (the tracker keeps a case's latest state), earlier terms of
approval (the household file keeps the terms in force), and the reason for a
break that is still running (the household file gives only its start date).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from crm.domain.households import open_break
from crm.domain.stages import Stage
from crm.domain.sufficiency import Need
from crm.enquiry_sources import source_labels
from crm.extensions import db
from crm.imports.carer_events import COLUMNS as EVENT_COLUMNS
from crm.imports.demand import COLUMNS as DEMAND_COLUMNS
from crm.imports.households import COLUMNS as HOUSEHOLD_COLUMNS
from crm.imports.tracker import COLUMNS as TRACKER_COLUMNS
from crm.models import Activity, Case, DemandCount, Household, PlacementEnding
from crm.models.case import MILESTONE_DATE
from crm.spreadsheets import inert

#: What a case's closing stage is called in the tracker's outcome column.
OUTCOME_OF_STAGE = {
    Stage.APPROVED: "approved",
    Stage.WITHDRAWN_BY_APPLICANT: "withdrawn_by_applicant",
    Stage.WITHDRAWN_BY_SERVICE: "withdrawn_by_service",
    Stage.REJECTED: "rejected",
}
BATCH = 2000


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _by_reference(query: sa.Select) -> Iterator:
    """Records in order of their reference, a batch at a time. Sorted here, not by the
    database: ids follow insertion order, which PostgreSQL does not promise, and
    databases collate text differently, so only this order survives a round trip."""
    entity = query.column_descriptions[0]["entity"]
    ids = [i for _, i in sorted(db.session.execute(sa.select(entity.reference, entity.id)))]
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        found = {r.id: r for r in db.session.scalars(query.where(entity.id.in_(chunk)))}
        yield from (found[i] for i in chunk)


def tracker_rows() -> Iterator[dict[str, str]]:
    """One row per case, as `flask import-tracker` reads it."""
    latest = dict(
        db.session.execute(
            sa.select(Activity.case_id, sa.func.max(Activity.occurred_on)).group_by(
                Activity.case_id
            )
        ).all()
    )
    sources = source_labels()  # by name: a new service matches (or adds) them
    for case in _by_reference(sa.select(Case)):
        row = {
            "reference": case.reference,
            "source": sources.get(case.source, case.source),
            "carer_type": case.carer_type.value,
            "first_name": case.first_name,
            "last_name": case.last_name,
            "email": case.email or "",
            "phone": case.phone or "",
            "postcode": case.postcode or "",
            **{column.key: _day(getattr(case, column.key)) for column in MILESTONE_DATE.values()},
            "outcome": "open",
            "outcome_date": "",
            "withdrawal_reason": "",
            "last_contact_date": _day(latest.get(case.id)),
            "campaign": case.campaign or "",
        }
        if case.stage in OUTCOME_OF_STAGE:
            row["outcome"] = OUTCOME_OF_STAGE[case.stage]
            if case.stage is not Stage.APPROVED:
                row["outcome_date"] = _day(case.outcome_date)
                row["withdrawal_reason"] = case.outcome_reason or ""
        elif case.on_hold:
            row.update(outcome="on_hold", outcome_date=_day(case.held_since))
        yield row


def household_rows() -> Iterator[dict[str, str]]:
    """One row per household, as `flask import-households` reads it."""
    query = sa.select(Household).options(
        selectinload(Household.carers),
        selectinload(Household.terms_history),
        selectinload(Household.breaks),
        selectinload(Household.supervising_worker),
    )
    for household in _by_reference(query):
        terms = household.terms_history[-1] if household.terms_history else None
        carers = household.carers
        resting = open_break(household)
        yield {
            "reference": household.reference,
            "carer_type": household.carer_type.value,
            "approval_date": _day(household.approval_date),
            "carer1_name": carers[0].full_name if carers else household.reference,
            "carer1_birth_date": _day(carers[0].birth_date) if carers else "",
            "carer2_name": carers[1].full_name if len(carers) > 1 else "",
            "carer2_birth_date": _day(carers[1].birth_date) if len(carers) > 1 else "",
            "approved_places": str(terms.places) if terms else "",
            "min_age": str(terms.min_age) if terms else "",
            "max_age": str(terms.max_age) if terms else "",
            "categories": ";".join(terms.categories) if terms else "",
            "supervising_worker_email": (
                household.supervising_worker.email if household.supervising_worker else ""
            ),
            "status": household.status.value,
            "deregistration_date": _day(household.deregistration_date),
            "deregistration_reason": _value(household.deregistration_reason),
            "deregistration_initiated_by": _value(household.deregistration_initiated_by),
            "break_start_date": _day(resting.start_date) if resting else "",
            "terms_from": _day(terms.effective_from) if terms else "",
            "temporary_approval_date": _day(household.temporary_approval_date),
            "temporary_approval_child": household.temporary_approval_child or "",
        }


def _value(member) -> str:
    return member.value if member is not None else ""


def carer_event_rows() -> Iterator[dict[str, str]]:
    """Every dated record on every household, as `flask import-carer-events` reads it:
    visits, reviews, training and the rest, placements, and breaks that have ended."""
    query = sa.select(Household).options(
        selectinload(Household.events),
        selectinload(Household.placements),
        selectinload(Household.breaks),
        selectinload(Household.terms_history),
    )
    for household in _by_reference(query):
        yield from sorted(_history(household), key=_event_order)


def _history(household: Household) -> Iterable[dict[str, str]]:
    reference = household.reference

    def row(on: date, kind: str, child: str = "", value: str = "", note: str = "", **terms):
        return {
            "household_reference": reference,
            "date": on.isoformat(),
            "type": kind,
            "child_reference": child,
            "value": value,
            "note": note,
            "min_age": terms.get("min_age", ""),
            "max_age": terms.get("max_age", ""),
            "categories": terms.get("categories", ""),
            "child_birth_date": terms.get("child_birth_date", ""),
            "child_age": terms.get("child_age", ""),
        }

    for terms in household.terms_history[:-1]:  # those in force now travel with the household
        yield row(
            terms.effective_from,
            "terms_change",
            value=str(terms.places),
            min_age=str(terms.min_age),
            max_age=str(terms.max_age),
            categories=";".join(terms.categories),
        )
    for event in household.events:
        value = "" if event.value is None else f"{event.value.normalize():f}"
        yield row(event.occurred_on, event.kind.value, value=value, note=event.note or "")
    for placement in household.placements:
        born, aged = placement.child_birth_date, placement.child_age
        yield row(
            placement.start_date,
            "placement_start",
            placement.child_reference,
            child_birth_date=born.isoformat() if born else "",
            child_age="" if born or aged is None else str(aged),
        )
        if placement.end_date:
            unplanned = placement.ending is PlacementEnding.DISRUPTION
            kind = "disruption" if unplanned else "placement_end"
            yield row(placement.end_date, kind, placement.child_reference)
    for pause in household.breaks:
        if pause.end_date:
            yield row(pause.start_date, "break_start", note=pause.reason or "")
            yield row(pause.end_date, "break_end")


def _event_order(row: dict[str, str]) -> tuple:
    ends_first = 0 if row["type"] in ("placement_end", "disruption", "break_end") else 1
    return (row["date"], ends_first, row["type"], row["child_reference"], row["value"], row["note"])


#: Each export: its columns and its rows, by the name the commands and pages use.
def demand_rows() -> Iterator[dict[str, str]]:
    """The demand profile, a row per count, month by month, as `flask import-demand`
    reads it (in the enums' own order, which does not depend on the database)."""
    counts = db.session.scalars(sa.select(DemandCount)).all()

    def in_order(count: DemandCount) -> tuple:
        month, *kinds = count.key
        return (month, *(list(type(kind)).index(kind) for kind in kinds))

    for count in sorted(counts, key=in_order):
        yield {
            "month": f"{count.month:%Y-%m}",
            "age_band": count.age_band.value,
            "placement_type": count.placement_type.value,
            "need": "" if count.need is Need.ALL else count.need.value,
            "children": str(count.children),
        }


EXPORTS = {
    "tracker": (TRACKER_COLUMNS, tracker_rows),
    "households": (HOUSEHOLD_COLUMNS, household_rows),
    "carer-events": (EVENT_COLUMNS, carer_event_rows),
    "demand": (DEMAND_COLUMNS, demand_rows),
}


def write_csv(name: str, out: io.TextIOBase) -> int:
    """Write one export as CSV to `out`; the number of rows written."""
    columns, rows = EXPORTS[name]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows():
        writer.writerow({column: inert(value) for column, value in row.items()})
        count += 1
    return count

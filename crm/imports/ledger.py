"""A household's history held in memory while a carer events file is checked, and its
writing afterwards in batches.

A `Ledger` has the shape the domain rules read a household in (crm.domain.households),
so each imported row is judged by the screens' rules on its own date with no database
trip; `write_ledgers` then writes what passed in a few statements.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from crm.domain import households as rules
from crm.domain.placements import PlacementBasis
from crm.extensions import db
from crm.imports.bulk import audit_imported, insert_rows, update_rows
from crm.imports.recorded import CHUNK
from crm.models import (
    ApprovalTerms,
    AuditAction,
    CarerEvent,
    Household,
    Placement,
    PlacementEnding,
)
from crm.models.availability import HouseholdBreak
from crm.models.sets import among
from crm.models.spans import in_force_on, running_on
from crm.timeutil import utcnow


@dataclass
class Span:
    """A placement or break as the rules read it: dates, and the row it came from."""

    start_date: date
    end_date: date | None = None
    id: int | None = None  # None until written
    child_reference: str | None = None
    reason: str | None = None
    ending: PlacementEnding | None = None
    ended_here: bool = False  # an existing row this import ends
    child_birth_date: date | None = None
    child_age: int | None = None  # when the placement started
    aged_here: bool = False  # an existing placement whose child's age this import gives
    sibling_group: str | None = None
    basis: PlacementBasis | None = None
    outside_terms: str | None = None  # why a placement was outside the terms, kept and marked

    def running_on(self, day: date) -> bool:
        return running_on(self.start_date, self.end_date, day)


@dataclass
class TermsFrom:
    """Terms of approval from a date, as the rules read them (ApprovalTerms' shape)."""

    effective_from: date
    places: int
    min_age: int
    max_age: int
    categories: list[str]
    id: int | None = None


@dataclass
class Ledger:
    """One household's history in memory, shaped as the domain rules read a household,
    so the importer checks each row by the screens' rules without a database trip."""

    id: int
    approval_date: date
    deregistration_date: date | None
    terms_history: list[ApprovalTerms | TermsFrom]
    temporary_approval_date: date | None = None
    temporary_approval_child: str | None = None
    placements: list[Span] = field(default_factory=list)
    breaks: list[Span] = field(default_factory=list)
    records: set[tuple] = field(default_factory=set)
    new_records: list[dict] = field(default_factory=list)

    def terms_on(self, on: date) -> ApprovalTerms | TermsFrom | None:
        return in_force_on(self.terms_history, on)

    def touched(self) -> bool:
        return bool(self.new_records) or any(
            s.id is None or getattr(s, "ended_here", False) or getattr(s, "aged_here", False)
            for s in [*self.placements, *self.breaks, *self.terms_history]
        )


def load_ledgers(references: Iterable[str]) -> dict[str, Ledger]:
    """The named households' histories, read in a few queries per thousand households."""
    references = sorted(set(references))
    ledgers: dict[str, Ledger] = {}
    for start in range(0, len(references), CHUNK):
        chunk = references[start : start + CHUNK]
        rows = db.session.execute(
            sa.select(
                Household.id,
                Household.reference,
                Household.approval_date,
                Household.deregistration_date,
                Household.temporary_approval_date,
                Household.temporary_approval_child,
            ).where(among(Household.reference, chunk))
        ).all()
        named = {r.id: r.reference for r in rows}
        found = {
            r.id: Ledger(
                r.id,
                r.approval_date,
                r.deregistration_date,
                [],
                r.temporary_approval_date,
                r.temporary_approval_child,
            )
            for r in rows
        }
        ids = list(found)
        for terms in db.session.scalars(
            sa.select(ApprovalTerms)
            .where(among(ApprovalTerms.household_id, ids))
            .order_by(ApprovalTerms.effective_from)
        ):
            found[terms.household_id].terms_history.append(terms)
        for p in db.session.execute(
            sa.select(Placement).where(among(Placement.household_id, ids)).order_by(Placement.id)
        ).scalars():
            found[p.household_id].placements.append(
                Span(
                    p.start_date,
                    p.end_date,
                    p.id,
                    p.child_reference,
                    ending=p.ending,
                    child_birth_date=p.child_birth_date,
                    child_age=p.child_age,
                    sibling_group=p.sibling_group,
                )
            )
        for b in db.session.scalars(
            sa.select(HouseholdBreak)
            .where(among(HouseholdBreak.household_id, ids))
            .order_by(HouseholdBreak.id)
        ):
            found[b.household_id].breaks.append(Span(b.start_date, b.end_date, b.id))
        for e in db.session.execute(
            sa.select(
                CarerEvent.household_id,
                CarerEvent.kind,
                CarerEvent.occurred_on,
                CarerEvent.note,
                CarerEvent.value,
            ).where(among(CarerEvent.household_id, ids))
        ):
            found[e.household_id].records.add((e.kind.value, e.occurred_on, e.note, e.value))
        ledgers.update({reference: found[i] for i, reference in named.items()})
    return ledgers


def write_ledgers(ledgers: list[Ledger], today: date) -> None:
    """The checked history in batched statements: new records, placements and breaks,
    the ends of existing ones, each household's status as it stands today, and one
    audit entry per household saying what its history gained."""
    now = utcnow()
    events = [
        {
            "household_id": ledger.id,
            "kind": record["kind"],
            "occurred_on": record["on"],
            "value": record["value"],
            "outcome": None,
            "note": record["note"],
            "recorded_by_id": None,
            "recorded_at": now,
        }
        for ledger in ledgers
        for record in ledger.new_records
    ]
    placements = [
        {
            "household_id": ledger.id,
            "child_reference": p.child_reference,
            "child_age": p.child_age,
            "child_birth_date": p.child_birth_date,
            "start_date": p.start_date,
            "end_date": p.end_date,
            "ending": p.ending,
            "basis": p.basis,
            "outside_terms": p.outside_terms,
        }
        for ledger in ledgers
        for p in ledger.placements
        if p.id is None
    ]
    breaks = [
        {
            "household_id": ledger.id,
            "start_date": b.start_date,
            "end_date": b.end_date,
            "reason": b.reason,
        }
        for ledger in ledgers
        for b in ledger.breaks
        if b.id is None
    ]
    terms = [
        {
            "household_id": ledger.id,
            "effective_from": t.effective_from,
            "places": t.places,
            "min_age": t.min_age,
            "max_age": t.max_age,
            "categories": t.categories,
            "recorded_by_id": None,
        }
        for ledger in ledgers
        for t in ledger.terms_history
        if isinstance(t, TermsFrom)
    ]
    batches = ((CarerEvent, events), (Placement, placements), (HouseholdBreak, breaks))
    for model, rows in (*batches, (ApprovalTerms, terms)):
        insert_rows(model, rows, batch=10 * CHUNK)
    update_rows(
        Placement,
        [
            {"id": p.id, "end_date": p.end_date, "ending": p.ending}
            for ledger in ledgers
            for p in ledger.placements
            if p.ended_here
        ],
    )
    update_rows(
        Placement,
        [
            {"id": p.id, "child_birth_date": p.child_birth_date, "child_age": p.child_age}
            for ledger in ledgers
            for p in ledger.placements
            if p.aged_here
        ],
    )
    update_rows(
        HouseholdBreak,
        [
            {"id": b.id, "end_date": b.end_date}
            for ledger in ledgers
            for b in ledger.breaks
            if b.ended_here
        ],
    )
    update_rows(
        Household,
        [{"id": ledger.id, "status": rules.status_on(ledger, today)} for ledger in ledgers],
    )
    audit_imported(
        AuditAction.CHANGED,
        "Household",
        {ledger.id: f"history imported: {_described(ledger)}" for ledger in ledgers},
    )


def _described(ledger: Ledger) -> str:
    """'3 placements, 1 break, 12 supervision visits' for the audit trail."""
    counts: Counter[str] = Counter()
    for p in ledger.placements:
        if p.id is None or p.ended_here:
            counts["placement" if p.id is None else "placement ended"] += 1
        if p.aged_here:
            counts["placed child's age"] += 1
    for b in ledger.breaks:
        if b.id is None or b.ended_here:
            counts["break" if b.id is None else "break ended"] += 1
    for record in ledger.new_records:
        counts[record["kind"].label.lower()] += 1
    earlier = sum(isinstance(t, TermsFrom) for t in ledger.terms_history)
    if earlier:
        counts["earlier terms of approval"] += earlier
    return ", ".join(f"{n} × {what}" for what, n in sorted(counts.items()))

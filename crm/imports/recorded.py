"""What Hearth already records for the references in a file, read without ORM objects.

A re-imported row may add later steps to a case, never rewrite recorded ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa

from crm.domain.stages import Step
from crm.extensions import db
from crm.imports.reading import RowError
from crm.models import Activity, Case, Household, StageEvent
from crm.models.sets import among

if TYPE_CHECKING:
    from crm.imports.tracker import TrackerRow

CHUNK = 1000
#: How an imported note begins (crm.imports.tracker_write.imported_note).
IMPORTED_NOTE = "From the council's tracker:"


@dataclass
class Recorded:
    """What Hearth already holds for a reference, read without building ORM objects."""

    fields: dict[str, object]
    steps: list[Step] = field(default_factory=list)
    contact_dates: set[date] = field(default_factory=set)
    #: The notes its activities hold (an imported note is added once).
    notes: set[str] = field(default_factory=set)


COMPARED = (
    "first_name", "last_name", "email", "phone", "postcode", "source", "carer_type", "campaign",
)  # fmt: skip


def read_recorded(references: list[str]) -> dict[str, Recorded]:
    found: dict[str, Recorded] = {}
    by_id: dict[int, Recorded] = {}
    columns = [getattr(Case, name) for name in COMPARED]
    for start in range(0, len(references), CHUNK):
        chunk = references[start : start + CHUNK]
        ids = []
        for case_id, reference, *values in db.session.execute(
            sa.select(Case.id, Case.reference, *columns).where(among(Case.reference, chunk))
        ):
            found[reference] = by_id[case_id] = Recorded(dict(zip(COMPARED, values, strict=True)))
            ids.append(case_id)
        steps = sa.select(
            StageEvent.case_id, StageEvent.kind, StageEvent.occurred_on, StageEvent.reason
        ).where(among(StageEvent.case_id, ids))
        for case_id, kind, on, reason in db.session.execute(
            steps.order_by(StageEvent.case_id, StageEvent.occurred_on, StageEvent.id)
        ):
            by_id[case_id].steps.append(Step(kind, on, reason))
        contacts = sa.select(Activity.case_id, Activity.occurred_on, Activity.note).where(
            among(Activity.case_id, ids)
        )
        for case_id, on, note in db.session.execute(contacts):
            by_id[case_id].contact_dates.add(on)
            if note:
                by_id[case_id].notes.add(note)
    return found


def households_held(references: list[str]) -> set[str]:
    """Which of these references Hearth already holds as an approved household."""
    held: set[str] = set()
    for start in range(0, len(references), CHUNK):
        chunk = references[start : start + CHUNK]
        held.update(
            db.session.scalars(
                sa.select(Household.reference).where(among(Household.reference, chunk))
            )
        )
    return held


def conflicts_with_hearth(rows: list[TrackerRow], recorded: dict[str, Recorded]) -> list[RowError]:
    """A re-imported row may add later steps, never rewrite recorded ones."""
    errors = []
    for row in rows:
        held = recorded.get(row.reference)
        if held is None:
            continue
        shared = min(len(held.steps), len(row.steps))
        if held.steps[:shared] != row.steps[:shared]:
            where = next(i for i in range(shared) if held.steps[i] != row.steps[i])
            step = held.steps[where]
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


def unchanged(row: TrackerRow, held: Recorded) -> bool:
    if len(row.steps) > len(held.steps):
        return False
    if row.last_contact and row.last_contact not in held.contact_dates:
        return False
    if row.note and f"{IMPORTED_NOTE}\n{row.note}" not in held.notes:
        return False
    return all(
        not getattr(row, name) or getattr(row, name) == held.fields[name] for name in COMPARED
    )

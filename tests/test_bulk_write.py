"""Importers' bulk writes store exactly what the ORM would, on either database (binary
COPY on PostgreSQL, executemany elsewhere)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from crm.domain.stages import EventKind
from crm.imports.bulk import binary_copy_type, insert_rows
from crm.models import CarerEvent, CarerEventKind, StageEvent
from tests.factories import CaseFactory, HouseholdFactory


def test_every_column_type_has_a_binary_copy_type(db):
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            assert binary_copy_type(column.type), f"{table.name}.{column.name}"


def test_dates_times_enums_and_blanks_are_stored_as_given(db):
    case = CaseFactory()
    recorded = datetime(2026, 3, 4, 5, 6, 7, 890000)
    insert_rows(
        StageEvent,
        [
            {
                "case_id": case.id,
                "kind": EventKind.WITHDRAWN_BY_APPLICANT,
                "occurred_on": date(2025, 12, 31),
                "reason": None,
                "recorded_at": recorded,
            }
        ],
    )
    db.session.expire_all()
    stored = db.session.scalars(
        sa.select(StageEvent).where(StageEvent.kind == EventKind.WITHDRAWN_BY_APPLICANT)
    ).one()
    assert (stored.occurred_on, stored.reason, stored.recorded_at) == (
        date(2025, 12, 31),
        None,
        recorded,
    )


@pytest.mark.parametrize("given", [3, 2.5, "2.50", Decimal("1.25")])
def test_a_numeric_value_is_stored_exactly(db, given):
    household = HouseholdFactory()
    insert_rows(
        CarerEvent,
        [
            {
                "household_id": household.id,
                "kind": CarerEventKind.SURVEY,
                "occurred_on": date(2024, 1, 1),
                "value": given,
            }
        ],
    )
    db.session.expire_all()
    stored = db.session.scalars(
        sa.select(CarerEvent.value).where(CarerEvent.household_id == household.id)
    ).one()
    assert stored == Decimal(str(given))


def test_rows_written_in_batches_all_arrive_once_each(db, monkeypatch):
    import crm.imports.bulk as bulk

    case = CaseFactory()
    statements = []
    write = bulk.write_rows
    monkeypatch.setattr(
        bulk, "write_rows", lambda t, rows: statements.append(len(rows)) or write(t, rows)
    )
    days = [date(2025, 1, d) for d in range(1, 8)]
    rows = [
        {
            "case_id": case.id,
            "kind": EventKind.ON_HOLD,
            "occurred_on": d,
            "recorded_at": datetime(2025, 2, 1),
        }
        for d in days
    ]
    insert_rows(StageEvent, rows, batch=3)
    stored = db.session.scalars(
        sa.select(StageEvent.occurred_on).where(StageEvent.kind == EventKind.ON_HOLD)
    ).all()
    assert (statements, sorted(stored)) == ([3, 3, 1], days)

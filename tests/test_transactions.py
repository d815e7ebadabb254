"""Every multi-step write is one transaction: a failure part-way leaves nothing behind.

Failures are injected inside the database conversation itself (the chosen INSERT
raises, after earlier statements of the same request have already run)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa

from crm.domain.stages import EventKind as K
from crm.domain.stages import Stage
from crm.models import ApprovalTerms, AuditEvent, Case, Household, StageEvent
from tests.factories import CaseFactory, advance
from tests.tracker_files import OPEN, WITHDRAWN, upload_and_import, write_csv


class InjectedFailure(RuntimeError):
    pass


@contextlib.contextmanager
def failing_on(engine: sa.Engine, table: str, after: int = 0) -> Iterator[None]:
    """Make the (after+1)th INSERT into `table` fail, as a full disk or dropped
    connection would."""
    seen = [0]

    def check(conn, cursor, statement, *args) -> None:
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            seen[0] += 1
            if seen[0] > after:
                raise InjectedFailure(f"injected failure inserting into {table}")

    sa.event.listen(engine, "before_cursor_execute", check)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", check)


def audit_rows(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def test_an_approval_that_fails_part_way_leaves_the_case_as_it_was(officer_client, db):
    case = advance(
        CaseFactory(reference="TX-1", enquiry_date=date(2025, 1, 6)),
        (K.FIRST_CONTACT, date(2025, 1, 7)),
        (K.INITIAL_VISIT, date(2025, 1, 20)),
        (K.APPLICATION, date(2025, 2, 3)),
        (K.STAGE2_START, date(2025, 3, 3)),
        (K.PANEL, date(2025, 8, 4)),
    )
    before = audit_rows(db)
    with failing_on(db.engine, "approval_terms"):
        response = officer_client.post(
            f"/cases/{case.id}/steps/approval",
            data={
                "on": "2025-08-11",
                "places": "2",
                "min_age": "0",
                "max_age": "17",
                "categories": "short_term",
                "supervising_worker": "",
            },
        )
    assert response.status_code == 500
    assert b"Nothing you entered was saved" in response.data
    db.session.expire_all()
    assert db.session.get(Case, case.id).stage == Stage.PANEL
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApprovalTerms)) == 0
    kinds = set(db.session.scalars(sa.select(StageEvent.kind).where(StageEvent.case_id == case.id)))
    assert K.APPROVAL not in kinds
    assert audit_rows(db) == before


def test_an_import_that_fails_part_way_imports_nothing(manager_client, tmp_path, db, monkeypatch):
    # Imports write with COPY on PostgreSQL (no INSERT to intercept), so the failure
    # is injected where the stage events are written, after the cases went in.
    from crm.imports import tracker_write

    real = tracker_write.insert_rows

    def failing(model, rows, *args, **kwargs):
        if model is StageEvent:
            raise InjectedFailure("injected failure writing stage events")
        return real(model, rows, *args, **kwargs)

    monkeypatch.setattr(tracker_write, "insert_rows", failing)
    response = upload_and_import(manager_client, write_csv(tmp_path / "t.csv", OPEN, WITHDRAWN))
    assert response.status_code == 500
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageEvent)) == 0

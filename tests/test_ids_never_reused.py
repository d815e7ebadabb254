"""An id or reference is never given twice: after a case is erased, the next enquiry gets
a new id and reference, so the audit trail of one person never reads as another's."""

from __future__ import annotations

import re

import sqlalchemy as sa

from crm.models import AuditEvent, Case
from tests.samples import PUBLIC_ENQUIRY as GOOD


def enquire(client, db, email):
    client.post("/foster-with-us/", data=dict(GOOD, email=email))
    return db.session.scalar(sa.select(Case).where(Case.email == email))


def test_the_enquiry_after_an_erasure_gets_a_new_id_and_reference(client, admin, db):
    first = enquire(client, db, "first@example.com")
    first_id, first_reference = first.id, first.reference
    db.session.delete(first)  # erasure deletes the case row (crm.privacy.services)
    db.session.commit()
    second = enquire(client, db, "second@example.com")
    assert second.id > first_id
    assert second.reference != first_reference


def test_an_erased_persons_trail_is_theirs_alone(client, db):
    first = enquire(client, db, "first@example.com")
    first_id = first.id
    db.session.delete(first)
    db.session.commit()
    enquire(client, db, "second@example.com")
    trail = db.session.scalars(
        sa.select(AuditEvent.changes).where(
            AuditEvent.entity_type == "Case", AuditEvent.entity_id == str(first_id)
        )
    ).all()
    assert "second@example.com" not in str(trail)


def test_no_table_reuses_the_ids_of_deleted_rows(db):
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL sequences never go back
    plain = [
        table.name
        for table in db.metadata.sorted_tables
        if len(table.primary_key.columns) == 1
        and isinstance(next(iter(table.primary_key.columns)).type, sa.Integer)
        and not table.dialect_options["sqlite"]["autoincrement"]
    ]
    assert plain == []


def test_demo_cases_have_the_reference_format_a_new_enquiry_gets(db):
    from crm.demo import seed_demo
    from crm.models import Household

    seed_demo(seed=3, years=1)
    references = db.session.scalars(sa.select(Case.reference)).all()
    assert references and all(re.fullmatch(r"HF-\d{6}", r) for r in references)
    from_cases = db.session.scalars(
        sa.select(Household.reference).where(Household.case_id.isnot(None))
    ).all()
    assert from_cases and all(re.fullmatch(r"HF-\d{6}", r) for r in from_cases)

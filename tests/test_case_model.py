"""A case records its steps through the rules and caches its state for lists and metrics."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.cases.services import approve_case
from crm.domain.stages import EventKind, Stage, TransitionRefused
from crm.models import Household
from tests.factories import CaseFactory, advance

K = EventKind


def test_recording_a_step_updates_the_cached_stage_and_dates(db, officer):
    case = advance(
        CaseFactory(),
        (K.FIRST_CONTACT, date(2025, 4, 2)),
        (K.INITIAL_VISIT, date(2025, 4, 20)),
        by=officer,
    )
    assert (case.stage, case.first_contact_date, case.initial_visit_date) == (
        Stage.INITIAL_VISIT,
        date(2025, 4, 2),
        date(2025, 4, 20),
    )
    assert case.last_activity_date == date(2025, 4, 20)


def test_each_step_records_who_entered_it(db, officer):
    case = advance(CaseFactory(), (K.FIRST_CONTACT, date(2025, 4, 2)), by=officer)
    assert case.events[-1].recorded_by == officer
    assert case.events[-1].recorded_at is not None


def test_a_refused_step_leaves_the_case_unchanged(db, officer):
    case = CaseFactory()
    with pytest.raises(TransitionRefused):
        case.record_step(K.APPLICATION, date(2025, 4, 3), officer, as_of=date(2025, 5, 1))
    assert case.stage is Stage.ENQUIRY and len(case.events) == 1


def test_approval_creates_a_household_with_the_case_reference(db, officer):
    case = advance(
        CaseFactory(reference="HF-2025-0001"),
        (K.FIRST_CONTACT, date(2025, 4, 2)),
        (K.INITIAL_VISIT, date(2025, 4, 9)),
        (K.APPLICATION, date(2025, 5, 1)),
        (K.STAGE2_START, date(2025, 6, 1)),
        (K.PANEL, date(2025, 11, 1)),
    )
    household = approve_case(case, date(2025, 11, 12), officer, places=2, as_of=date(2025, 12, 1))
    db.session.commit()
    db.session.expire_all()
    household = db.session.scalar(sa.select(Household).where(Household.case_id == case.id))
    assert household.reference == "HF-2025-0001"
    assert household.approval_date == case.approval_date == date(2025, 11, 12)
    assert household.terms_on(date(2025, 11, 12)).places == 2
    assert case.stage is Stage.APPROVED


def test_approval_before_panel_creates_no_household(db, officer):
    case = CaseFactory()
    with pytest.raises(TransitionRefused):
        approve_case(case, date(2025, 5, 1), officer, places=1, as_of=date(2025, 6, 1))
    assert case.stage is Stage.ENQUIRY

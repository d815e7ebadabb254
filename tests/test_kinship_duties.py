"""Duties owed to a temporarily approved connected person from the day the named child
moved in, and how they go on at full approval, on the hand-built service's KB
(tests/hand_built.py): temporarily approved 1 Feb 25 for C10, who moved in that day.
Worked by hand: a supervision visit was due 42 days on, 15 Mar 25; the TSD standards
within 18 months, by 1 Aug 26."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.cases.services import approve_case
from crm.domain.compliance import Measure
from crm.domain.placements import PlacementBasis
from crm.domain.stages import EventKind as K
from crm.domain.supervision import Duty
from crm.metrics.compliance import temporary_carer_compliance
from crm.metrics.supervision import obligations_for
from crm.models import ActivityKind, CarerEventKind, CarerType, Case
from tests.factories import advance
from tests.hand_built import LATER

D = date
pytestmark = pytest.mark.usefixtures("service_with_kinship")


def kb(db) -> Case:
    return db.session.scalar(sa.select(Case).where(Case.reference == "KB"))


def test_the_compliance_page_counts_a_temporarily_approved_carer_behind_on_visits(db):
    tallies = temporary_carer_compliance(D(2025, 6, 30))
    supervision = tallies[Measure.SUPERVISION]
    assert (supervision.in_scope, supervision.compliant) == (1, 0)
    assert supervision.not_compliant == [kb(db).id]
    assert tallies[Measure.TSD].in_scope == 0  # not due until 1 Aug 26


def test_a_supervision_visit_logged_on_the_case_makes_it_compliant(db):
    kb(db).log_activity(ActivityKind.SUPERVISION_VISIT, D(2025, 6, 20), None, note="C10 well")
    db.session.commit()
    assert temporary_carer_compliance(D(2025, 6, 30))[Measure.SUPERVISION].compliant == 1


def test_a_mainstream_view_of_compliance_has_no_temporary_carers(db):
    tallies = temporary_carer_compliance(D(2025, 6, 30), CarerType.MAINSTREAM)
    assert tallies[Measure.SUPERVISION].in_scope == 0


@pytest.fixture
def approved(db):
    """KB logs a supervision visit on 20 Jun 25, goes to panel 25 Jun and is approved
    1 Jul 25."""
    case = kb(db)
    case.log_activity(ActivityKind.SUPERVISION_VISIT, D(2025, 6, 20), None, note="C10 well")
    advance(case, (K.STAGE2_START, D(2025, 2, 10)), (K.PANEL, D(2025, 6, 25)), today=LATER)
    household = approve_case(case, D(2025, 7, 1), None, places=1, as_of=LATER)
    db.session.commit()
    return household


def test_the_childs_placement_goes_on_from_the_day_they_moved_in(approved):
    [placement] = approved.placements
    assert (placement.start_date, placement.basis) == (
        D(2025, 2, 1),
        PlacementBasis.TEMPORARY_APPROVAL,
    )


def test_the_visit_logged_before_full_approval_is_the_households_last_visit(approved):
    assert [(e.kind, e.occurred_on) for e in approved.events] == [
        (CarerEventKind.SUPERVISION_VISIT, D(2025, 6, 20))
    ]
    owed = {o.duty: o.due_on for o in obligations_for([approved], D(2025, 7, 1))[approved.id]}
    assert owed[Duty.SUPERVISION_VISIT] == D(2025, 8, 1)  # 20 Jun + 42 days, not 12 Aug


def test_tsd_runs_18_months_from_the_move_not_from_full_approval(approved):
    owed = {o.duty: o.due_on for o in obligations_for([approved], D(2025, 7, 1))[approved.id]}
    assert owed[Duty.TSD] == D(2026, 8, 1)  # not 1 Jan 27


def test_the_first_review_still_runs_from_full_approval(approved):
    owed = {o.duty: o.due_on for o in obligations_for([approved], D(2025, 7, 1))[approved.id]}
    assert owed[Duty.ANNUAL_REVIEW] == D(2026, 7, 1)  # reg 28(2): a year from approval


def test_once_approved_it_is_no_longer_counted_apart(approved):
    assert temporary_carer_compliance(D(2025, 7, 1))[Measure.SUPERVISION].in_scope == 0

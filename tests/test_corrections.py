"""Correcting and voiding what was recorded wrongly (issue 32, item 1), worked by hand.

Every kind of record (a case's stage steps and activities, a household's visits,
reviews, training, allegations and placements) can be corrected, keeping the old value
and the reason in the audit trail, or voided: kept, struck through, out of every figure.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from crm import corrections
from crm.corrections import CorrectionRefused
from crm.domain.stages import EventKind as K
from crm.domain.stages import Stage
from crm.extensions import db as _db
from crm.models import (
    Activity,
    ActivityKind,
    AuditAction,
    AuditEvent,
    CarerEvent,
    CarerEventKind,
    Flag,
    FlagKind,
    Placement,
    PlacementEnding,
    StageEvent,
)
from crm.timeutil import today
from tests.factories import CaseFactory, HouseholdFactory, advance

NOW = today()


def _applied_case():
    """Enquiry 1 Apr 2025, first contact 3 Apr, initial visit 10 Apr, application 1 May."""
    return advance(
        CaseFactory(enquiry_date=date(2025, 4, 1)),
        (K.FIRST_CONTACT, date(2025, 4, 3)),
        (K.INITIAL_VISIT, date(2025, 4, 10)),
        (K.APPLICATION, date(2025, 5, 1)),
    )


def _step(case, kind):
    return next(e for e in corrections.live_steps(case) if e.kind is kind)


def _changes(record) -> list[dict]:
    return [
        e.changes
        for e in _db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.entity_type == type(record).__name__,
                AuditEvent.entity_id == str(record.id),
                AuditEvent.action == AuditAction.CHANGED,
            )
        )
    ]


# --- a case's steps ------------------------------------------------------------------


def test_a_corrected_application_date_moves_the_case_and_keeps_the_old_date_with_the_reason(db):
    case = _applied_case()
    application = _step(case, K.APPLICATION)
    corrections.correct_step(
        case, application, date(2025, 4, 20), None, None, "Form was dated 20 April"
    )
    db.session.commit()
    assert case.application_date == date(2025, 4, 20)
    [change] = _changes(application)
    assert change["occurred_on"] == ["2025-05-01", "2025-04-20"]
    assert change["correction_reason"] == [None, "Form was dated 20 April"]


def test_a_correction_cannot_put_the_application_before_the_initial_visit(db):
    case = _applied_case()
    with pytest.raises(CorrectionRefused, match="next step is initial home visit"):
        corrections.correct_step(
            case, _step(case, K.APPLICATION), date(2025, 4, 5), None, None, "typo"
        )


def test_a_correction_says_why(db):
    case = _applied_case()
    with pytest.raises(CorrectionRefused, match="Say why"):
        corrections.correct_step(
            case, _step(case, K.APPLICATION), date(2025, 4, 20), None, None, " "
        )


def test_voiding_the_latest_step_takes_the_case_back_to_the_initial_visit(db, officer):
    case = _applied_case()
    corrections.void_step(case, _step(case, K.APPLICATION), "Entered on the wrong case", officer)
    db.session.commit()
    db.session.expire_all()
    assert (case.stage, case.application_date) == (Stage.INITIAL_VISIT, None)
    assert [e.kind for e in case.events] == [K.ENQUIRY, K.FIRST_CONTACT, K.INITIAL_VISIT]
    voided = db.session.scalar(
        sa.select(StageEvent)
        .where(StageEvent.kind == K.APPLICATION)
        .execution_options(**corrections.including_voided())
    )
    assert (voided.void_reason, voided.voided_by_id) == ("Entered on the wrong case", officer.id)


def test_a_middle_step_is_voided_only_after_the_steps_that_follow_it(db, officer):
    case = _applied_case()
    with pytest.raises(CorrectionRefused, match="void those first"):
        corrections.void_step(case, _step(case, K.INITIAL_VISIT), "never happened", officer)


def test_the_enquiry_is_corrected_not_voided(db, officer):
    case = CaseFactory(enquiry_date=date(2025, 4, 1))
    with pytest.raises(CorrectionRefused, match="starts with its enquiry"):
        corrections.void_step(case, _step(case, K.ENQUIRY), "duplicate", officer)


def test_a_withdrawal_reason_corrected_changes_the_case_outcome_reason(db):
    case = advance(_applied_case(), (K.WITHDRAWN_BY_APPLICANT, date(2025, 6, 1), "AW1"))
    corrections.correct_step(
        case, _step(case, K.WITHDRAWN_BY_APPLICANT), date(2025, 6, 1), "AW3", None, "They moved"
    )
    db.session.commit()
    assert case.outcome_reason == "AW3"


def test_voiding_a_withdrawal_reopens_the_case(db, officer):
    case = advance(_applied_case(), (K.WITHDRAWN_BY_APPLICANT, date(2025, 6, 1), "AW1"))
    corrections.void_step(case, _step(case, K.WITHDRAWN_BY_APPLICANT), "Wrong family", officer)
    db.session.commit()
    assert (case.stage, case.outcome_date, case.outcome_reason) == (Stage.STAGE1, None, None)


# --- a case's activity ----------------------------------------------------------------


def test_a_voided_call_no_longer_counts_as_the_cases_last_activity(db, officer):
    case = _applied_case()
    case.log_activity(ActivityKind.CALL, date(2025, 5, 3), officer, note="Spoke to Ann")
    case.log_activity(ActivityKind.CALL, date(2025, 5, 20), officer, note="Wrong family")
    db.session.commit()
    wrong = next(a for a in case.activities if a.occurred_on == date(2025, 5, 20))
    corrections.void_activity(case, wrong, "Logged on the wrong case", officer)
    db.session.commit()
    assert case.last_activity_date == date(2025, 5, 3)


def test_a_corrected_call_keeps_its_old_date_in_the_trail(db, officer):
    case = _applied_case()
    call = case.log_activity(ActivityKind.CALL, date(2025, 5, 3), officer, note="Spoke to Ann")
    db.session.commit()
    corrections.correct_activity(
        case, call, ActivityKind.VISIT, date(2025, 5, 4), "Met Ann", None, "It was a visit"
    )
    db.session.commit()
    [change] = _changes(call)
    assert change["kind"] == ["call", "visit"]
    assert change["occurred_on"] == ["2025-05-03", "2025-05-04"]


def test_a_stalled_flag_is_raised_at_once_when_the_only_recent_call_is_voided(db, officer):
    applied = NOW - timedelta(days=50)
    case = advance(
        CaseFactory(enquiry_date=applied - timedelta(days=20)),
        (K.FIRST_CONTACT, applied - timedelta(days=19)),
        (K.INITIAL_VISIT, applied - timedelta(days=10)),
        (K.APPLICATION, applied),
    )
    call = case.log_activity(ActivityKind.CALL, NOW - timedelta(days=3), officer)
    db.session.commit()
    assert _open_flags(FlagKind.STALLED) == []
    corrections.void_activity(case, call, "Never happened", officer)
    db.session.commit()
    assert _open_flags(FlagKind.STALLED) == [case.id]


def _open_flags(kind: FlagKind) -> list[int]:
    return [
        f.case_id or f.household_id
        for f in _db.session.scalars(
            sa.select(Flag).where(Flag.kind == kind, Flag.cleared_on.is_(None))
        )
    ]


# --- a household's records ------------------------------------------------------------


def test_voiding_the_only_visit_makes_the_supervision_visit_overdue_at_once(db, ssw):
    household = HouseholdFactory(approval_date=NOW - timedelta(days=100), supervising_worker=ssw)
    visit = household.log_record(CarerEventKind.SUPERVISION_VISIT, NOW - timedelta(days=5), ssw)
    db.session.commit()
    assert household.id not in _open_flags(FlagKind.SUPERVISION_VISIT_OVERDUE)
    corrections.void_record(household, visit, "Visit was cancelled", ssw)
    db.session.commit()
    assert household.id in _open_flags(FlagKind.SUPERVISION_VISIT_OVERDUE)


def test_a_visit_corrected_to_its_real_date_moves_the_next_one_due(db, ssw):
    household = HouseholdFactory(approval_date=NOW - timedelta(days=100), supervising_worker=ssw)
    visit = household.log_record(CarerEventKind.SUPERVISION_VISIT, NOW - timedelta(days=5), ssw)
    db.session.commit()
    corrections.correct_record(
        household, visit, NOW - timedelta(days=50), None, None, None, "Typed the wrong month"
    )
    db.session.commit()
    assert household.id in _open_flags(FlagKind.SUPERVISION_VISIT_OVERDUE)


def test_training_hours_corrected_are_judged_by_the_training_rule(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    training = household.log_record(
        CarerEventKind.TRAINING, date(2025, 3, 1), ssw, value=Decimal("3")
    )
    db.session.commit()
    with pytest.raises(CorrectionRefused, match="hours attended"):
        corrections.correct_record(household, training, date(2025, 3, 1), None, None, None, "x")
    corrections.correct_record(
        household, training, date(2025, 3, 1), Decimal("6"), None, None, "Two sessions"
    )
    db.session.commit()
    assert training.value == Decimal("6")


def test_a_second_review_on_the_same_day_is_refused_but_the_review_itself_may_be_corrected(db):
    household = HouseholdFactory()
    review = household.log_record(
        CarerEventKind.ANNUAL_REVIEW, date(2024, 6, 1), None, outcome="continue"
    )
    household.log_record(CarerEventKind.ANNUAL_REVIEW, date(2025, 6, 1), None, outcome="continue")
    db.session.commit()
    corrections.correct_record(household, review, date(2024, 6, 1), None, "change_terms", None, "x")
    with pytest.raises(CorrectionRefused, match="already recorded"):
        corrections.correct_record(household, review, date(2025, 6, 1), None, "continue", None, "x")


def test_an_ongoing_allegation_gets_its_outcome_on_the_same_record(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    allegation = household.log_record(
        CarerEventKind.ALLEGATION, date(2025, 5, 1), ssw, outcome="ongoing"
    )
    db.session.commit()
    corrections.record_allegation_outcome(
        allegation, "unfounded", "LADO closed it", concluded_on=date(2025, 6, 2)
    )
    db.session.commit()
    assert allegation.outcome == "unfounded"
    assert allegation.concluded_on == date(2025, 6, 2)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CarerEvent)) == 1
    with pytest.raises(CorrectionRefused, match="already has its outcome"):
        corrections.record_allegation_outcome(
            allegation, "substantiated", None, concluded_on=date(2025, 6, 2)
        )


def test_an_allegation_outcome_must_be_a_final_one(db):
    household = HouseholdFactory()
    allegation = household.log_record(
        CarerEventKind.ALLEGATION, date(2025, 5, 1), None, outcome="ongoing"
    )
    with pytest.raises(CorrectionRefused, match="Choose the outcome"):
        corrections.record_allegation_outcome(
            allegation, "ongoing", None, concluded_on=date(2025, 6, 2)
        )


# --- a household's placements -----------------------------------------------------------


def test_a_corrected_placement_never_goes_beyond_the_approved_places(db, ssw):
    """Approved for 2 from 1 Jun 2023; A and B placed from 1 Feb 2025, C from 1 Mar 2025
    after A left on 28 Feb. Moving C's start to 1 Feb would make three on that day."""
    household = HouseholdFactory(supervising_worker=ssw)
    household.start_placement("A", date(2025, 2, 1))
    household.start_placement("B", date(2025, 2, 1))
    household.end_placement("A", date(2025, 2, 28), PlacementEnding.PLANNED)
    c = household.start_placement("C", date(2025, 3, 1))
    db.session.commit()
    with pytest.raises(CorrectionRefused, match="All 2 approved places are filled"):
        corrections.correct_placement(
            household, c, "C", None, date(2025, 2, 1), None, None, "Came earlier"
        )
    corrections.correct_placement(
        household, c, "C", 9, date(2025, 2, 28), None, None, "Came the day A left"
    )
    db.session.commit()
    assert (c.start_date, c.child_age) == (date(2025, 2, 28), 9)


def test_an_ended_placement_needs_how_it_ended(db):
    household = HouseholdFactory()
    p = household.start_placement("A", date(2025, 2, 1))
    db.session.commit()
    with pytest.raises(CorrectionRefused, match="how it ended"):
        corrections.correct_placement(
            household, p, "A", None, date(2025, 2, 1), date(2025, 3, 1), None, "It ended"
        )


def test_a_voided_placement_frees_its_place(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    household.start_placement("A", date(2025, 2, 1))
    b = household.start_placement("B", date(2025, 2, 1))
    db.session.commit()
    corrections.void_placement(household, b, "B went to another household", ssw)
    db.session.commit()
    db.session.expire_all()
    assert [p.child_reference for p in household.placements] == ["A"]
    household.start_placement("C", date(2025, 3, 1))  # the second place is free again


def test_a_voided_record_is_voided_once(db, ssw):
    household = HouseholdFactory()
    visit = household.log_record(CarerEventKind.SUPERVISION_VISIT, date(2025, 5, 1), ssw)
    corrections.void_record(household, visit, "Cancelled", ssw)
    with pytest.raises(CorrectionRefused, match="voided already"):
        corrections.void_record(household, visit, "Cancelled", ssw)


def test_erasing_a_case_removes_its_voided_steps_too(db, officer):
    from crm.privacy.services import erase_case

    case = CaseFactory(enquiry_date=NOW - timedelta(days=30))
    advance(case, (K.FIRST_CONTACT, NOW - timedelta(days=29)), today=NOW)
    case.log_activity(ActivityKind.CALL, NOW - timedelta(days=29), officer)
    db.session.commit()
    corrections.void_step(case, _step(case, K.FIRST_CONTACT), "Wrong case", officer)
    corrections.void_activity(case, case.activities[0], "Wrong case", officer)
    db.session.commit()
    erase_case(case, "asked us to")
    db.session.commit()
    for model in (StageEvent, Activity):
        assert not db.session.scalars(
            sa.select(model).execution_options(**corrections.including_voided())
        ).all()


def test_placement_is_among_the_correctable_records():
    assert all(
        hasattr(model, "voided_at") for model in (StageEvent, Activity, CarerEvent, Placement)
    )


# --- every figure leaves a voided record out ----------------------------------------------


def _figures(case_id: int, household_id: int) -> dict:
    """Each figure a voided record of some kind must leave: the metrics engine and the
    Ofsted return (steps, allegations, places), places today, the duties, the exports
    and the retention model's features."""
    from crm.imports.outbound import carer_event_rows, tracker_rows
    from crm.metrics.chasing import last_activity
    from crm.metrics.compliance import compliance_on
    from crm.metrics.engine import compute_metrics
    from crm.metrics.ofsted import ofsted_return
    from crm.metrics.places import places_by_household
    from jobs.retention.data import load_history
    from jobs.retention.features import features_at

    _db.session.expire_all()
    ofsted = {row.measure: row.total for row in ofsted_return(2025, as_of=date(2026, 4, 1))}
    features = features_at(load_history(), date(2026, 3, 31)).loc[household_id]
    [tracker] = [r for r in tracker_rows() if r["reference"] == "FIG-1"]
    compliance = compliance_on(date(2025, 7, 10))
    return {
        "applications": compute_metrics(date(2025, 4, 1), date(2026, 3, 31))["counts"][
            "applications"
        ],
        "ofsted applications": ofsted["Applications received"],
        "ofsted allegations": ofsted["Allegations made against foster carers"],
        "filled places": places_by_household(date(2025, 7, 10))[household_id].filled,
        "supervision compliant": {m.value: t.compliant for m, t in compliance.items()},
        "last activity": last_activity([case_id], date(2026, 3, 31)).get(case_id),
        "tracker application": tracker["application_date"],
        "tracker last contact": tracker["last_contact_date"],
        "exported events": sorted(r["type"] for r in carer_event_rows()),
        "allegations ever": int(features["allegations_ever"]),
    }


@pytest.fixture
def recorded_service(db, officer, ssw):
    """One case applied on 1 May 2025 with calls on 2 and 20 May; one household approved
    1 Jun 2023 for 2 places, visited 1 Jul 2025, an allegation 2 Jul 2025, a child placed
    from 1 Jul 2025."""
    case = _applied_case()
    case.reference = "FIG-1"
    case.log_activity(ActivityKind.CALL, date(2025, 5, 2), officer)
    case.log_activity(ActivityKind.CALL, date(2025, 5, 20), officer)
    household = HouseholdFactory(supervising_worker=ssw)
    household.log_record(CarerEventKind.SUPERVISION_VISIT, date(2025, 7, 1), ssw)
    household.log_record(CarerEventKind.ALLEGATION, date(2025, 7, 2), ssw, outcome="ongoing")
    household.start_placement("CH-1", date(2025, 7, 1))
    db.session.commit()
    return case, household


def test_a_voided_record_of_each_kind_leaves_every_figure(recorded_service, officer, ssw):
    case, household = recorded_service
    before = _figures(case.id, household.id)
    assert before["applications"] == before["ofsted applications"] == 1
    assert before["ofsted allegations"] == before["allegations ever"] == 1
    assert before["filled places"] == 1
    assert before["last activity"] == date(2025, 5, 20)

    corrections.void_step(case, _step(case, K.APPLICATION), "Wrong case", officer)
    latest_call = next(a for a in case.activities if a.occurred_on == date(2025, 5, 20))
    corrections.void_activity(case, latest_call, "Wrong case", officer)
    visit, allegation = household.events
    corrections.void_record(household, visit, "Cancelled", ssw)
    corrections.void_record(household, allegation, "Entered twice", ssw)
    corrections.void_placement(household, household.placements[0], "Other household", ssw)
    _db.session.commit()
    after = _figures(case.id, household.id)

    assert after["applications"] == after["ofsted applications"] == 0
    assert after["ofsted allegations"] == after["allegations ever"] == 0
    assert after["filled places"] == 0
    assert after["last activity"] == date(2025, 5, 2)
    assert (before["tracker application"], after["tracker application"]) == ("2025-05-01", "")
    assert after["tracker last contact"] == "2025-05-02"
    assert before["exported events"] == ["allegation", "placement_start", "supervision_visit"]
    assert after["exported events"] == []
    assert before["supervision compliant"] != after["supervision compliant"]


def _approved_case():
    """Applied 1 May 2025, Stage 2 from 1 Jun, panel 15 Sep, approved 1 Oct 2025 for 2."""
    from crm.cases.services import approve_case

    case = advance(
        _applied_case(),
        (K.STAGE2_START, date(2025, 6, 1)),
        (K.PANEL, date(2025, 9, 15)),
    )
    household = approve_case(case, date(2025, 10, 1), None, places=2)
    _db.session.commit()
    return case, household


def test_a_corrected_approval_date_moves_the_household_and_its_first_terms(db):
    case, household = _approved_case()
    corrections.correct_step(
        case, _step(case, K.APPROVAL), date(2025, 9, 25), None, None, "ADM signed on 25 Sep"
    )
    db.session.commit()
    assert case.approval_date == household.approval_date == date(2025, 9, 25)
    assert household.terms_history[0].effective_from == date(2025, 9, 25)


def test_an_approval_is_not_moved_after_what_the_household_has_recorded(db):
    case, household = _approved_case()
    household.log_record(CarerEventKind.SUPERVISION_VISIT, date(2025, 10, 5), None)
    db.session.commit()
    with pytest.raises(CorrectionRefused, match="records from 5 Oct 2025"):
        corrections.correct_step(
            case, _step(case, K.APPROVAL), date(2025, 10, 10), None, None, "Later"
        )


def test_an_approval_that_made_a_household_is_not_voided(db, manager):
    case, _ = _approved_case()
    with pytest.raises(CorrectionRefused, match="correct the approval's date instead"):
        corrections.void_step(case, _step(case, K.APPROVAL), "Wrong", manager)

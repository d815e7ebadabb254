"""The fostering panel and the agency decision (Fostering Services (England) Regulations
2011, regs 23-25; NMS 14), worked by hand as a panel adviser would: the quorum limb by
limb, the decision maker's 7 working days from the final minutes across Christmas, a
decision against the recommendation, and the case's steps following the panel's."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.domain.panel import (
    Decision,
    DecisionRefused,
    PanelItemKind,
    PanelRole,
    Recommendation,
    appraisal_overdue,
    check_decision,
    decision_due_on,
    decision_late,
    decision_on_time,
    quorum,
)
from crm.domain.stages import EventKind as K
from crm.domain.stages import Stage
from crm.extensions import db as _db
from crm.metrics.engine import compute_metrics
from crm.models import Flag, FlagKind, Household, PanelItem, PanelMember
from crm.panels.services import (
    book_item,
    record_attendance,
    record_decision,
    record_recommendation,
)
from jobs.flags import flag_work
from tests.factories import CaseFactory, advance, at_panel, panel_sitting

R = PanelRole
LATER = date(2030, 1, 1)


# --- reg 24(1): the quorum, a limb at a time ------------------------------------


def test_five_members_with_the_chair_and_a_social_worker_are_quorate():
    assert quorum([R.CHAIR, R.SOCIAL_WORKER, R.INDEPENDENT, R.OTHER, R.OTHER]).quorate


def test_a_vice_chair_in_the_chair_makes_the_panel_quorate():
    assert quorum([R.VICE_CHAIR, R.SOCIAL_WORKER, R.INDEPENDENT, R.INDEPENDENT, R.OTHER]).quorate


def test_four_members_are_not_a_quorum_however_they_are_made_up():
    found = quorum([R.CHAIR, R.SOCIAL_WORKER, R.INDEPENDENT, R.INDEPENDENT])
    assert not found.quorate
    assert found.missing == ["4 members attended; at least 5 must"]


def test_without_the_chair_or_a_vice_chair_there_is_no_quorum():
    found = quorum([R.SOCIAL_WORKER, R.INDEPENDENT, R.INDEPENDENT, R.OTHER, R.OTHER])
    assert found.missing == ["neither the chair nor a vice chair attended"]


def test_without_a_social_worker_of_three_years_experience_there_is_no_quorum():
    found = quorum([R.CHAIR, R.INDEPENDENT, R.INDEPENDENT, R.OTHER, R.OTHER])
    assert found.missing == [
        "no social worker with three years' post-qualifying experience attended"
    ]


def test_no_independent_member_need_attend_since_the_2013_amendment():
    # the independent chair, the vice chair, a social worker and two others: quorate
    assert quorum([R.CHAIR, R.VICE_CHAIR, R.SOCIAL_WORKER, R.OTHER, R.OTHER]).quorate


def test_an_inquorate_sitting_makes_no_recommendation(db):
    case = _in_stage2()
    sitting = panel_sitting(date(2026, 11, 12), roles=(R.CHAIR, R.SOCIAL_WORKER, R.INDEPENDENT))
    item = book_item(sitting, PanelItemKind.APPLICATION, case)
    with pytest.raises(DecisionRefused, match="not quorate"):
        record_recommendation(item, Recommendation.APPROVE, "Suitable", None, as_of=LATER)
    assert case.panel_date is None


# --- NMS 14: yearly appraisal ---------------------------------------------------------


def test_a_member_appraised_on_10_november_2025_is_overdue_from_11_november_2026():
    joined, appraised = date(2023, 3, 1), date(2025, 11, 10)
    assert not appraisal_overdue(joined, None, appraised, date(2026, 11, 10))
    assert appraisal_overdue(joined, None, appraised, date(2026, 11, 11))


def test_a_member_who_has_left_the_list_owes_no_appraisal():
    assert not appraisal_overdue(date(2023, 3, 1), date(2026, 6, 1), None, date(2026, 12, 7))


# --- NMS 14.9: 7 working days from the final minutes ----------------------------------
# Minutes received Thursday 24 December 2026. Friday 25 December is Christmas Day and
# Boxing Day (Saturday 26) is observed on Monday 28 December; Friday 1 January 2027 is
# New Year's Day. The working days after the 24th: Tue 29 (1), Wed 30 (2), Thu 31 (3),
# Mon 4 Jan (4), Tue 5 (5), Wed 6 (6), Thu 7 Jan (7).

CHRISTMAS_EVE = date(2026, 12, 24)


def test_minutes_received_on_christmas_eve_2026_give_until_thursday_7_january_2027():
    assert decision_due_on(CHRISTMAS_EVE) == date(2027, 1, 7)


def test_a_decision_on_7_january_is_on_time_and_on_8_january_late():
    assert decision_on_time(CHRISTMAS_EVE, date(2027, 1, 7)) is True
    assert decision_on_time(CHRISTMAS_EVE, date(2027, 1, 8)) is False


def test_a_decision_with_no_minutes_date_is_neither_on_time_nor_late():
    assert decision_on_time(None, date(2027, 1, 8)) is None


def test_the_wait_is_late_on_friday_8_january_and_not_before():
    assert decision_late(CHRISTMAS_EVE, date(2027, 1, 7), 7) is None
    assert "8 working days after the final panel minutes" in decision_late(
        CHRISTMAS_EVE, date(2027, 1, 8), 7
    )


def test_the_decision_clock_flags_the_case_on_8_january_not_7(db):
    case = _in_stage2()
    at_panel(case, date(2026, 12, 10), minutes_received_on=CHRISTMAS_EVE)
    flag_work(date(2027, 1, 7))
    assert _flags(FlagKind.DECISION_OVERDUE) == []
    flag_work(date(2027, 1, 8))
    [flag] = _flags(FlagKind.DECISION_OVERDUE)
    assert flag.case_id == case.id and "due by 7 Jan 2027" in flag.reason


def test_the_decision_clock_waits_for_the_minutes_not_the_sitting(db):
    # Sitting Thu 10 Dec 2026; by Mon 4 Jan 2027 that is 12 working days, but the
    # minutes came on 24 Dec: 4 working days, not late.
    case = _in_stage2()
    at_panel(case, date(2026, 12, 10), minutes_received_on=CHRISTMAS_EVE)
    flag_work(date(2027, 1, 4))
    assert _flags(FlagKind.DECISION_OVERDUE) == []


def test_no_minutes_recorded_starts_no_decision_clock(db):
    case = _in_stage2()
    at_panel(case, date(2026, 10, 1))
    flag_work(date(2026, 11, 2))
    assert _flags(FlagKind.DECISION_OVERDUE) == []


# --- the decision, and the case's steps ----------------------------------------------


def test_a_decision_against_the_recommendation_without_a_reason_is_refused():
    with pytest.raises(DecisionRefused, match="say why"):
        check_decision(Recommendation.NOT_APPROVE, Decision.APPROVE, "  ")


def test_a_decision_against_the_recommendation_with_its_reason_stands():
    check_decision(Recommendation.NOT_APPROVE, Decision.APPROVE, "The medical is now clear.")


def test_a_deferred_item_has_no_decision():
    with pytest.raises(DecisionRefused, match="deferred"):
        check_decision(Recommendation.DEFER, Decision.APPROVE, "Urgent need")


def test_the_recommendation_on_an_application_is_the_cases_panel_step(db):
    case = _in_stage2()
    at_panel(case, date(2026, 11, 12))
    assert (case.stage, case.panel_date) == (Stage.PANEL, date(2026, 11, 12))
    assert case.panel_recommendation_label == Recommendation.APPROVE.label


def test_a_deferred_case_sits_again_and_its_panel_date_follows(db):
    case = _in_stage2()
    at_panel(case, date(2026, 10, 8), recommendation=Recommendation.DEFER)
    at_panel(case, date(2026, 11, 12))
    assert [e.kind for e in case.events].count(K.PANEL) == 2
    assert case.panel_date == date(2026, 11, 12)


def test_the_decision_to_approve_is_the_cases_approval_with_its_terms(db):
    case = _in_stage2()
    item = at_panel(case, date(2026, 11, 12), minutes_received_on=date(2026, 11, 16))
    household = record_decision(
        item,
        Decision.APPROVE,
        date(2026, 11, 20),
        None,
        "J Smith, Head of Service",
        places=2,
        min_age=5,
        max_age=12,
        categories=["short_term"],
        as_of=LATER,
    )
    _db.session.commit()
    assert (case.stage, case.approval_date) == (Stage.APPROVED, date(2026, 11, 20))
    terms = household.terms_history[0]
    assert (terms.places, terms.min_age, terms.max_age) == (2, 5, 12)
    assert item.decision_on_time is True


def test_the_decision_not_to_approve_is_the_cases_rejection(db):
    case = _in_stage2()
    item = at_panel(case, date(2026, 11, 12), recommendation=Recommendation.NOT_APPROVE)
    record_decision(item, Decision.NOT_APPROVE, date(2026, 11, 19), None, "J Smith", as_of=LATER)
    assert (case.stage, case.outcome_date) == (Stage.REJECTED, date(2026, 11, 19))
    assert _db.session.scalar(sa.select(sa.func.count(Household.id))) == 0


def test_a_decision_against_the_recommendation_without_a_reason_leaves_the_case_waiting(db):
    case = _in_stage2()
    item = at_panel(case, date(2026, 11, 12), recommendation=Recommendation.NOT_APPROVE)
    with pytest.raises(DecisionRefused):
        record_decision(item, Decision.APPROVE, date(2026, 11, 19), None, "J Smith", places=1)
    assert case.stage is Stage.PANEL and item.decision is None


# --- the figure: decisions on time from the minutes ----------------------------------


def test_decisions_on_time_count_from_the_minutes_and_apart_without_them(db):
    # P: sitting Thu 10 Sep 2026, minutes Thu 17 Sep, approved Fri 25 Sep: 6 working
    #    days from the minutes, on time (11 from the sitting: late by the old rule).
    # Q: sitting 10 Sep, minutes Fri 11 Sep, approved Wed 23 Sep: 8 working days, late.
    # S: sitting 10 Sep, no minutes date, approved 14 Sep: not recorded.
    for minutes, decided in (
        (date(2026, 9, 17), date(2026, 9, 25)),
        (date(2026, 9, 11), date(2026, 9, 23)),
        (None, date(2026, 9, 14)),
    ):
        item = at_panel(_in_stage2(), date(2026, 9, 10), minutes_received_on=minutes)
        record_decision(item, Decision.APPROVE, decided, None, "J Smith", places=1, as_of=LATER)
    _db.session.commit()
    found = compute_metrics(date(2026, 9, 1), date(2026, 9, 30), date(2026, 9, 30))
    assert found["timescales"]["decision_within_limit"] == {
        "count": 2,
        "within": 1,
        "rate": 0.5,
        "limit_working_days": 7,
        "minutes_not_recorded": 1,
    }


# --- the pages ------------------------------------------------------------------------


def test_a_decision_against_the_recommendation_typed_without_a_reason_is_kept(manager_client, db):
    case = _in_stage2()
    item = at_panel(case, date(2026, 11, 12), recommendation=Recommendation.NOT_APPROVE)
    response = manager_client.post(
        f"/panels/items/{item.id}/decision",
        data={
            "decision": "approve",
            "decided_on": "2026-11-19",
            "decision_maker": "Jo Bloggs, Head of Service",
            "places": "1",
            "min_age": "0",
            "max_age": "17",
            "categories": ["short_term"],
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "say why" in page and "Jo Bloggs, Head of Service" in page
    assert _db.session.get(PanelItem, item.id).decision is None


def test_the_panel_page_is_for_managers_only(officer_client, db):
    assert officer_client.get("/panels/").status_code == 403


def _in_stage2():
    case = CaseFactory(enquiry_date=date(2026, 1, 5))
    return advance(
        case,
        (K.FIRST_CONTACT, date(2026, 1, 6)),
        (K.INITIAL_VISIT, date(2026, 1, 20)),
        (K.APPLICATION, date(2026, 2, 2)),
        (K.STAGE2_START, date(2026, 3, 2)),
    )


def _flags(kind: FlagKind) -> list[Flag]:
    query = sa.select(Flag).where(Flag.cleared_on.is_(None), Flag.kind == kind)
    return list(_db.session.scalars(query))


def test_a_sitting_from_booking_to_decision_through_the_pages(manager_client, db):
    case = _in_stage2()
    for name, role in (
        ("Ann Chair", "chair"),
        ("Sam Worker", "social_worker"),
        ("Ira Independent", "independent"),
        ("Ivy Independent", "independent"),
        ("Olu Other", "other"),
    ):
        response = manager_client.post(
            "/panels/members", data={"name": name, "role": role, "joined_on": "2025-01-06"}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    response = manager_client.post("/panels/sittings", data={"sits_on": "2026-11-12"})
    sitting_url = response.headers["Location"]
    response = manager_client.post(
        f"{sitting_url}/items", data={"kind": "application", "reference": case.reference}
    )
    assert response.status_code == 302
    page = manager_client.get(sitting_url).get_data(as_text=True)
    assert case.reference in page and "Attendance not recorded yet" in page
    members = [m.id for m in db.session.scalars(sa.select(PanelMember))]
    manager_client.post(f"{sitting_url}/attendance", data={"members": [str(i) for i in members]})
    assert "Quorate (reg 24(1))" in manager_client.get(sitting_url).get_data(as_text=True)
    item = db.session.scalar(sa.select(PanelItem))
    response = manager_client.post(
        f"/panels/items/{item.id}",
        data={
            "recommendation": "approve",
            "reasons": "A warm, reflective couple.",
            "places": "2",
            "min_age": "0",
            "max_age": "10",
            "categories": ["short_term", "respite"],
            "quality_feedback": "A clear, well-evidenced Form F.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    manager_client.post(f"{sitting_url}/minutes", data={"received_on": "2026-11-17"})
    page = manager_client.get(f"/panels/items/{item.id}/decision").get_data(as_text=True)
    assert "due by 26 Nov 2026" in page
    response = manager_client.post(
        f"/panels/items/{item.id}/decision",
        data={
            "decision": "approve",
            "decided_on": "2026-11-20",
            "decision_maker": "Jo Bloggs",
            "places": "2",
            "min_age": "0",
            "max_age": "10",
            "categories": ["short_term", "respite"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(case), case.id).stage is Stage.APPROVED
    assert "Approve on 20 Nov 2026" in manager_client.get(sitting_url).get_data(as_text=True)
    assert manager_client.get("/panels/").status_code == 200


def test_booking_an_application_sets_the_cases_panel_date_booked(db):
    case = _in_stage2()
    book_item(panel_sitting(date(2027, 1, 14)), PanelItemKind.APPLICATION, case)
    assert case.panel_booked_for == date(2027, 1, 14)


def test_an_application_still_in_stage_1_is_not_booked_onto_an_agenda(db):
    case = advance(CaseFactory(enquiry_date=date(2026, 1, 5)), (K.FIRST_CONTACT, date(2026, 1, 6)))
    with pytest.raises(DecisionRefused, match="not ready for panel"):
        book_item(panel_sitting(date(2027, 1, 14)), PanelItemKind.APPLICATION, case)


def test_only_members_on_the_central_list_that_day_attend(db):
    sitting = panel_sitting(date(2026, 11, 12))
    gone = PanelMember(
        name="Left Early", role=R.OTHER, joined_on=date(2020, 1, 6), left_on=date(2026, 10, 1)
    )
    with pytest.raises(DecisionRefused, match="Left Early"):
        record_attendance(sitting, [*sitting.attended, gone])

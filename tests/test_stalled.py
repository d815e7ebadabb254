"""The stalled rule (domain.md) at its boundaries, and the as-of queries that apply it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.domain.settings import Settings
from crm.domain.stages import EventKind, Step, replay
from crm.domain.stalled import stalled_reasons
from crm.metrics.chasing import overdue_first_contacts, stalled_cases
from crm.models import ActivityKind
from crm.models.setting import save_settings
from tests.factories import CaseFactory, advance

K = EventKind
APPLIED = date(2025, 1, 6)
SETTINGS = Settings()


def in_stage1(*extra: Step):
    steps = [
        Step(K.ENQUIRY, date(2024, 12, 1)),
        Step(K.FIRST_CONTACT, date(2024, 12, 2)),
        Step(K.INITIAL_VISIT, date(2024, 12, 10)),
        Step(K.APPLICATION, APPLIED),
        *extra,
    ]
    return replay(steps, date(2030, 1, 1))


def days_after(start: date, n: int) -> date:
    return start + timedelta(days=n)


def test_stage1_is_not_stalled_on_day_60():
    as_of = days_after(APPLIED, 60)
    assert stalled_reasons(in_stage1(), as_of, as_of, SETTINGS) == []


def test_stage1_stalls_on_day_61():
    as_of = days_after(APPLIED, 61)
    assert stalled_reasons(in_stage1(), as_of, as_of, SETTINGS) == [
        "61 days in Stage 1 checks (limit 60)"
    ]


def test_no_activity_for_29_days_stalls_a_case():
    as_of = days_after(APPLIED, 29)
    assert stalled_reasons(in_stage1(), None, as_of, SETTINGS) == [
        "no activity for 29 days (limit 28)"
    ]


def test_activity_within_28_days_keeps_a_case_moving():
    as_of = days_after(APPLIED, 40)
    assert stalled_reasons(in_stage1(), days_after(APPLIED, 12), as_of, SETTINGS) == []


def test_more_than_240_days_since_application_stalls_even_a_busy_case():
    stage2 = Step(K.STAGE2_START, days_after(APPLIED, 200))
    as_of = days_after(APPLIED, 241)
    reasons = stalled_reasons(in_stage1(stage2), as_of, as_of, SETTINGS)
    assert reasons == ["241 days since application (limit 240)"]


def test_stage2_stalls_after_120_days_in_stage():
    stage2 = Step(K.STAGE2_START, days_after(APPLIED, 10))
    as_of = days_after(APPLIED, 131)
    assert "121 days in Stage 2 assessment (limit 120)" in stalled_reasons(
        in_stage1(stage2), as_of, as_of, SETTINGS
    )


def test_waiting_for_a_decision_stalls_after_30_days():
    state = in_stage1(
        Step(K.STAGE2_START, days_after(APPLIED, 10)), Step(K.PANEL, days_after(APPLIED, 100))
    )
    as_of = days_after(APPLIED, 131)
    assert stalled_reasons(state, as_of, as_of, SETTINGS) == [
        "31 days in Panel / awaiting decision (limit 30)"
    ]


def test_a_case_on_hold_is_not_stalled():
    state = in_stage1(Step(K.ON_HOLD, days_after(APPLIED, 5)))
    as_of = days_after(APPLIED, 200)
    assert stalled_reasons(state, None, as_of, SETTINGS) == []


def test_a_hold_pauses_the_stage_clock_instead_of_restarting_it():
    # 141 days into Stage 2 by the calendar, 3 of them on hold: 138 days in stage.
    stage2 = days_after(APPLIED, 10)
    state = in_stage1(
        Step(K.STAGE2_START, stage2),
        Step(K.ON_HOLD, days_after(stage2, 100)),
        Step(K.RESUMED, days_after(stage2, 103)),
    )
    as_of = days_after(stage2, 141)
    assert state.days_in_stage(as_of) == 138
    assert "138 days in Stage 2 assessment (limit 120)" in stalled_reasons(
        state, as_of, as_of, SETTINGS
    )


def test_time_on_hold_in_an_earlier_stage_does_not_count_against_the_next():
    state = in_stage1(
        Step(K.ON_HOLD, days_after(APPLIED, 5)),
        Step(K.RESUMED, days_after(APPLIED, 50)),
        Step(K.STAGE2_START, days_after(APPLIED, 60)),
    )
    assert state.days_in_stage(days_after(APPLIED, 100)) == 40


def test_a_case_still_on_hold_counts_only_the_days_before_the_hold():
    state = in_stage1(Step(K.ON_HOLD, days_after(APPLIED, 20)))
    assert state.days_in_stage(days_after(APPLIED, 90)) == 20


def test_limits_come_from_the_settings():
    as_of = days_after(APPLIED, 20)
    strict = Settings(stage1_limit_days=10)
    assert stalled_reasons(in_stage1(), as_of, as_of, strict) == [
        "20 days in Stage 1 checks (limit 10)"
    ]


def test_a_case_before_application_is_never_stalled():
    state = replay([Step(K.ENQUIRY, date(2024, 1, 1))], date(2030, 1, 1))
    assert stalled_reasons(state, None, date(2025, 1, 1), SETTINGS) == []


class TestStalledCasesQuery:
    def _applied(self, **kwargs):
        return advance(
            CaseFactory(enquiry_date=date(2024, 12, 1), **kwargs),
            (K.FIRST_CONTACT, date(2024, 12, 2)),
            (K.INITIAL_VISIT, date(2024, 12, 10)),
            (K.APPLICATION, APPLIED),
        )

    def test_lists_the_stalled_case_with_its_reasons(self, db):
        case = self._applied()
        found = stalled_cases(days_after(APPLIED, 61))
        assert [(s.reference, s.reasons[0]) for s in found] == [
            (case.reference, "61 days in Stage 1 checks (limit 60)")
        ]

    def test_a_withdrawal_after_as_of_does_not_count_at_the_earlier_date(self, db):
        case = self._applied()
        advance(case, (K.WITHDRAWN_BY_APPLICANT, days_after(APPLIED, 90), "AW3"))
        assert [s.reference for s in stalled_cases(days_after(APPLIED, 61))] == [case.reference]
        assert stalled_cases(days_after(APPLIED, 95)) == []

    def test_activity_after_as_of_is_not_counted(self, db):
        case = self._applied()
        case.log_activity(ActivityKind.CALL, days_after(APPLIED, 40), None)
        db.session.commit()
        assert [s.reasons for s in stalled_cases(days_after(APPLIED, 35))] == [
            ["no activity for 35 days (limit 28)"]
        ]
        assert stalled_cases(days_after(APPLIED, 45)) == []

    def test_an_administrators_setting_changes_the_answer(self, db):
        self._applied()
        save_settings({"stage1_limit_days": 90, "inactivity_limit_days": 90})
        db.session.commit()
        assert stalled_cases(days_after(APPLIED, 61)) == []


class TestOverdueFirstContact:
    def test_an_enquiry_is_overdue_after_two_working_days(self, db):
        case = CaseFactory(enquiry_date=date(2025, 3, 3))  # Monday
        assert overdue_first_contacts(date(2025, 3, 5)) == []  # Wednesday: 2 working days
        assert overdue_first_contacts(date(2025, 3, 6)) == [case.id]

    def test_the_bank_holiday_gives_more_calendar_time(self, db):
        CaseFactory(enquiry_date=date(2025, 4, 17))  # Thursday before Easter
        assert overdue_first_contacts(date(2025, 4, 22)) == []  # 1 working day later

    def test_a_contacted_enquiry_is_not_overdue(self, db):
        case = CaseFactory(enquiry_date=date(2025, 3, 3))
        advance(case, (K.FIRST_CONTACT, date(2025, 3, 4)))
        assert overdue_first_contacts(date(2025, 3, 20)) == []

    @pytest.mark.parametrize("target,expected", [(5, False), (1, True)])
    def test_the_target_is_configurable(self, db, target, expected):
        case = CaseFactory(enquiry_date=date(2025, 3, 3))
        save_settings({"first_contact_target_working_days": target})
        db.session.commit()
        assert (case.id in overdue_first_contacts(date(2025, 3, 6))) is expected


def test_a_stage1_check_requested_or_received_counts_as_activity(db):
    from crm.models import Check, CheckKind

    case = advance(
        CaseFactory(enquiry_date=date(2024, 12, 1)),
        (K.FIRST_CONTACT, date(2024, 12, 2)),
        (K.INITIAL_VISIT, date(2024, 12, 10)),
        (K.APPLICATION, APPLIED),
        today=date(2030, 1, 1),
    )
    case.checks.append(Check(kind=CheckKind.DBS, requested_on=days_after(APPLIED, 20)))
    case.checks.append(Check(kind=CheckKind.MEDICAL, received_on=days_after(APPLIED, 30)))
    db.session.flush()
    quiet_but_checked = days_after(APPLIED, 50)  # 50 days since the last step, 20 since a check
    assert stalled_cases(quiet_but_checked) == []
    assert [s.reasons for s in stalled_cases(days_after(APPLIED, 59))] == [
        ["no activity for 29 days (limit 28)"]
    ]

"""The pipeline's stage rules (crm.domain.stages), without a database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.domain.stages import (
    CaseState,
    EventKind,
    Stage,
    Step,
    TransitionRefused,
    apply_step,
    check_step,
    replay,
    state_at,
)

TODAY = date(2025, 6, 30)
D = date(2025, 1, 6)
K = EventKind

PATH = [
    K.ENQUIRY,
    K.FIRST_CONTACT,
    K.INITIAL_VISIT,
    K.APPLICATION,
    K.STAGE2_START,
    K.PANEL,
    K.APPROVAL,
]


def state_after(*kinds: EventKind, reasons: dict | None = None) -> CaseState:
    """A case that went through `kinds`, one day apart from D."""
    reasons = reasons or {}
    return replay(
        [Step(k, D + timedelta(days=i), reasons.get(k)) for i, k in enumerate(kinds)], TODAY
    )


def path_to(stage_index: int) -> list[EventKind]:
    return PATH[: stage_index + 1]


NEXT_DAY = D + timedelta(days=30)


@pytest.mark.parametrize("index", range(len(PATH) - 1))
def test_each_milestone_may_follow_the_one_before(index):
    state = state_after(*path_to(index))
    check_step(state, Step(PATH[index + 1], NEXT_DAY), TODAY)


@pytest.mark.parametrize("index", range(len(PATH) - 2))
def test_a_milestone_cannot_be_skipped(index):
    state = state_after(*path_to(index))
    with pytest.raises(TransitionRefused, match="cannot be recorded yet: the next step is"):
        check_step(state, Step(PATH[index + 2], NEXT_DAY), TODAY)


@pytest.mark.parametrize("index", [i for i in range(1, len(PATH) - 1) if PATH[i] is not K.PANEL])
def test_a_milestone_cannot_be_recorded_twice(index):
    """Except the panel: a deferred panel sits again."""
    state = state_after(*path_to(index))
    with pytest.raises(TransitionRefused):
        check_step(state, Step(PATH[index], NEXT_DAY), TODAY)


def test_approval_without_an_application_is_refused():
    state = state_after(K.ENQUIRY, K.FIRST_CONTACT, K.INITIAL_VISIT)
    with pytest.raises(TransitionRefused, match="the next step is application"):
        check_step(state, Step(K.APPROVAL, NEXT_DAY), TODAY)


def test_a_case_starts_with_its_enquiry():
    with pytest.raises(TransitionRefused, match="starts with its enquiry"):
        check_step(CaseState(), Step(K.APPLICATION, D), TODAY)


def test_a_second_enquiry_event_is_refused():
    with pytest.raises(TransitionRefused, match="already recorded"):
        check_step(state_after(K.ENQUIRY), Step(K.ENQUIRY, NEXT_DAY), TODAY)


def test_a_date_in_the_future_is_refused():
    with pytest.raises(TransitionRefused, match="in the future"):
        check_step(state_after(K.ENQUIRY), Step(K.FIRST_CONTACT, TODAY + timedelta(days=1)), TODAY)


def test_today_is_not_the_future():
    check_step(state_after(K.ENQUIRY), Step(K.FIRST_CONTACT, TODAY), TODAY)


def test_a_date_before_the_last_step_is_refused():
    state = state_after(K.ENQUIRY, K.FIRST_CONTACT)
    with pytest.raises(TransitionRefused, match="cannot go backwards"):
        check_step(state, Step(K.INITIAL_VISIT, D), TODAY)


def test_a_step_on_the_same_day_as_the_last_is_allowed():
    state = state_after(K.ENQUIRY)
    check_step(state, Step(K.FIRST_CONTACT, D), TODAY)


@pytest.mark.parametrize("index", range(len(PATH) - 1))
@pytest.mark.parametrize(
    "exit_kind,reason",
    [(K.WITHDRAWN_BY_APPLICANT, "AW3"), (K.WITHDRAWN_BY_SERVICE, "safeguarding")],
)
def test_withdrawal_is_allowed_from_every_open_stage(index, exit_kind, reason):
    state = state_after(*path_to(index))
    check_step(state, Step(exit_kind, NEXT_DAY, reason), TODAY)


@pytest.mark.parametrize("exit_kind", [K.WITHDRAWN_BY_APPLICANT, K.WITHDRAWN_BY_SERVICE])
def test_withdrawal_needs_a_reason(exit_kind):
    with pytest.raises(TransitionRefused, match="needs a reason"):
        check_step(state_after(K.ENQUIRY), Step(exit_kind, NEXT_DAY), TODAY)


def test_an_unknown_withdrawal_code_is_refused():
    with pytest.raises(TransitionRefused, match="Unknown reason code 'AW9'"):
        check_step(state_after(K.ENQUIRY), Step(K.WITHDRAWN_BY_APPLICANT, NEXT_DAY, "AW9"), TODAY)


@pytest.mark.parametrize("code", ["AW0", "AW1", "AW2", "AW3", "AW4", "AW5"])
def test_every_ofsted_applicant_withdrawal_code_is_accepted(code):
    check_step(state_after(K.ENQUIRY), Step(K.WITHDRAWN_BY_APPLICANT, NEXT_DAY, code), TODAY)


def test_rejection_is_allowed_after_panel():
    check_step(state_after(*path_to(5)), Step(K.REJECTED, NEXT_DAY), TODAY)


@pytest.mark.parametrize("index", range(5))
def test_rejection_before_panel_is_refused(index):
    with pytest.raises(TransitionRefused, match="been to panel"):
        check_step(state_after(*path_to(index)), Step(K.REJECTED, NEXT_DAY), TODAY)


@pytest.mark.parametrize(
    "closing", [[K.APPROVAL], [K.REJECTED], [K.WITHDRAWN_BY_APPLICANT], [K.WITHDRAWN_BY_SERVICE]]
)
@pytest.mark.parametrize("attempt", list(K))
def test_nothing_follows_a_closed_case(closing, attempt):
    reasons = {K.WITHDRAWN_BY_APPLICANT: "AW1", K.WITHDRAWN_BY_SERVICE: "other"}
    state = state_after(*path_to(5), *closing, reasons=reasons)
    with pytest.raises(TransitionRefused):
        check_step(state, Step(attempt, NEXT_DAY, reasons.get(attempt)), TODAY)


def test_a_case_on_hold_must_be_resumed_before_it_moves_on():
    state = state_after(*path_to(3), K.ON_HOLD)
    with pytest.raises(TransitionRefused, match="resume it first"):
        check_step(state, Step(K.STAGE2_START, NEXT_DAY), TODAY)


def test_a_case_on_hold_can_still_be_withdrawn():
    state = state_after(*path_to(3), K.ON_HOLD)
    check_step(state, Step(K.WITHDRAWN_BY_APPLICANT, NEXT_DAY, "AW3"), TODAY)


def test_only_a_case_on_hold_can_be_resumed():
    with pytest.raises(TransitionRefused, match="Only a case on hold"):
        check_step(state_after(*path_to(3)), Step(K.RESUMED, NEXT_DAY), TODAY)


def test_a_case_on_hold_cannot_be_put_on_hold_again():
    with pytest.raises(TransitionRefused, match="already on hold"):
        check_step(state_after(*path_to(3), K.ON_HOLD), Step(K.ON_HOLD, NEXT_DAY), TODAY)


def test_resuming_returns_the_case_to_its_stage_with_its_clock_paused_not_restarted():
    state = state_after(*path_to(4), K.ON_HOLD, K.RESUMED)
    assert state.stage is Stage.STAGE2
    assert not state.on_hold
    assert state.stage_entered_on == D + timedelta(days=4)
    assert state.paused_days == 1
    assert state.days_in_stage(D + timedelta(days=14)) == 9


def test_allowed_next_offers_only_legal_steps():
    state = state_after(*path_to(3))
    assert set(state.allowed_next()) == {
        K.STAGE2_START,
        K.WITHDRAWN_BY_APPLICANT,
        K.WITHDRAWN_BY_SERVICE,
        K.ON_HOLD,
    }


def test_allowed_next_for_a_closed_case_is_empty():
    assert state_after(*PATH).allowed_next() == []


class TestStateAtADate:
    steps = [
        Step(K.ENQUIRY, date(2024, 1, 10)),
        Step(K.FIRST_CONTACT, date(2024, 1, 11)),
        Step(K.INITIAL_VISIT, date(2024, 2, 1)),
        Step(K.APPLICATION, date(2024, 3, 1)),
        Step(K.ON_HOLD, date(2024, 4, 1)),
        Step(K.RESUMED, date(2024, 5, 1)),
        Step(K.WITHDRAWN_BY_APPLICANT, date(2024, 6, 1), "AW2"),
    ]

    def test_before_the_enquiry_there_is_no_case(self):
        assert state_at(self.steps, date(2024, 1, 9)).stage is None

    def test_on_the_enquiry_date_it_is_a_new_enquiry(self):
        assert state_at(self.steps, date(2024, 1, 10)).stage is Stage.ENQUIRY

    def test_during_the_hold_it_is_on_hold_in_stage_1(self):
        state = state_at(self.steps, date(2024, 4, 15))
        assert (state.stage, state.on_hold, state.held_since) == (
            Stage.STAGE1,
            True,
            date(2024, 4, 1),
        )

    def test_the_day_before_withdrawal_it_is_open(self):
        state = state_at(self.steps, date(2024, 5, 31))
        assert state.is_open and state.stage is Stage.STAGE1

    def test_after_withdrawal_it_is_closed_with_its_reason(self):
        state = state_at(self.steps, date(2025, 1, 1))
        assert (state.stage, state.outcome_reason, state.is_open) == (
            Stage.WITHDRAWN_BY_APPLICANT,
            "AW2",
            False,
        )

    def test_milestone_dates_are_those_reached_by_the_date(self):
        state = state_at(self.steps, date(2024, 2, 15))
        assert state.milestones == {
            K.ENQUIRY: date(2024, 1, 10),
            K.FIRST_CONTACT: date(2024, 1, 11),
            K.INITIAL_VISIT: date(2024, 2, 1),
        }


def test_apply_step_does_not_change_the_state_it_was_given():
    before = state_after(K.ENQUIRY)
    apply_step(before, Step(K.FIRST_CONTACT, NEXT_DAY))
    assert before.stage is Stage.ENQUIRY and K.FIRST_CONTACT not in before.milestones


def test_a_deferred_panel_can_sit_again_and_the_panel_clock_follows_the_latest():
    first_panel = D + timedelta(days=5)
    state = replay(
        [
            *(Step(k, D + timedelta(days=i)) for i, k in enumerate(path_to(5))),
            Step(K.PANEL, first_panel + timedelta(days=40)),
        ],
        TODAY,
    )
    assert state.stage is Stage.PANEL
    assert state.milestones[K.PANEL] == first_panel + timedelta(days=40)
    assert state.days_in_stage(first_panel + timedelta(days=50)) == 10
    assert K.PANEL in state.allowed_next()

"""Every pipeline stage is handled everywhere stages are listed (issue 30, item 4).

The places that list stages (the stalled rule and its settings, NMS 14.4, the
period counts, time in each stage, the tracker's columns, the case list's filter,
the dashboard's pipeline) read one table of facts in crm.domain.stages. These tests
walk `Stage` and check each place against the policy pinned below, so a new stage
fails here, naming the place, until its policy is written down and every place
handles it as written; it cannot be left out of one of them without notice.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import NamedTuple

import pytest

from crm.domain.settings import SETTING_LABELS, Settings
from crm.domain.stages import (
    OPEN_STAGES,
    STAGE_FACTS,
    CaseState,
    EventKind,
    Stage,
    Step,
    replay,
)
from crm.domain.stalled import stalled_reasons
from crm.domain.timescales import panel_timescale_warning
from crm.imports.tracker import COLUMNS as TRACKER_COLUMNS
from crm.metrics.breakdowns import STAGE_SPANS
from crm.metrics.period import COUNTED_STEPS
from crm.metrics.pipeline import oldest_by_stage, pipeline_now
from crm.models.case import step_date
from tests.factories import CaseFactory, advance

K = EventKind


class Policy(NamedTuple):
    step: EventKind  # the step that puts a case in the stage
    is_open: bool  # the case can still move on
    dated_by: str  # the case column, and the tracker's column, the step is dated by
    counted_as: str | None  # the period figure that counts the step
    stalls_after: str | None  # the setting limiting the days in the stage (domain.md)
    nms_14_4: bool  # applied for, not yet at panel: held to 8 months to panel
    time_in_stage: str | None  # its row in "time spent in each stage"


#: What each stage is, from domain.md and the regulations, in the order a case moves.
#: A new stage fails every test below until it has a row here.
POLICY = {
    Stage.ENQUIRY: Policy(
        K.ENQUIRY, True, "enquiry_date", "enquiries", None, False, "Enquiry to initial visit"
    ),
    Stage.CONTACTED: Policy(
        K.FIRST_CONTACT, True, "first_contact_date", "first_contacts", None, False, None
    ),
    Stage.INITIAL_VISIT: Policy(
        K.INITIAL_VISIT,
        True,
        "initial_visit_date",
        "initial_visits",
        None,
        False,
        "Initial visit to application",
    ),
    Stage.STAGE1: Policy(
        K.APPLICATION,
        True,
        "application_date",
        "applications",
        "stage1_limit_days",
        True,
        "Stage 1 (application to Stage 2)",
    ),
    Stage.STAGE2: Policy(
        K.STAGE2_START,
        True,
        "stage2_start_date",
        None,
        "stage2_limit_days",
        True,
        "Stage 2 (to panel)",
    ),
    Stage.PANEL: Policy(
        K.PANEL,
        True,
        "panel_date",
        None,
        "panel_limit_days",
        False,
        "Panel to decision (approvals)",
    ),
    Stage.APPROVED: Policy(K.APPROVAL, False, "approval_date", "approvals", None, False, None),
    Stage.WITHDRAWN_BY_APPLICANT: Policy(
        K.WITHDRAWN_BY_APPLICANT,
        False,
        "outcome_date",
        "withdrawn_by_applicant",
        None,
        False,
        None,
    ),
    Stage.WITHDRAWN_BY_SERVICE: Policy(
        K.WITHDRAWN_BY_SERVICE, False, "outcome_date", "withdrawn_by_service", None, False, None
    ),
    Stage.REJECTED: Policy(K.REJECTED, False, "outcome_date", "rejected", None, False, None),
}
REASONS = {K.WITHDRAWN_BY_APPLICANT: "AW1", K.WITHDRAWN_BY_SERVICE: "other"}
START = date(2024, 1, 1)
STEP_APART = timedelta(days=10)
TODAY = date(2030, 1, 1)


def policy(stage: Stage) -> Policy:
    if stage not in POLICY:
        pytest.fail(f"{stage!r} is new: pin what it is in POLICY, tests/test_stage_facts.py")
    return POLICY[stage]


def path_to(stage: Stage) -> list[Step]:
    """The pinned steps into each open stage before `stage`, then the step into it, ten
    days apart (rejection follows the panel; a withdrawal may follow any open stage)."""
    before = [s for s in POLICY if POLICY[s].is_open]
    before = before[: before.index(stage)] if stage in before else before
    kinds = [POLICY[s].step for s in before] + [policy(stage).step]
    return [Step(kind, START + STEP_APART * i, REASONS.get(kind)) for i, kind in enumerate(kinds)]


def in_stage(stage: Stage) -> CaseState:
    return replay(path_to(stage), TODAY)


def test_every_stage_has_its_policy_pinned_here():
    assert list(POLICY) == list(Stage)


def test_every_stage_has_one_row_of_facts():
    rows = Counter(f.stage for f in STAGE_FACTS)
    assert {s for s in Stage if rows[s] != 1} == set(), "crm.domain.stages.STAGE_FACTS"


def test_every_step_but_a_hold_or_resume_moves_a_case_into_one_stage():
    entering = Counter(f.entered_by for f in STAGE_FACTS)
    # A connected person's referral opens the case as its enquiry would (Stage.ENQUIRY).
    assert {k for k in EventKind if entering[k] != 1} == {K.ON_HOLD, K.RESUMED, K.REFERRAL}


@pytest.mark.parametrize("stage", list(Stage))
def test_the_step_into_each_stage_puts_a_case_there_open_or_closed(stage):
    state = in_stage(stage)
    assert state.stage is stage
    assert state.is_open is policy(stage).is_open
    assert (stage in OPEN_STAGES) is policy(stage).is_open


#: Every stage limit far off, so that only the one a test shortens can stall a case.
FAR_OFF = Settings(
    **{p.stalls_after: 1000 for p in POLICY.values() if p.stalls_after},
    application_limit_days=1000,
    inactivity_limit_days=1000,
)


@pytest.mark.parametrize("stage", list(Stage))
def test_a_case_stalls_after_the_days_its_stages_own_setting_allows(stage):
    """crm/domain/stalled.py and crm/domain/settings.py: the stage's limit is its own
    setting, shown on the settings page; a stage with none never stalls."""
    setting = policy(stage).stalls_after
    settings = FAR_OFF if setting is None else Settings(**{**vars(FAR_OFF), setting: 5})
    entered = path_to(stage)[-1].on
    on_day_5 = stalled_reasons(in_stage(stage), None, entered + timedelta(days=5), settings)
    on_day_6 = stalled_reasons(in_stage(stage), None, entered + timedelta(days=6), settings)
    assert on_day_5 == []
    assert bool(on_day_6) is (setting is not None)
    if setting is not None:
        assert setting in SETTING_LABELS


@pytest.mark.parametrize("stage", list(Stage))
def test_nms_14_4_warns_only_about_cases_still_being_assessed_for_panel(stage):
    """crm/domain/timescales.py: 9 months after the application, a case held to NMS 14.4
    is past its 8 months to panel."""
    nine_months_on = START + timedelta(days=280)
    warning = panel_timescale_warning(in_stage(stage), nine_months_on, Settings())
    assert bool(warning) is policy(stage).nms_14_4


@pytest.mark.parametrize("stage", list(Stage))
def test_the_step_into_each_stage_is_dated_and_counted_as_pinned(stage):
    """crm/models/case.py (the date column) and crm/metrics/period.py (the count)."""
    pinned = policy(stage)
    figure_of_step = {kind: figure for figure, kind in COUNTED_STEPS.items()}
    assert step_date(pinned.step)[0].key == pinned.dated_by
    assert figure_of_step.get(pinned.step) == pinned.counted_as


@pytest.mark.parametrize("stage", list(Stage))
def test_the_tracker_has_a_date_column_for_each_milestone(stage):
    """crm/imports/tracker.py: the import's columns, and so the export's."""
    pinned = policy(stage)
    if pinned.dated_by != "outcome_date":
        assert pinned.dated_by in TRACKER_COLUMNS


@pytest.mark.parametrize("stage", list(Stage))
def test_each_stage_has_its_pinned_row_in_time_spent_in_each_stage(stage):
    """crm/metrics/breakdowns.py."""
    rows = {span.key: span.label for span in STAGE_SPANS}
    assert rows.get(stage.value) == policy(stage).time_in_stage


def test_time_in_each_stage_runs_to_the_next_row_or_the_decision():
    """A stage without a row (contacted) counts in the row before it."""
    assert [(s.key, s.starts.key, s.ends.key) for s in STAGE_SPANS] == [
        ("enquiry", "enquiry_date", "initial_visit_date"),
        ("initial_visit", "initial_visit_date", "application_date"),
        ("stage1", "application_date", "stage2_start_date"),
        ("stage2", "stage2_start_date", "panel_date"),
        ("panel", "panel_date", "approval_date"),
    ]


@pytest.mark.parametrize("stage", list(Stage))
def test_the_case_list_can_be_filtered_to_each_stage(stage, officer_client):
    """crm/cases/forms.py: the stage filter offers every stage."""
    page = officer_client.get("/cases/").get_data(as_text=True)
    assert f'<option value="{stage.value}">{stage.label}</option>' in page


@pytest.mark.parametrize("stage", list(Stage))
def test_the_dashboard_counts_and_lists_the_cases_waiting_in_each_open_stage(stage, db):
    """crm/metrics/pipeline.py: the pipeline's count by stage and its longest waiting."""
    steps = path_to(stage)
    case = advance(
        CaseFactory(enquiry_date=steps[0].on),
        *((s.kind, s.on, s.reason) if s.reason else (s.kind, s.on) for s in steps[1:]),
    )
    counted = pipeline_now().by_stage
    waiting = oldest_by_stage()
    if policy(stage).is_open:
        assert counted[stage] == 1
        assert [c["reference"] for c in waiting[stage.value]] == [case.reference]
    else:
        assert stage not in counted
        assert stage.value not in waiting

"""The recruitment pipeline's rules, in one place.

A case (a prospective fostering household) moves through dated steps:

    enquiry -> first contact -> initial visit -> application (Stage 1)
            -> Stage 2 started -> panel -> approval (ADM decision)

and can leave at any open point (withdrawn by the applicant or by the service),
be rejected once it has been to panel, or be put on hold and resumed.

Every step is an event with a date. The state of a case on any date is the
fold of its events dated on or before that date (`state_at`); the case row only
caches the latest fold. Pure Python with no database, so that forms, the
importer, the demo generator, metrics and jobs all share one definition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import pairwise

from crm.domain.labelled import LabelledEnum
from crm.formatting import uk_date


class EventKind(LabelledEnum):
    ENQUIRY = "enquiry", "Enquiry received"
    #: A connected person's case opens with the child's social worker's referral, not an
    #: enquiry: it takes the enquiry's place as the case's first step (domain.md,
    #: "Connected persons"), and the case goes from it to viability and the assessment.
    REFERRAL = "referral", "Referral by the child's social worker (connected person)"
    FIRST_CONTACT = "first_contact"
    INITIAL_VISIT = "initial_visit", "Initial home visit"
    APPLICATION = "application", "Application received (Stage 1)"
    STAGE2_START = "stage2_start", "Stage 2 assessment started"
    PANEL = "panel", "Fostering panel (or a deferred panel sitting again)"
    APPROVAL = "approval", "Approved (agency decision)"
    WITHDRAWN_BY_APPLICANT = "withdrawn_by_applicant"
    WITHDRAWN_BY_SERVICE = "withdrawn_by_service", "Withdrawn by the service"
    REJECTED = "rejected", "Rejected (panel / ADM)"
    ON_HOLD = "on_hold", "Put on hold"
    RESUMED = "resumed"


class Stage(LabelledEnum):
    """Where a case is: the stage its latest milestone or exit put it in."""

    ENQUIRY = "enquiry", "New enquiry"
    CONTACTED = "contacted"
    INITIAL_VISIT = "initial_visit", "Initial visit done"
    STAGE1 = "stage1", "Stage 1 checks"
    STAGE2 = "stage2", "Stage 2 assessment"
    PANEL = "panel", "Panel / awaiting decision"
    APPROVED = "approved"
    WITHDRAWN_BY_APPLICANT = "withdrawn_by_applicant"
    WITHDRAWN_BY_SERVICE = "withdrawn_by_service"
    REJECTED = "rejected"

    @property
    def facts(self) -> StageFacts:
        return FACTS_OF_STAGE[self]

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STAGES

    @property
    def is_assessment(self) -> bool:
        """Stage 1, Stage 2 or awaiting the panel/ADM: the stages that can stall."""
        return self in ASSESSMENT_STAGES


@dataclass(frozen=True, kw_only=True)
class StageFacts:
    """What the rest of Hearth reads about a stage. Every field is required, so a new
    stage answers each question here, where it is defined; the rules, the metrics and
    the tracker's columns read the answers instead of naming stages themselves (and
    tests/test_stage_facts.py walks every stage through each of them)."""

    stage: Stage
    #: The step that puts a case in this stage.
    entered_by: EventKind
    #: Reached in order, none skipped (False: an exit, open to any open case).
    milestone: bool
    #: The case can still move on (False: approved, withdrawn or rejected).
    is_open: bool
    #: The period figure that counts the steps into it ("applications"); None: not counted.
    counted_as: str | None
    #: The Settings field holding the days a case may spend here before it stalls
    #: (domain.md, "Stalled"); None: it never stalls.
    stall_limit: str | None
    #: Applied for and not yet at panel: held to NMS 14.4's 8 months to panel.
    panel_timescale: bool
    #: Its row in "time spent in each stage", which runs from the step into it to the
    #: step into the next stage that has a row or closes the case; None: its days count
    #: in the row of the stage before it.
    time_in_stage: str | None


#: Every stage, in the order a case moves through them (the exits last).
STAGE_FACTS: tuple[StageFacts, ...] = (
    StageFacts(
        stage=Stage.ENQUIRY,
        entered_by=EventKind.ENQUIRY,
        milestone=True,
        is_open=True,
        counted_as="enquiries",
        stall_limit=None,
        panel_timescale=False,
        time_in_stage="Enquiry to initial visit",
    ),
    StageFacts(
        stage=Stage.CONTACTED,
        entered_by=EventKind.FIRST_CONTACT,
        milestone=True,
        is_open=True,
        counted_as="first_contacts",
        stall_limit=None,
        panel_timescale=False,
        time_in_stage=None,
    ),
    StageFacts(
        stage=Stage.INITIAL_VISIT,
        entered_by=EventKind.INITIAL_VISIT,
        milestone=True,
        is_open=True,
        counted_as="initial_visits",
        stall_limit=None,
        panel_timescale=False,
        time_in_stage="Initial visit to application",
    ),
    StageFacts(
        stage=Stage.STAGE1,
        entered_by=EventKind.APPLICATION,
        milestone=True,
        is_open=True,
        counted_as="applications",
        stall_limit="stage1_limit_days",
        panel_timescale=True,
        time_in_stage="Stage 1 (application to Stage 2)",
    ),
    StageFacts(
        stage=Stage.STAGE2,
        entered_by=EventKind.STAGE2_START,
        milestone=True,
        is_open=True,
        counted_as=None,
        stall_limit="stage2_limit_days",
        panel_timescale=True,
        time_in_stage="Stage 2 (to panel)",
    ),
    StageFacts(
        stage=Stage.PANEL,
        entered_by=EventKind.PANEL,
        milestone=True,
        is_open=True,
        counted_as=None,
        stall_limit="panel_limit_days",
        panel_timescale=False,
        time_in_stage="Panel to decision (approvals)",
    ),
    StageFacts(
        stage=Stage.APPROVED,
        entered_by=EventKind.APPROVAL,
        milestone=True,
        is_open=False,
        counted_as="approvals",
        stall_limit=None,
        panel_timescale=False,
        time_in_stage=None,
    ),
    StageFacts(
        stage=Stage.WITHDRAWN_BY_APPLICANT,
        entered_by=EventKind.WITHDRAWN_BY_APPLICANT,
        milestone=False,
        is_open=False,
        counted_as="withdrawn_by_applicant",
        stall_limit=None,
        panel_timescale=False,
        time_in_stage=None,
    ),
    StageFacts(
        stage=Stage.WITHDRAWN_BY_SERVICE,
        entered_by=EventKind.WITHDRAWN_BY_SERVICE,
        milestone=False,
        is_open=False,
        counted_as="withdrawn_by_service",
        stall_limit=None,
        panel_timescale=False,
        time_in_stage=None,
    ),
    StageFacts(
        stage=Stage.REJECTED,
        entered_by=EventKind.REJECTED,
        milestone=False,
        is_open=False,
        counted_as="rejected",
        stall_limit=None,
        panel_timescale=False,
        time_in_stage=None,
    ),
)
FACTS_OF_STAGE = {facts.stage: facts for facts in STAGE_FACTS}

#: Milestones in the order a case must reach them; none may be skipped.
MILESTONES: tuple[EventKind, ...] = tuple(f.entered_by for f in STAGE_FACTS if f.milestone)
STAGE_AFTER_MILESTONE = {f.entered_by: f.stage for f in STAGE_FACTS if f.milestone}
MILESTONE_OF_STAGE = {stage: kind for kind, stage in STAGE_AFTER_MILESTONE.items()}
EXITS = {f.entered_by: f.stage for f in STAGE_FACTS if not f.milestone}
CLOSED_STAGES = frozenset(f.stage for f in STAGE_FACTS if not f.is_open)
OPEN_STAGES = tuple(f.stage for f in STAGE_FACTS if f.is_open)
ASSESSMENT_STAGES = frozenset(f.stage for f in STAGE_FACTS if f.stall_limit is not None)
PANEL_TIMESCALE_STAGES = frozenset(f.stage for f in STAGE_FACTS if f.panel_timescale)

#: Ofsted's codes for applicant withdrawals before panel (2023-24 onward).
APPLICANT_WITHDRAWAL_REASONS = {
    "AW1": "Fostering not as expected",
    "AW2": "Assessment not as expected",
    "AW3": "Household circumstances changed",
    "AW4": "Financial reasons",
    "AW5": "Worried about allegations",
    "AW0": "Other or unknown",
}

SERVICE_WITHDRAWAL_REASONS = {
    "safeguarding": "Safeguarding concern from checks",
    "health": "Health of applicant",
    "accommodation": "Accommodation not suitable",
    "capacity": "Unable to meet needs of children in care",
    "no_contact": "No contact from applicant",
    "not_ready": "Not ready to foster at this time",
    "other": "Other",
    #: A connected person's fostering case ended because a special guardianship or child
    #: arrangements order was made to them: a good outcome, not a drop-out (the choice is
    #: argued in crm.domain.special_guardianship).
    "order_made": "Special guardianship or child arrangements order made instead",
}


def reason_label(code: str | None) -> str:
    """A withdrawal reason's words (a code from neither list, as imported, as it came)."""
    if not code:
        return ""
    return APPLICANT_WITHDRAWAL_REASONS.get(code) or SERVICE_WITHDRAWAL_REASONS.get(code) or code


REASONS_REQUIRED = {
    EventKind.WITHDRAWN_BY_APPLICANT: APPLICANT_WITHDRAWAL_REASONS,
    EventKind.WITHDRAWN_BY_SERVICE: SERVICE_WITHDRAWAL_REASONS,
}


class TransitionRefused(ValueError):
    """A step that the rules do not allow; the message says why, for the user."""


@dataclass(frozen=True)
class Step:
    """One dated event in a case's history."""

    kind: EventKind
    on: date
    reason: str | None = None


@dataclass(frozen=True)
class CaseState:
    """A case as it stood on a date: its stage, milestone dates and hold state."""

    stage: Stage | None = None
    on_hold: bool = False
    held_since: date | None = None
    resumed_on: date | None = None
    milestones: dict[EventKind, date] = field(default_factory=dict)
    outcome_date: date | None = None
    outcome_reason: str | None = None
    last_event_on: date | None = None
    #: Days the case spent on hold (finished holds) since it entered its current stage.
    paused_days: int = 0
    #: Opened by a referral from the child's social worker (a connected person), not an
    #: enquiry: first contact and the initial visit are not its steps.
    referral: bool = False

    @property
    def is_open(self) -> bool:
        return self.stage is not None and not self.stage.is_closed

    @property
    def opened_on(self) -> date | None:
        """The case's first step: its enquiry, or a connected person's referral."""
        return self.milestones.get(EventKind.ENQUIRY)

    @property
    def stage_entered_on(self) -> date | None:
        """When the case entered its current stage."""
        if self.stage is None:
            return None
        if self.stage.is_closed:
            return self.outcome_date or self.milestones.get(EventKind.APPROVAL)
        return self.milestones[MILESTONE_OF_STAGE[self.stage]]

    def days_in_stage(self, as_of: date) -> int:
        """Days in the current stage on `as_of`, not counting time on hold: a hold pauses
        the stage's clock, it does not restart it (domain.md, "Stalled")."""
        held = self.paused_days
        if self.on_hold and self.held_since is not None:
            held += (as_of - max(self.held_since, self.stage_entered_on)).days
        return (as_of - self.stage_entered_on).days - held

    def allowed_next(self) -> list[EventKind]:
        """The events that may be recorded next, for offering only legal buttons."""
        return [kind for kind in EventKind if _refusal(self, kind, None) is None]


#: The milestone each stage waits for (None: a new case's first; closed stages, none).
_NEXT_MILESTONE: dict[Stage | None, EventKind | None] = {
    None: EventKind.ENQUIRY,
    **{stage: None for stage in CLOSED_STAGES},
    **{STAGE_AFTER_MILESTONE[done]: after for done, after in pairwise(MILESTONES)},
}


#: Steps of the recruitment funnel that a referred connected person does not take.
RECRUITMENT_ONLY = (EventKind.FIRST_CONTACT, EventKind.INITIAL_VISIT)


def next_milestone(stage: Stage | None, referral: bool = False) -> EventKind | None:
    """The milestone a case in `stage` waits for. A connected person referred by the
    child's social worker goes from the referral to the application (the full
    assessment) after the viability assessment: the Care Planning, Placement and Case
    Review (England) Regulations 2010, reg 24, have a local authority assess a connected
    person the child's plan names, not recruit them, so first contact and the initial
    visit of the recruitment funnel are not theirs."""
    expected = _NEXT_MILESTONE[stage]
    while referral and expected in RECRUITMENT_ONLY:
        expected = _NEXT_MILESTONE[STAGE_AFTER_MILESTONE[expected]]
    return expected


def _refusal(state: CaseState, kind: EventKind, reason: str | None) -> str | None:
    """Why `kind` cannot follow `state` (ignoring dates), or None when it can."""
    return _refusal_after(state.stage, state.on_hold, kind, reason, state.referral)


@lru_cache(maxsize=4096)
def _refusal_after(
    stage: Stage | None,
    on_hold: bool,
    kind: EventKind,
    reason: str | None,
    referral: bool = False,
) -> str | None:
    """The rules by what they read: the stage, whether on hold, the step and its reason
    (remembered: an import checks hundreds of thousands of steps of a few dozen kinds)."""
    if stage is None:
        if kind in (EventKind.ENQUIRY, EventKind.REFERRAL):
            return None
        return "A case starts with its enquiry (or a connected person's referral)."
    if kind in (EventKind.ENQUIRY, EventKind.REFERRAL):
        opened = "referral" if referral else "enquiry"
        return f"The case has started: its {opened} is already recorded."
    if stage.is_closed:
        label = stage.label.lower()
        return f"The case is closed ({label}); no further steps can be recorded."
    if kind in (EventKind.ON_HOLD, EventKind.RESUMED):
        return _hold_refusal(on_hold, kind)
    if kind in REASONS_REQUIRED:
        known = reason is None or reason in REASONS_REQUIRED[kind]
        return None if known else f"Unknown reason code {reason!r} for {kind.label.lower()}."
    if on_hold:
        return "The case is on hold; resume it first."
    if referral and kind in RECRUITMENT_ONLY:
        return (
            f"{kind.label} is a step of recruitment; a connected person referred by the "
            "child's social worker goes from the referral to the viability assessment "
            "and the application."
        )
    return _progress_refusal(stage, kind, referral)


def _hold_refusal(on_hold: bool, kind: EventKind) -> str | None:
    if kind is EventKind.RESUMED:
        return None if on_hold else "Only a case on hold can be resumed."
    return "The case is already on hold." if on_hold else None


def _progress_refusal(stage: Stage, kind: EventKind, referral: bool = False) -> str | None:
    """Rules for moving forward: rejection after panel, milestones in order."""
    if kind is EventKind.REJECTED:
        if stage is Stage.PANEL:
            return None
        return "Only a case that has been to panel can be rejected."
    if kind is EventKind.PANEL and stage is Stage.PANEL:
        return None  # a deferred panel sits again; its clock follows the latest sitting
    expected = next_milestone(stage, referral)
    if kind is not expected:
        needed = expected.label.lower() if expected else "nothing further"
        return f"{kind.label} cannot be recorded yet: the next step is {needed}."
    return None


def merge_refusal(duplicate: Stage, original: Stage) -> str | None:
    """Why a possible duplicate cannot be folded into the earlier case, or None.

    Only a bare enquiry is ever folded away: a case that has moved on has its own
    history. And nothing is merged into a closed case: someone coming back after
    withdrawing starts a new case, linked to the earlier one."""
    if duplicate is not Stage.ENQUIRY:
        return (
            f"This case has moved on ({duplicate.label.lower()}), so it is not merged away; "
            "keep both."
        )
    if original.is_closed:
        return (
            f"The earlier case is closed ({original.label.lower()}): a returning applicant "
            "starts a new case, linked to the earlier one."
        )
    return None


def check_step(state: CaseState, step: Step, as_of: date) -> None:
    """Raise TransitionRefused with a reason a user can act on, or return quietly."""
    if step.on > as_of:
        raise TransitionRefused(f"The date {uk_date(step.on)} is in the future.")
    if state.last_event_on and step.on < state.last_event_on:
        raise TransitionRefused(
            f"The date {uk_date(step.on)} is before the case's last recorded step "
            f"({uk_date(state.last_event_on)}); steps cannot go backwards."
        )
    if step.kind in REASONS_REQUIRED and not step.reason:
        raise TransitionRefused(f"{step.kind.label} needs a reason.")
    refusal = _refusal(state, step.kind, step.reason)
    if refusal:
        raise TransitionRefused(refusal)


def _changed(state: CaseState, **changes: object) -> CaseState:
    """A copy of `state` with `changes`: `dataclasses.replace` without re-running the
    frozen `__init__` field by field, which was a fifth of validating a 100,000-row
    tracker (every case replays its steps)."""
    copy = object.__new__(CaseState)
    copy.__dict__.update(state.__dict__, **changes)
    return copy


def apply_step(state: CaseState, step: Step) -> CaseState:
    """The state after `step`, assuming it was checked. Never mutates `state`."""
    kind, on = step.kind, step.on
    if kind is EventKind.REFERRAL:
        # The referral opens the case as its enquiry would: the same first milestone
        # (its date is the case's opening date), on a case marked as referred.
        opened = apply_step(state, Step(EventKind.ENQUIRY, on))
        return _changed(opened, referral=True)
    if kind in STAGE_AFTER_MILESTONE:
        milestones = {**state.milestones, kind: on}
        stage = STAGE_AFTER_MILESTONE[kind]
        outcome = on if kind is EventKind.APPROVAL else state.outcome_date
        return _changed(
            state,
            stage=stage,
            milestones=milestones,
            outcome_date=outcome,
            last_event_on=on,
            paused_days=0,
        )
    if kind in EXITS:
        return _changed(
            state,
            stage=EXITS[kind],
            on_hold=False,
            held_since=None,
            outcome_date=on,
            outcome_reason=step.reason,
            last_event_on=on,
        )
    if kind is EventKind.ON_HOLD:
        return _changed(state, on_hold=True, held_since=on, last_event_on=on)
    held = (on - state.held_since).days if state.held_since else 0
    return _changed(
        state,
        on_hold=False,
        held_since=None,
        resumed_on=on,
        last_event_on=on,
        paused_days=state.paused_days + held,
    )


def state_at(steps: Iterable[Step], as_of: date | None = None) -> CaseState:
    """Fold a case's steps (in recorded order) dated on or before `as_of`."""
    state = CaseState()
    for step in steps:
        if as_of is None or step.on <= as_of:
            state = apply_step(state, step)
    return state


def replay(steps: Iterable[Step], as_of: date) -> CaseState:
    """Check and apply steps in order, as an importer or generator must."""
    state = CaseState()
    for step in steps:
        check_step(state, step, as_of)
        state = apply_step(state, step)
    return state

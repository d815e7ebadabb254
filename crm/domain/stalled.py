"""What "stalled" means: an assessment that needs chasing (domain.md).

A case open at the as-of date, in Stage 1, Stage 2 or waiting for the
panel/ADM decision, is stalled if ANY of these holds (limits from Settings):
- it has been in its current stage more than the stage's limit
  (time on hold does not count: a hold pauses the stage's clock);
- more than `application_limit_days` have passed since its application;
- more than `inactivity_limit_days` have passed since its last activity
  (any milestone, contact or logged activity on or before as-of).
Cases on hold are not stalled. "More than N days" means as_of - start > N.
A kinship case under temporary approval (reg 24) follows the kinship clock
instead of the stage and application limits: stalled once the temporary
approval lapses without a decision (crm.domain.kinship).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crm.domain.kinship import kinship_clock_reasons, recorded_dates
from crm.domain.settings import Settings
from crm.domain.stages import CaseState, EventKind, Stage


def stage_limit(stage: Stage, settings: Settings) -> int:
    """The days a case may spend in `stage` before it stalls: the setting its facts name."""
    return getattr(settings, stage.facts.stall_limit)


def stalled_reasons(
    state: CaseState,
    last_activity: date | None,
    as_of: date,
    settings: Settings,
    temporary: Any | None = None,
) -> list[str]:
    """Why the case is stalled at `as_of`, in words; empty when it is not. `temporary`
    is a kinship case's temporary approval, whose clock then replaces the limits."""
    if not state.is_open or state.on_hold or not state.stage.is_assessment:
        return []
    if temporary is not None and temporary.approved_on <= as_of:
        reasons = kinship_clock_reasons(temporary, as_of)
    else:
        reasons = _limit_reasons(state, as_of, settings)
    recorded = recorded_dates(temporary) if temporary is not None else []
    latest = max(
        d for d in (last_activity, state.last_event_on, *recorded) if d is not None and d <= as_of
    )
    quiet = (as_of - latest).days
    if quiet > settings.inactivity_limit_days:
        reasons.append(f"no activity for {quiet} days (limit {settings.inactivity_limit_days})")
    return reasons


def _limit_reasons(state: CaseState, as_of: date, settings: Settings) -> list[str]:
    """The mainstream clock: days in the stage, and since the application."""
    reasons = []
    limit = stage_limit(state.stage, settings)
    in_stage = state.days_in_stage(as_of)
    if in_stage > limit:
        reasons.append(f"{in_stage} days in {state.stage.label} (limit {limit})")
    since_application = (as_of - state.milestones[EventKind.APPLICATION]).days
    if since_application > settings.application_limit_days:
        reasons.append(
            f"{since_application} days since application (limit {settings.application_limit_days})"
        )
    return reasons

"""The national timescales an assessment is held to, as pure rules.

- National Minimum Standards 14.4: the fostering panel should make its
  recommendation within 8 months of the application.
- NMS 14.9: the agency decision maker should decide within 7 working days of
  receiving the panel's recommendation and final minutes: the clock runs from the
  date the minutes were received (crm.domain.panel), never from the sitting.
Warning windows and the decision limit are settings.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta

from crm.domain.panel import decision_late
from crm.domain.settings import Settings
from crm.domain.stages import PANEL_TIMESCALE_STAGES, CaseState, EventKind, Stage
from crm.formatting import uk_date

PANEL_MONTHS = 8


@lru_cache(maxsize=8192)
def panel_due_by(applied: date) -> date:
    """The last day for the panel's recommendation under NMS 14.4 (remembered by date:
    a national year's 15,000 panels were applied for on a few hundred days, and each
    relativedelta sum costs 12 us)."""
    return applied + relativedelta(months=PANEL_MONTHS)


def panel_within_timescale(applied: date, panel: date) -> bool:
    return panel <= panel_due_by(applied)


def under_reg24(temporary: Any | None, as_of: date) -> bool:
    """A kinship case whose connected person was temporarily approved by `as_of` (Care
    Planning Regulations 2010, reg 24): its full assessment is held to the 16 weeks (and
    up to 8 more) of regs 24-25, not to NMS 14.4's eight months."""
    return temporary is not None and temporary.approved_on <= as_of


def panel_timescale_warning(
    state: CaseState, as_of: date, settings: Settings, temporary: Any | None = None
) -> str | None:
    """A case still being assessed (not yet at panel) that is near or past 8 months:
    one in a stage whose facts say NMS 14.4's clock is running (crm.domain.stages). Not a
    case under reg 24 (`temporary`, its temporary approval): the kinship clock judges it
    (crm.domain.kinship)."""
    if not state.is_open or state.stage not in PANEL_TIMESCALE_STAGES:
        return None
    if under_reg24(temporary, as_of):
        return None
    due = panel_due_by(state.milestones[EventKind.APPLICATION])
    if as_of > due:
        return f"past the 8-month panel timescale (NMS 14.4): it was due by {uk_date(due)}"
    if (due - as_of).days <= settings.panel_timescale_warning_days:
        return f"panel due by {uk_date(due)}, 8 months from application (NMS 14.4)"
    return None


def decision_overdue(
    state: CaseState, as_of: date, settings: Settings, minutes_received_on: date | None = None
) -> str | None:
    """A case waiting for the agency decision longer than the service allows after the
    final panel minutes were received (NMS 14.9; crm.domain.panel.decision_late). With
    no minutes recorded the clock has not started: the stalled rule's panel limit still
    catches a case left waiting."""
    if not state.is_open or state.stage is not Stage.PANEL:
        return None
    if minutes_received_on is None or minutes_received_on > as_of:
        return None
    return decision_late(minutes_received_on, as_of, settings.decision_limit_working_days)


def kinship_timescale_warning(
    state: CaseState, as_of: date, settings: Settings, temporary: Any | None = None
) -> str | None:
    """A kinship assessment with no child placed under a temporary approval has no
    statutory clock of its own beyond NMS 14.4 (regs 24-25 run only from a temporary
    approval); the service holds it to its own kinship timescale, a setting
    (`kinship_assessment_weeks`, 16 weeks from the application, the start of the full
    assessment, by default: the time reg 24 would allow had the child been placed).
    Counted as reg 24's weeks are: 16 weeks from an application on 6 Jan are 6 Jan to
    27 Apr, and it is flagged from 28 Apr (the application date plus 16 weeks), until
    panel."""
    if not state.is_open or state.stage not in PANEL_TIMESCALE_STAGES:
        return None
    if under_reg24(temporary, as_of):
        return None
    applied = state.milestones.get(EventKind.APPLICATION)
    if applied is None:
        return None
    weeks = settings.kinship_assessment_weeks
    past = applied + timedelta(weeks=weeks)
    if as_of >= past:
        return (
            f"kinship assessment past the service's {weeks} weeks from application "
            f"(they ended on {uk_date(past - timedelta(days=1))})"
        )
    return None

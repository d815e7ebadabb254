"""How assessments end and how long they take against the national timescales: the
withdrawals before and after application (with Ofsted's AW codes), NMS 14.4's 8
months to panel, and the agency decision after panel. Part of the metrics engine:
`crm.metrics.engine.metrics_for` puts these in every result."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sqlalchemy as sa

from crm.domain.determinations import DeterminationKind
from crm.domain.settings import Settings
from crm.domain.stages import APPLICANT_WITHDRAWAL_REASONS, EventKind, Stage
from crm.domain.timescales import panel_within_timescale
from crm.domain.working_days import working_days_vector
from crm.extensions import db
from crm.metrics.period import Period, count_if, ratio, split_by_group, step_in_period
from crm.models import CarerType, Case, Determination
from crm.models.panel import latest_minutes_of

#: Ofsted's codes for applications withdrawn by the applicant before panel.
AW_CODES = tuple(APPLICANT_WITHDRAWAL_REASONS)


def withdrawal_columns(period: Period) -> list[sa.ColumnElement[int]]:
    """Withdrawals in the period, before and after application apart, and applications
    the applicant withdrew before panel by Ofsted's AW code (a missing or unknown
    reason is AW0, other or unknown), as labelled columns that can be grouped."""
    applied = Case.application_date.isnot(None)
    by_applicant = step_in_period(EventKind.WITHDRAWN_BY_APPLICANT, period)
    by_service = step_in_period(EventKind.WITHDRAWN_BY_SERVICE, period)
    before_panel = sa.and_(by_applicant, applied, Case.panel_date.is_(None))
    known = [code for code in AW_CODES if code != "AW0"]

    def with_code(code: str) -> sa.ColumnElement[bool]:
        if code == "AW0":
            return sa.or_(Case.outcome_reason.is_(None), Case.outcome_reason.not_in(known))
        return Case.outcome_reason == code

    return [
        count_if(sa.and_(by_applicant, ~applied)).label("applicant_before_application"),
        count_if(sa.and_(by_service, ~applied)).label("service_before_application"),
        count_if(sa.and_(by_applicant, applied)).label("applicant_after_application"),
        count_if(sa.and_(by_service, applied)).label("service_after_application"),
        *(count_if(sa.and_(before_panel, with_code(c))).label(c) for c in AW_CODES),
    ]


def withdrawals_from(found: Mapping[str, int]) -> dict:
    """The withdrawal figures, shaped for people, from `withdrawal_columns`' counts."""
    return {
        "before_application": {
            "by_applicant": int(found["applicant_before_application"]),
            "by_service": int(found["service_before_application"]),
        },
        "after_application": {
            "by_applicant": int(found["applicant_after_application"]),
            "by_service": int(found["service_after_application"]),
        },
        "applicant_before_panel_by_reason": {code: int(found[code]) for code in AW_CODES},
    }


def timescales(period: Period, settings: Settings) -> dict[CarerType | None, dict]:
    """NMS 14.4 for the panels in the period (recommendation within 8 months of the
    application), and the agency decisions in the period made within the service's
    limit of working days (NMS 14.9: 7) after the final panel minutes were received, for
    all carers (None) and each carer type. A decision whose minutes' date was not
    recorded is counted apart ("minutes_not_recorded"), neither on time nor late."""
    paneled = period.covers(Case.panel_date)
    decided = sa.and_(
        sa.or_(
            step_in_period(EventKind.APPROVAL, period), step_in_period(EventKind.REJECTED, period)
        ),
        Case.panel_date.isnot(None),
    )
    rows = db.session.execute(  # one pass over cases for both figures
        sa.select(
            Case.carer_type,
            Case.application_date,
            Case.panel_date,
            sa.func.coalesce(_refusal_proposed_on(), Case.outcome_date),
            latest_minutes_of(Case.id),
            sa.case((paneled, True), else_=False),
            sa.case((decided, True), else_=False),
        ).where(sa.or_(paneled, decided))
    ).all()
    limit = settings.decision_limit_working_days
    return {
        group: _timescales(
            [(applied, panel) for _, applied, panel, _, _, paneled, _ in found if paneled],
            [(minutes, on) for _, _, _, on, minutes, _, decided in found if decided],
            limit,
        )
        for group, found in split_by_group(rows, lambda row: row[0]).items()
    }


def _refusal_proposed_on() -> sa.ScalarSelect:
    """A refusal's agency decision is the proposal written to the applicant (reg 27(6)):
    the final decision weeks later, after representations or the IRM, is not a late
    decision after panel (NMS 14.9)."""
    return (
        sa.select(sa.func.min(Determination.notified_on))
        .where(
            Determination.case_id == Case.id,
            Determination.kind == DeterminationKind.REFUSAL,
            Case.stage == Stage.REJECTED,
        )
        .scalar_subquery()
    )


def _timescales(panels: list[tuple], decisions: list[tuple], limit: int) -> dict:
    on_time = sum(panel_within_timescale(applied, panel) for applied, panel in panels)
    timed = [(minutes, on) for minutes, on in decisions if minutes is not None]
    prompt = _decisions_within(timed, limit)
    return {
        "panel_within_8_months": {
            "count": len(panels),
            "within": on_time,
            "rate": ratio(on_time, len(panels)),
        },
        "decision_within_limit": {
            "count": len(timed),
            "within": prompt,
            "rate": ratio(prompt, len(timed)),
            "limit_working_days": limit,
            "minutes_not_recorded": len(decisions) - len(timed),
        },
    }


def _decisions_within(decisions: list[tuple], limit: int) -> int:
    """How many (minutes received, decided) pairs were decided within `limit` working
    days, counted for the whole column at once."""
    if not decisions:
        return 0
    minutes = np.array([received for received, _ in decisions], dtype="datetime64[D]")
    decided = np.array([on for _, on in decisions], dtype="datetime64[D]")
    return int(np.sum(working_days_vector(minutes, decided) <= limit))

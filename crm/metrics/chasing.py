"""Which cases need chasing at a date: stalled assessments and overdue first contacts.

Both fold each candidate case's events as they stood on the as-of date, so
the officers' lists today and the metrics for a past date use one rule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from crm.domain.kinship import temporary_approval_warnings
from crm.domain.settings import Settings
from crm.domain.stages import CaseState, Stage, Step, state_at
from crm.domain.stalled import stalled_reasons
from crm.domain.timescales import (
    decision_overdue,
    kinship_timescale_warning,
    panel_timescale_warning,
)
from crm.domain.working_days import working_days_between
from crm.extensions import db
from crm.metrics.period import split_by_group
from crm.models import Activity, CarerType, Case, Check, StageEvent, TemporaryApproval
from crm.models.panel import latest_minutes_of
from crm.models.setting import load_settings


@dataclass(frozen=True)
class StalledCase:
    case_id: int
    reference: str
    reasons: list[str]
    carer_type: CarerType = CarerType.MAINSTREAM


def _open_at(as_of: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        Case.enquiry_date <= as_of,
        sa.or_(Case.outcome_date.is_(None), Case.outcome_date > as_of),
    )


def states_at(case_ids: list[int], as_of: date) -> dict[int, CaseState]:
    """Each case's state on `as_of`, from its events (one query)."""
    steps: dict[int, list[Step]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(StageEvent.case_id, StageEvent.kind, StageEvent.occurred_on, StageEvent.reason)
        .where(StageEvent.case_id.in_(case_ids), StageEvent.occurred_on <= as_of)
        .order_by(StageEvent.case_id, StageEvent.occurred_on, StageEvent.id)
    )
    for case_id, kind, on, reason in rows:
        steps[case_id].append(Step(kind, on, reason))
    return {case_id: state_at(steps[case_id]) for case_id in case_ids}


def last_activity(case_ids: list[int], as_of: date) -> dict[int, date]:
    """Each case's latest recorded activity on or before `as_of`: a logged call, visit,
    note or task, or a Stage 1 check requested or received (domain.md: any recorded
    activity counts). One query."""
    dated = sa.union_all(
        sa.select(Activity.case_id, Activity.occurred_on.label("on")),
        sa.select(Check.case_id, Check.requested_on.label("on")),
        sa.select(Check.case_id, Check.received_on.label("on")),
    ).subquery()
    rows = db.session.execute(
        sa.select(dated.c.case_id, sa.func.max(dated.c.on))
        .where(dated.c.case_id.in_(case_ids), dated.c.on <= as_of)
        .group_by(dated.c.case_id)
    )
    return dict(rows.all())


def stalled_cases(
    as_of: date,
    settings: Settings | None = None,
    carer_type: CarerType | None = None,
    among: sa.ColumnElement[bool] | None = None,
) -> list[StalledCase]:
    """Assessments stalled at `as_of` (domain.md's rule), sorted by reference; only
    mainstream or kinship cases when `carer_type` is given, only cases matching `among`
    (someone's own, for their work queue) when that is."""
    settings = settings or load_settings()
    of_type = sa.true() if carer_type is None else Case.carer_type == carer_type
    candidates = db.session.execute(
        sa.select(Case.id, Case.reference, Case.carer_type).where(
            _open_at(as_of),
            Case.application_date.isnot(None),
            Case.application_date <= as_of,
            of_type,
            sa.true() if among is None else among,
        )
    ).all()
    ids = [case_id for case_id, _, _ in candidates]
    states = states_at(ids, as_of)
    activity = last_activity(ids, as_of)
    temporary = temporary_approvals(ids)
    stalled = []
    for case_id, reference, carer_type in candidates:
        reasons = stalled_reasons(
            states[case_id], activity.get(case_id), as_of, settings, temporary.get(case_id)
        )
        if reasons:
            stalled.append(StalledCase(case_id, reference, reasons, carer_type))
    return sorted(stalled, key=lambda s: s.reference)


def stalled_by_group(
    as_of: date, settings: Settings | None = None
) -> dict[CarerType | None, list[str]]:
    """The references of the assessments stalled at `as_of`, for all carers (None) and
    for each carer type: the rule applied once, the cases then sorted by their type."""
    split = split_by_group(stalled_cases(as_of, settings), lambda s: s.carer_type)
    return {group: [s.reference for s in found] for group, found in split.items()}


def timescale_warnings(
    as_of: date,
    settings: Settings | None = None,
    among: sa.ColumnElement[bool] | None = None,
) -> dict[tuple[str, int], str]:
    """Open assessments near or past NMS 14.4's 8 months to panel (not those under a
    reg 24 temporary approval, which the kinship clock judges), cases waiting too long
    for the agency decision after panel, and kinship assessments with no child placed
    past the service's own kinship timescale: {("panel" | "decision" | "kinship", case
    id): why} (only cases matching `among`, when given)."""
    settings = settings or load_settings()
    ids = list(
        db.session.scalars(
            sa.select(Case.id).where(
                _open_at(as_of),
                Case.application_date.isnot(None),
                Case.application_date <= as_of,
                sa.true() if among is None else among,
            )
        )
    )
    found = {}
    temporary = temporary_approvals(ids)
    kinship = set(
        db.session.scalars(
            sa.select(Case.id).where(Case.id.in_(ids), Case.carer_type == CarerType.KINSHIP)
        )
    )
    states = states_at(ids, as_of)
    minutes = minutes_received(
        [i for i, state in states.items() if state.is_open and state.stage is Stage.PANEL]
    )
    for case_id, state in states.items():
        if why := panel_timescale_warning(state, as_of, settings, temporary.get(case_id)):
            found[("panel", case_id)] = why
        if why := decision_overdue(state, as_of, settings, minutes.get(case_id)):
            found[("decision", case_id)] = why
        if case_id in kinship:
            why = kinship_timescale_warning(state, as_of, settings, temporary.get(case_id))
            if why:
                found[("kinship", case_id)] = why
    return found


def minutes_received(case_ids: list[int]) -> dict[int, date]:
    """When the final minutes of each case's latest panel recommendation on its
    application reached the decision maker (crm.models.panel.latest_minutes_of): NMS
    14.9's clock. Cases without a recorded date are left out."""
    if not case_ids:
        return {}
    rows = db.session.execute(
        sa.select(Case.id, latest_minutes_of(Case.id)).where(Case.id.in_(case_ids))
    )
    return {case_id: on for case_id, on in rows if on is not None}


def temporary_approvals(case_ids: list[int]) -> dict[int, TemporaryApproval]:
    """The kinship cases' temporary approvals (reg 24) among these cases, by case."""
    found = db.session.scalars(
        sa.select(TemporaryApproval).where(TemporaryApproval.case_id.in_(case_ids))
    )
    return {t.case_id: t for t in found}


def temporary_approval_flags(
    as_of: date, among: sa.ColumnElement[bool] | None = None
) -> dict[tuple[str, int], str]:
    """Temporary approvals expiring within two weeks, expired without a decision, or
    already extended (so they cannot be again): {("expiring" | ..., case id): why}
    (only cases matching `among`, when given)."""
    running = db.session.scalars(
        sa.select(TemporaryApproval.case_id)
        .join(Case, Case.id == TemporaryApproval.case_id)
        .where(TemporaryApproval.approved_on <= as_of, sa.true() if among is None else among)
    ).all()
    temporary = temporary_approvals(list(running))
    found = {}
    for case_id, state in states_at(list(temporary), as_of).items():
        for kind, why in temporary_approval_warnings(temporary[case_id], state, as_of).items():
            found[(kind, case_id)] = why
    return found


def overdue_first_contacts(
    as_of: date,
    settings: Settings | None = None,
    among: sa.ColumnElement[bool] | None = None,
) -> list[int]:
    """Enquiries open at `as_of` with no first contact after the target working days
    (only those matching `among`, when given; never a connected person's referral).
    First contact is the step, which a call, email or meeting logged with the enquirer
    records when none is (one rule:
    crm.domain.contact.is_first_contact); the clock (crm.clocks.registry) reads this."""
    settings = settings or load_settings()
    candidates = db.session.execute(
        sa.select(Case.id, Case.enquiry_date).where(
            _open_at(as_of),
            sa.or_(Case.first_contact_date.is_(None), Case.first_contact_date > as_of),
            sa.true() if among is None else among,
        )
    ).all()
    late = [
        case_id
        for case_id, enquired in candidates
        if working_days_between(enquired, as_of) > settings.first_contact_target_working_days
    ]
    states = states_at(late, as_of)
    # A connected person's referral waits for no first contact: the child's social
    # worker brought them, and first contact is not one of their steps (reg 24).
    return [
        i
        for i in late
        if states[i].stage is Stage.ENQUIRY and not states[i].on_hold and not states[i].referral
    ]


def response_working_days(case: Case) -> int | None:
    """Working days from enquiry to first contact, or None before first contact."""
    if case.first_contact_date is None:
        return None
    return working_days_between(case.enquiry_date, case.first_contact_date)

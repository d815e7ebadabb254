"""The registry of the service's clocks and duties: each kind of flag, the record it
applies to, the rule that judges it (quoted where the rule lives), who owns the work and
the nightly job that runs it. crm/clocks/flags.py keeps the open flags true to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from crm.domain.complaints import response_due_on, response_late
from crm.domain.compliance import renewals_overdue
from crm.domain.placements import PlacementBasis, covered_now
from crm.domain.settings import Settings
from crm.domain.supervision import Duty, obligations
from crm.domain.working_days import working_days_between
from crm.extensions import db
from crm.formatting import uk_date
from crm.metrics.chasing import (
    overdue_first_contacts,
    stalled_cases,
    temporary_approval_flags,
    timescale_warnings,
)
from crm.metrics.compliance import certificates
from crm.metrics.supervision import records_on
from crm.models import Case, FlagKind, Household, Placement
from crm.models.carer_event import Complaint

Record = Literal["case", "household"]
#: {(kind, record id): why}: what a judge finds on a day.
Found = dict[tuple[FlagKind, int], str]
#: judge(day, settings, among): `among` limits it to some records' ids (None: all).
Judge = Callable[[date, Settings, list[int] | None], Found]


@dataclass(frozen=True)
class Clock:
    """One kind of flag and everything about it."""

    kind: FlagKind
    record: Record
    judge: Judge
    #: who the work goes to: "owner" (the case's officer), "assessor" (the assessing
    #: worker, else the officer), "worker" (the household's supervising worker), or
    #: None (nobody in particular: a manager or administrator picks it up)
    owner: Literal["owner", "assessor", "worker"] | None
    #: the nightly job that runs it (and so may clear its flags)
    job: str = "flag_work"


# --- judges: each finds one or more kinds on a day, among some records or all ------


def _among_cases(among: list[int] | None) -> sa.ColumnElement[bool] | None:
    return None if among is None else Case.id.in_(among)


def _stalled(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/stalled.py: an assessment with no recorded activity for too long, or a
    stage past its local limit (kinship: a reg 24 approval lapsed undecided)."""
    found = stalled_cases(day, settings, among=_among_cases(among))
    return {(FlagKind.STALLED, s.case_id): "; ".join(s.reasons) for s in found}


def _first_contact(day: date, settings: Settings, among: list[int] | None) -> Found:
    """An enquiry with no first contact after the service's target working days."""
    late = overdue_first_contacts(day, settings, among=_among_cases(among))
    enquired = dict(
        db.session.execute(sa.select(Case.id, Case.enquiry_date).where(Case.id.in_(late))).all()
    )
    target = settings.first_contact_target_working_days
    return {
        (FlagKind.FIRST_CONTACT_OVERDUE, case_id): (
            f"no first contact {working_days_between(enquired[case_id], day)} working days "
            f"after the enquiry (target {target})"
        )
        for case_id in late
    }


TIMESCALE_KINDS = {"panel": FlagKind.PANEL_TIMESCALE, "decision": FlagKind.DECISION_OVERDUE}


def _timescales(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/timescales.py: NMS 14.4's 8 months from application to panel, and the
    agency decision within 7 working days of receiving the panel's recommendation and
    final minutes (NMS 14.9; domain/panel.py): that clock starts at the minutes."""
    found = timescale_warnings(day, settings, among=_among_cases(among))
    return {(TIMESCALE_KINDS[kind], case_id): why for (kind, case_id), why in found.items()}


KINSHIP_KINDS = {
    "expiring": FlagKind.TEMPORARY_APPROVAL_EXPIRING,
    "expired": FlagKind.TEMPORARY_APPROVAL_EXPIRED,
    "extended": FlagKind.TEMPORARY_APPROVAL_EXTENDED,
}


def _temporary_approvals(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/kinship.py: a reg 24 temporary approval runs 16 weeks, extendable once
    by up to 8 (reg 25)."""
    found = temporary_approval_flags(day, among=_among_cases(among))
    return {(KINSHIP_KINDS[kind], case_id): why for (kind, case_id), why in found.items()}


DUTY_KINDS = {
    Duty.SUPERVISION_VISIT: FlagKind.SUPERVISION_VISIT_OVERDUE,
    Duty.UNANNOUNCED_VISIT: FlagKind.UNANNOUNCED_VISIT_OVERDUE,
    Duty.ANNUAL_REVIEW: FlagKind.ANNUAL_REVIEW_OVERDUE,
    Duty.TSD: FlagKind.TSD_OVERDUE,
}


def _current_households(day: date, among: list[int] | None) -> list[Household]:
    chosen = [Household.current_on(day)]
    if among is not None:
        chosen.append(Household.id.in_(among))
    return db.session.scalars(sa.select(Household).where(*chosen)).all()


def _duties(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/supervision.py: visits, the unannounced visit (NMS 21.8), the annual
    review (reg 28) and the TSD standards, each from approval. A household never yet
    reviewed owes its first review, due within a year of approval (reg 28(2)), whose
    report goes to the fostering panel (reg 28(5)): flagged as a kind of its own, since
    it needs a panel date, not a visit."""
    found: Found = {}
    for household_id, record in records_on(_current_households(day, among), day).items():
        for duty in obligations(record, day, settings):
            if not duty.overdue:
                continue
            kind = DUTY_KINDS[duty.duty]
            if duty.duty is Duty.ANNUAL_REVIEW and record.reviews == 0:
                kind = FlagKind.FIRST_REVIEW_OVERDUE
            found[(kind, household_id)] = f"{duty.duty.label} was due on {uk_date(duty.due_on)}"
    return found


RENEWAL_KINDS = {"dbs": FlagKind.DBS_RENEWAL_OVERDUE, "medical": FlagKind.MEDICAL_RENEWAL_OVERDUE}


def _renewals(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/compliance.py: every adult's DBS check and every carer's medical renewed
    within the service's interval (reg 26 and Schedule 3 require the checks at the
    assessment; the review's enquiries, reg 28(3)(a), keep them current; three years is
    the service's own standard, a setting)."""
    households = _current_households(day, among)
    held = certificates([h.id for h in households])
    return {
        (RENEWAL_KINDS[measure], household.id): why
        for household in households
        for measure, why in renewals_overdue(
            held[household.id].people if household.id in held else [], day, settings
        ).items()
    }


def households_past_retention(day: date, settings: Settings) -> sa.Select:
    """Deregistered households whose statutory retention period has ended: records of
    approved carers are kept at least 10 years after approval ends (Fostering Services
    (England) Regulations 2011, reg 32(1))."""
    cutoff = day - relativedelta(years=settings.carer_record_retention_years)
    return sa.select(Household).where(Household.deregistration_date < cutoff)


def _retention_review(day: date, settings: Settings, among: list[int] | None) -> Found:
    query = households_past_retention(day, settings)
    if among is not None:
        query = query.where(Household.id.in_(among))
    years = settings.carer_record_retention_years
    return {
        (FlagKind.RETENTION_REVIEW, household.id): (
            f"Deregistered {household.deregistration_date:%d %B %Y}: past the {years}-year "
            "retention period; review whether to keep or delete the record."
        )
        for household in db.session.scalars(query)
    }


def _complaint_responses(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/complaints.py: a carer's complaint not answered in writing within the
    service's timescale of receiving it (`complaint_response_days`, 28 calendar days by
    default). An agency's procedure (reg 18 of the 2011 Regulations) sets no number of
    days; a council's follows the Children Act 1989 Representations Procedure (England)
    Regulations 2006, stage 1 within 10 working days, extendable to 20."""
    query = (
        sa.select(Complaint.household_id, Complaint.received_on)
        .join(Complaint.event)  # a complaint whose event was voided was never made
        .where(Complaint.responded_on.is_(None))  # few at a time: the rule is judged here
    )
    if among is not None:
        query = query.where(Complaint.household_id.in_(among))
    late: dict[int, list[date]] = {}
    for household_id, received_on in db.session.execute(query):
        if response_late(received_on, None, day, settings):
            late.setdefault(household_id, []).append(received_on)
    days = settings.complaint_response_days
    return {
        (FlagKind.COMPLAINT_RESPONSE_OVERDUE, household_id): (
            f"{_complaints(len(received))} unanswered after {days} days (the service's "
            f"standard): the oldest received {uk_date(min(received))}, response due "
            f"{uk_date(response_due_on(min(received), settings))}"
        )
        for household_id, received in late.items()
    }


def _emergency_placements(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/placements.py: an emergency placement outside the terms of approval runs
    for no longer than six working days; then "the responsible authority must terminate
    the placement unless the terms of that person's approval have been amended to be
    consistent with the placement" (Care Planning Regulations 2010, reg 23(2)). Flagged
    from its last day while the child is still there and the terms in force do not fit."""
    query = (
        sa.select(Placement)
        .where(
            Placement.basis == PlacementBasis.EMERGENCY,
            Placement.emergency_until <= day,
            Placement.running_on(day),
        )
        .order_by(Placement.emergency_until, Placement.id)
    )
    if among is not None:
        query = query.where(Placement.household_id.in_(among))
    found: Found = {}
    for placement in db.session.scalars(query):
        household = placement.household
        if not household.current_on(day) or covered_now(household, placement, day):
            continue
        key = (FlagKind.EMERGENCY_PLACEMENT_ENDS, household.id)
        why = (
            f"{placement.child_reference}'s emergency placement outside the terms of approval "
            f"(agreed by {placement.emergency_agreed_by}) may run until "
            f"{uk_date(placement.emergency_until)}: end it, or amend the terms to fit "
            "(reg 23(2))"
        )
        found[key] = f"{found[key]}; {why}" if key in found else why
    return found


def _complaints(n: int) -> str:
    return "a complaint" if n == 1 else f"{n} complaints"


# --- the registry ------------------------------------------------------------------

CLOCKS: tuple[Clock, ...] = (
    Clock(FlagKind.STALLED, "case", _stalled, "assessor"),
    Clock(FlagKind.FIRST_CONTACT_OVERDUE, "case", _first_contact, "owner"),
    Clock(FlagKind.PANEL_TIMESCALE, "case", _timescales, "assessor"),
    Clock(FlagKind.DECISION_OVERDUE, "case", _timescales, "owner"),
    Clock(FlagKind.TEMPORARY_APPROVAL_EXPIRING, "case", _temporary_approvals, "assessor"),
    Clock(FlagKind.TEMPORARY_APPROVAL_EXPIRED, "case", _temporary_approvals, "assessor"),
    Clock(FlagKind.TEMPORARY_APPROVAL_EXTENDED, "case", _temporary_approvals, "assessor"),
    Clock(FlagKind.SUPERVISION_VISIT_OVERDUE, "household", _duties, "worker"),
    Clock(FlagKind.UNANNOUNCED_VISIT_OVERDUE, "household", _duties, "worker"),
    Clock(FlagKind.ANNUAL_REVIEW_OVERDUE, "household", _duties, "worker"),
    Clock(FlagKind.FIRST_REVIEW_OVERDUE, "household", _duties, "worker"),
    Clock(FlagKind.TSD_OVERDUE, "household", _duties, "worker"),
    Clock(FlagKind.DBS_RENEWAL_OVERDUE, "household", _renewals, "worker"),
    Clock(FlagKind.MEDICAL_RENEWAL_OVERDUE, "household", _renewals, "worker"),
    Clock(FlagKind.RETENTION_REVIEW, "household", _retention_review, None, job="data_retention"),
    Clock(FlagKind.COMPLAINT_RESPONSE_OVERDUE, "household", _complaint_responses, "worker"),
    Clock(FlagKind.EMERGENCY_PLACEMENT_ENDS, "household", _emergency_placements, "worker"),
)
BY_KIND: dict[FlagKind, Clock] = {clock.kind: clock for clock in CLOCKS}
#: The kinds of flag raised on cases (the case list filters by each).
CASE_FLAGS: tuple[FlagKind, ...] = tuple(c.kind for c in CLOCKS if c.record == "case")
#: The kinds of flag raised on households (the household list filters by each).
HOUSEHOLD_FLAGS: tuple[FlagKind, ...] = tuple(c.kind for c in CLOCKS if c.record == "household")
#: The supervision duties a household can have overdue (the manager's strip and the
#: household list's "overdue work" filter read these flags).
DUTY_FLAGS: tuple[FlagKind, ...] = (*DUTY_KINDS.values(), FlagKind.FIRST_REVIEW_OVERDUE)


def clocks_of(job: str) -> tuple[Clock, ...]:
    """The clocks a nightly job runs (and so the only flags it may clear)."""
    return tuple(clock for clock in CLOCKS if clock.job == job)

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

from crm.domain import stage1, transfers
from crm.domain.complaints import ComplaintOutcome, response_due_on, response_late
from crm.domain.compliance import renewals_overdue
from crm.domain.determinations import (
    DeterminationKind,
    Response,
    Step,
    decision_due_on,
    irm_papers_due_on,
    review_needed_since,
)
from crm.domain.documents import Held, expiring
from crm.domain.household_vocabulary import CarerEventKind, outcome_label
from crm.domain.placements import PlacementBasis, covered_now
from crm.domain.settings import Settings
from crm.domain.stages import EXITS, Stage
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
from crm.metrics.supervision import records_on, temporary_carer_records
from crm.models import (
    Case,
    Check,
    FlagKind,
    Household,
    Placement,
    RecordDocument,
    Resident,
    Stage1Decision,
    TransferIn,
)
from crm.models.carer_event import CarerEvent, Complaint
from crm.models.determination import Determination

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


TIMESCALE_KINDS = {
    "panel": FlagKind.PANEL_TIMESCALE,
    "decision": FlagKind.DECISION_OVERDUE,
    "kinship": FlagKind.KINSHIP_TIMESCALE,
}


def _timescales(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/timescales.py: NMS 14.4's 8 months from application to panel (not for a
    case under reg 24, which the kinship clock judges), the agency decision within 7
    working days of receiving the panel's recommendation and final minutes (NMS 14.9;
    domain/panel.py: that clock starts at the minutes), and a kinship assessment with no
    child placed held to the service's own timescale (a setting)."""
    found = timescale_warnings(day, settings, among=_among_cases(among))
    proposed = _refusals_proposed(day, [i for (kind, i) in found if kind == "decision"])
    return {
        (TIMESCALE_KINDS[kind], case_id): why
        for (kind, case_id), why in found.items()
        if not (kind == "decision" and case_id in proposed)
    }


def _refusals_proposed(day: date, case_ids: list[int]) -> set[int]:
    """Cases whose agency decision after panel was made as a proposed refusal, written
    to the applicant by `day` (reg 27(6)): no longer waiting for a decision after panel;
    the determination's own clocks follow it from there."""
    if not case_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Determination.case_id).where(
                Determination.case_id.in_(case_ids),
                Determination.kind == DeterminationKind.REFUSAL,
                Determination.notified_on <= day,
            )
        )
    )


KINSHIP_KINDS = {
    "expiring": FlagKind.TEMPORARY_APPROVAL_EXPIRING,
    "expired": FlagKind.TEMPORARY_APPROVAL_EXPIRED,
    "extended": FlagKind.TEMPORARY_APPROVAL_EXTENDED,
    "irm_pending": FlagKind.TEMPORARY_APPROVAL_IRM,
}


def _temporary_approvals(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/kinship.py, Care Planning Regulations 2010: a reg 24 temporary approval
    runs "a temporary period not exceeding 16 weeks" (reg 24(1)), flagged from the day
    after its last day; a nominated officer may extend it once by up to 8 weeks, after
    seeking the fostering panel's views and informing the IRO (reg 25(2), (4), (5));
    while the connected person's application to the IRM is pending it continues until
    the outcome (reg 25(1)(b), (3)); when it lapses without a decision the placement
    must end or go on under another legal basis, flagged until what happened is
    recorded (reg 25(6))."""
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


def _temporary_carer_duties(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/kinship.py temporary_carer_record: a connected person temporarily approved
    under reg 24 with the named child living with them is owed, from the day the child
    moved in, the supervision visits, the unannounced visit (NMS 21.8), the TSD standards
    within 18 months and a review (reg 28) as an approved household is; one flag on the
    case naming each duty overdue (the household does not exist until full approval)."""
    found: Found = {}
    for case_id, record in temporary_carer_records(day, _among_cases(among)).items():
        overdue = [
            f"{duty.duty.label} was due on {uk_date(duty.due_on)}"
            for duty in obligations(record, day, settings)
            if duty.overdue
        ]
        if overdue:
            found[(FlagKind.TEMPORARY_CARER_DUTY, case_id)] = (
                f"child placed {uk_date(record.placed_from)} under temporary approval: "
                + "; ".join(overdue)
            )
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
    service's timescale of receiving it (`complaint_response_working_days`, 10 working
    days by default). An agency's procedure (reg 18 of the 2011 Regulations) sets no number of
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
    days = settings.complaint_response_working_days
    return {
        (FlagKind.COMPLAINT_RESPONSE_OVERDUE, household_id): (
            f"{_complaints(len(received))} unanswered after {days} working days (the service's "
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


def _expiring_documents(
    column: sa.ColumnElement[int],
    records: sa.Select,
    day: date,
    settings: Settings,
    household: bool,
) -> dict[int, str]:
    """{record id: why} for the records `records` selects holding a document to renew on
    `day` (domain/documents.expiring: flagged `document_expiry_warning_days` before it
    expires); only records with a dated expiry are read, with all their documents (a
    newer one without an expiry replaces an older one)."""
    with_expiry = sa.select(column).where(RecordDocument.expires_on.isnot(None))
    rows = db.session.execute(
        sa.select(
            column,
            RecordDocument.kind,
            RecordDocument.title,
            RecordDocument.dated,
            RecordDocument.expires_on,
        ).where(column.in_(records), column.in_(with_expiry))
    ).all()
    held: dict[int, list[Held]] = {}
    for record_id, kind, title, dated, expires_on in rows:
        held.setdefault(record_id, []).append(Held(kind, title, dated, expires_on))
    found = {}
    for record_id, documents in held.items():
        due = expiring(documents, day, settings.document_expiry_warning_days, household)
        if due:
            found[record_id] = "; ".join(
                f"{d.title} {'expired' if d.expires_on < day else 'expires'} on "
                f"{uk_date(d.expires_on)}"
                for d in due
            )
    return found


def _stage1_decisions(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/stage1.py: Stage 1 decided, and an applicant found not suitable told in
    writing, within `stage1_decision_working_days` (10) working days of the last check
    received (domain.md). Not a qualifying determination: no IRM clock follows it."""
    waiting = sa.or_(
        Case.stage == Stage.STAGE1,
        Case.id.in_(
            sa.select(Stage1Decision.case_id).where(
                sa.or_(Stage1Decision.notified_on.is_(None), Stage1Decision.notified_on > day)
            )
        ),
    )
    query = (
        sa.select(Check.case_id, Check.received_on)
        .join(Case, Case.id == Check.case_id)
        .where(waiting, sa.or_(Check.requested_on.isnot(None), Check.received_on.isnot(None)))
    )
    if among is not None:
        query = query.where(Check.case_id.in_(among))
    received: dict[int, list[date | None]] = {}
    for case_id, on in db.session.execute(query):
        received.setdefault(case_id, []).append(on if on is not None and on <= day else None)
    found: Found = {}
    for case_id, days in received.items():
        due = stage1.decision_overdue(days, day, settings)
        if due is not None:
            found[(FlagKind.STAGE1_DECISION_OVERDUE, case_id)] = (
                f"every Stage 1 check was back by {uk_date(max(d for d in days if d))}: the "
                f"decision (and a letter if not suitable) was due by {uk_date(due)}"
            )
    return found


def _case_documents(day: date, settings: Settings, among: list[int] | None) -> Found:
    """An open case's document (a certificate, a check...) near or past its expiry:
    Schedule 3's checks must be current when the assessment goes to panel (reg 26)."""
    query = sa.select(Case.id).where(~Case.stage.in_(EXITS.values()))
    if among is not None:
        query = query.where(Case.id.in_(among))
    found = _expiring_documents(RecordDocument.case_id, query, day, settings, False)
    return {(FlagKind.CASE_DOCUMENT_EXPIRING, i): why for i, why in found.items()}


def _household_documents(day: date, settings: Settings, among: list[int] | None) -> Found:
    """A current household's document (insurance, a safety checklist, a pet assessment)
    near or past its expiry: kept current through each review (reg 28(3)(a)). Its DBS
    certificates and medicals are the DBS and medical renewal flags' (per person)."""
    query = sa.select(Household.id).where(Household.current_on(day))
    if among is not None:
        query = query.where(Household.id.in_(among))
    found = _expiring_documents(RecordDocument.household_id, query, day, settings, True)
    return {(FlagKind.HOUSEHOLD_DOCUMENT_EXPIRING, i): why for i, why in found.items()}


def _transfer_assessments(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/transfers.py: a transferring carer's shorter assessment past the service's
    target (`transfer_assessment_days`) from application, not yet at panel."""
    query = (
        sa.select(Case.id, Case.application_date)
        .join(TransferIn, TransferIn.case_id == Case.id)
        .where(Case.stage.in_((Stage.STAGE1, Stage.STAGE2)), Case.application_date.isnot(None))
    )
    if among is not None:
        query = query.where(Case.id.in_(among))
    found: Found = {}
    for case_id, applied in db.session.execute(query):
        due = transfers.panel_due_on(applied, settings)
        if due is not None and day > due:
            found[(FlagKind.TRANSFER_ASSESSMENT_LATE, case_id)] = (
                f"a transfer from another fostering service, applied {uk_date(applied)}: "
                f"its assessment was to reach panel by {uk_date(due)}"
            )
    return found


DETERMINATION_KINDS = {
    ("case", Step.MAY_DECIDE): FlagKind.REFUSAL_MAY_DECIDE,
    ("case", Step.TO_PANEL): FlagKind.REFUSAL_TO_PANEL,
    ("case", Step.WITH_IRM): FlagKind.REFUSAL_IRM_PAPERS,
    ("case", Step.DECISION_DUE): FlagKind.REFUSAL_DECISION_DUE,
    ("household", Step.MAY_DECIDE): FlagKind.DETERMINATION_MAY_DECIDE,
    ("household", Step.TO_PANEL): FlagKind.DETERMINATION_TO_PANEL,
    ("household", Step.WITH_IRM): FlagKind.DETERMINATION_IRM_PAPERS,
    ("household", Step.DECISION_DUE): FlagKind.DETERMINATION_DECISION_DUE,
}


def _determination_work(det: Determination, day: date) -> tuple[Step, str] | None:
    """What a qualifying determination needs from the service on `day`, and why."""
    step = det.step_on(day)
    what = det.kind.label.split(" (")[0].lower()
    if step is Step.MAY_DECIDE:
        return step, (
            f"{what} notified {uk_date(det.notified_on)}: nothing received by day 28 "
            f"({uk_date(det.last_day_to_respond)}); the service may now make its decision "
            "(reg 27(7), 28(8))"
        )
    if step is Step.TO_PANEL:
        return step, (
            f"representations on the {what} received {uk_date(det.response_received_on)}: "
            "refer to the fostering panel to reconsider (reg 27(8), 28(10); no regulation "
            "sets a time)"
        )
    if step is Step.WITH_IRM and det.irm_papers_sent_on is None:
        return step, (
            f"IRM review of the {what} applied for (notified "
            f"{uk_date(det.response_received_on)}): send the reports and the notice by "
            f"{uk_date(irm_papers_due_on(det.response_received_on))} (reg 29(2), ten "
            "working days)"
        )
    if step is Step.DECISION_DUE:
        whose = "fostering panel" if det.response is Response.REPRESENTATIONS else "IRM panel"
        standard = (
            "NMS 14.9" if det.response is Response.REPRESENTATIONS else "the service's standard"
        )
        return step, (
            f"the {whose}'s recommendation on the {what} received "
            f"{uk_date(det.recommended_on)}: final decision due by "
            f"{uk_date(decision_due_on(det.recommended_on))} ({standard}: 7 working days)"
        )
    return None


def _determinations_on(record: Record) -> Judge:
    column = Determination.case_id if record == "case" else Determination.household_id

    def judge(day: date, settings: Settings, among: list[int] | None) -> Found:
        """domain/determinations.py: each step of a qualifying determination (regs
        27-29) the service must take, from the notice to the final decision."""
        owner = Case if record == "case" else Household
        query = (
            sa.select(Determination)
            .join(owner, column == owner.id)  # never one whose record is going
            .where(
                Determination.notified_on <= day,
                sa.or_(Determination.decided_on.is_(None), Determination.decided_on > day),
            )
        )
        if among is not None:
            query = query.where(column.in_(among))
        found: Found = {}
        for det in db.session.scalars(query.order_by(Determination.notified_on)):
            work = _determination_work(det, day)
            if work is None:
                continue
            key = (DETERMINATION_KINDS[(record, work[0])], getattr(det, column.key))
            found[key] = f"{found[key]}; {work[1]}" if key in found else work[1]
        return found

    return judge


_refusals = _determinations_on("case")
_household_determinations = _determinations_on("household")

#: Concluded allegation outcomes (anything recorded but "ongoing").
_ALLEGATION_OPEN = ("ongoing",)
_UPHELD = (ComplaintOutcome.UPHELD, ComplaintOutcome.PARTLY_UPHELD)


def _among(column: sa.ColumnElement[int], ids: list[int] | None) -> sa.ColumnElement[bool]:
    return sa.true() if ids is None else column.in_(ids)


def _review_suggested(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/determinations.review_needed_since: approval is reviewed at least yearly
    and whenever the service considers it necessary (reg 28(2)); an allegation
    concluded, someone joining or leaving the household, or a complaint upheld suggests
    one, until a review is recorded on or after it."""
    households = {h.id: h for h in _current_households(day, among)}
    if not households:
        return {}
    # all of them: filtered here, not by a list of every household's id in the SQL
    ids = list(households) if among is not None else None
    last_review = dict(
        db.session.execute(
            sa.select(CarerEvent.household_id, sa.func.max(CarerEvent.occurred_on))
            .where(
                _among(CarerEvent.household_id, ids),
                CarerEvent.kind == CarerEventKind.ANNUAL_REVIEW,
                CarerEvent.occurred_on <= day,
            )
            .group_by(CarerEvent.household_id)
        ).all()
    )
    events: dict[int, list[tuple[date, str]]] = {}
    for household_id, on, outcome in db.session.execute(
        sa.select(CarerEvent.household_id, CarerEvent.occurred_on, CarerEvent.outcome).where(
            _among(CarerEvent.household_id, ids),
            CarerEvent.kind == CarerEventKind.ALLEGATION,
            CarerEvent.outcome.is_not(None),
            CarerEvent.outcome.not_in(_ALLEGATION_OPEN),
            CarerEvent.occurred_on <= day,
        )
    ):
        label = outcome_label(outcome).lower()
        events.setdefault(household_id, []).append(
            (on, f"the allegation of {uk_date(on)} concluded ({label})")
        )
    for household_id, on in db.session.execute(
        sa.select(Complaint.household_id, Complaint.responded_on)
        .join(Complaint.event)
        .where(
            _among(Complaint.household_id, ids),
            Complaint.outcome.in_(_UPHELD),
            Complaint.responded_on <= day,
        )
    ):
        events.setdefault(household_id, []).append((on, f"a complaint upheld {uk_date(on)}"))
    for household_id, name, joined, left in db.session.execute(
        sa.select(
            Resident.household_id, Resident.full_name, Resident.joined_on, Resident.left_on
        ).where(
            _among(Resident.household_id, ids),
            sa.or_(Resident.joined_on.is_not(None), Resident.left_on.is_not(None)),
        )
    ):
        for on, verb in ((joined, "joined"), (left, "left")):
            if on is not None and on <= day:
                events.setdefault(household_id, []).append(
                    (on, f"{name} {verb} the household {uk_date(on)}")
                )
    found: Found = {}
    for household_id, happened in events.items():
        if household_id not in households:
            continue
        approved = households[household_id].approval_date
        since = review_needed_since(
            last_review.get(household_id), [(on, why) for on, why in happened if on >= approved]
        )
        if since is not None:
            found[(FlagKind.REVIEW_SUGGESTED, household_id)] = (
                f"{since[1][0].upper()}{since[1][1:]}: review the approval (reg 28(2), "
                "whenever necessary); a review recorded on or after it clears this"
            )
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
    Clock(FlagKind.TEMPORARY_APPROVAL_IRM, "case", _temporary_approvals, "assessor"),
    Clock(FlagKind.KINSHIP_TIMESCALE, "case", _timescales, "assessor"),
    Clock(FlagKind.TEMPORARY_CARER_DUTY, "case", _temporary_carer_duties, "assessor"),
    Clock(FlagKind.CASE_DOCUMENT_EXPIRING, "case", _case_documents, "owner"),
    Clock(FlagKind.HOUSEHOLD_DOCUMENT_EXPIRING, "household", _household_documents, "worker"),
    Clock(FlagKind.STAGE1_DECISION_OVERDUE, "case", _stage1_decisions, "assessor"),
    Clock(FlagKind.TRANSFER_ASSESSMENT_LATE, "case", _transfer_assessments, "assessor"),
    Clock(FlagKind.REFUSAL_MAY_DECIDE, "case", _refusals, "owner"),
    Clock(FlagKind.REFUSAL_TO_PANEL, "case", _refusals, "owner"),
    Clock(FlagKind.REFUSAL_IRM_PAPERS, "case", _refusals, "owner"),
    Clock(FlagKind.REFUSAL_DECISION_DUE, "case", _refusals, "owner"),
    Clock(FlagKind.DETERMINATION_MAY_DECIDE, "household", _household_determinations, "worker"),
    Clock(FlagKind.DETERMINATION_TO_PANEL, "household", _household_determinations, "worker"),
    Clock(FlagKind.DETERMINATION_IRM_PAPERS, "household", _household_determinations, "worker"),
    Clock(FlagKind.DETERMINATION_DECISION_DUE, "household", _household_determinations, "worker"),
    Clock(FlagKind.REVIEW_SUGGESTED, "household", _review_suggested, "worker"),
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

"""The service's clocks and duties, in one registry.

Each entry is one kind of flag: the record it applies to (a case or a household),
the rule that judges it (a pure domain rule, quoted where it lives), how the
candidates on a day are found, who owns the work, and the job that runs it at night.
Everything that raises, clears or counts a flag reads this registry:

- `sync_flags` judges clocks for some or all records and makes the open flags match,
  clearing only the kinds it was asked to judge (a job never clears another's flags);
- `judge_on_write` (installed on the session by the app factory) re-judges the clocks
  of every case or household a transaction wrote to, before it commits, so open flags
  are true all day; the nightly run stays the safety net for clocks the calendar moves;
- counts and the lists they open read the same open flags (`open_flags`).

Adding a clock is a flag kind, a judge here (or a kind a judge already reports) and an
entry in CLOCKS; `tests/test_clocks.py` fails when a kind has no entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy import event
from sqlalchemy.orm import Session

from crm.domain.complaints import response_due_on, response_late
from crm.domain.compliance import renewals_overdue
from crm.domain.settings import Settings
from crm.domain.supervision import Duty, obligations
from crm.domain.working_days import working_days_between
from crm.extensions import db
from crm.metrics.cases import (
    overdue_first_contacts,
    stalled_cases,
    temporary_approval_flags,
    timescale_warnings,
)
from crm.metrics.compliance import certificates
from crm.metrics.supervision import records_on
from crm.models import Case, Flag, FlagKind, Household, Notification, User
from crm.models.carer_event import Complaint
from crm.models.setting import load_settings
from crm.timeutil import today
from crm.visibility import may_open_case

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
    agency decision after panel."""
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
    reviewed owes its first review, which goes back to the fostering panel (reg
    28(3)): flagged as a kind of its own, since it needs a panel date, not a visit."""
    found: Found = {}
    for household_id, record in records_on(_current_households(day, among), day).items():
        for duty in obligations(record, day, settings):
            if not duty.overdue:
                continue
            kind = DUTY_KINDS[duty.duty]
            if duty.duty is Duty.ANNUAL_REVIEW and record.reviews == 0:
                kind = FlagKind.FIRST_REVIEW_OVERDUE
            found[(kind, household_id)] = f"{duty.duty.label} was due on {duty.due_on:%d/%m/%Y}"
    return found


RENEWAL_KINDS = {"dbs": FlagKind.DBS_RENEWAL_OVERDUE, "medical": FlagKind.MEDICAL_RENEWAL_OVERDUE}


def _renewals(day: date, settings: Settings, among: list[int] | None) -> Found:
    """domain/compliance.py: every adult's DBS check and every carer's medical renewed
    within the service's interval (reg 26 and Schedule 3 require the checks; three
    years is the service's own standard, a setting)."""
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
    (England) Regulations 2011, reg 32(3))."""
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
    service's own timescale of receiving it (`complaint_response_days`, 28 days by
    default). The Fostering Services (England) Regulations 2011, reg 18, require a written
    complaints procedure (a local authority's is under the Children Act 1989, s 26(3)) but
    set no number of days: the 28 days is the service's standard, not the law's."""
    query = sa.select(Complaint.household_id, Complaint.received_on).where(
        Complaint.responded_on.is_(None)  # few at a time: the rule is judged here
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
            f"standard): the oldest received {min(received):%d/%m/%Y}, response due "
            f"{response_due_on(min(received), settings):%d/%m/%Y}"
        )
        for household_id, received in late.items()
    }


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


# --- judging and keeping flags -----------------------------------------------------


def _judged(clocks: Iterable[Clock], day: date, settings: Settings, among: dict) -> Found:
    """What the clocks find, each judge run once however many kinds it reports."""
    kinds = {clock.kind for clock in clocks}
    found: Found = {}
    seen: set[tuple[Judge, Record]] = set()
    for clock in clocks:
        if (clock.judge, clock.record) in seen:
            continue
        seen.add((clock.judge, clock.record))
        ids = among.get(clock.record) if among else None
        if among and ids is None:
            continue  # only some records were written, none of this sort
        found |= clock.judge(day, settings, ids)
    return {key: why for key, why in found.items() if key[0] in kinds}


def _owners(found: Found) -> dict[tuple[FlagKind, int], tuple[int | None, bool, str, str]]:
    """Who each flag goes to, whether they are told, how a message names its record,
    and the link."""
    case_ids = {i for (kind, i) in found if BY_KIND[kind].record == "case"}
    household_ids = {i for (kind, i) in found if BY_KIND[kind].record == "household"}
    cases = {c.id: c for c in db.session.scalars(sa.select(Case).where(Case.id.in_(case_ids)))}
    households = {
        h.id: h
        for h in db.session.scalars(sa.select(Household).where(Household.id.in_(household_ids)))
    }
    owners = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(
                User.id.in_({c.owner_id for c in cases.values()} - {None})
                | User.id.in_({c.assessing_worker_id for c in cases.values()} - {None})
            )
        )
    }
    named = {}
    for kind, record_id in found:
        clock = BY_KIND[kind]
        if clock.record == "case":
            case = cases[record_id]
            owner = case.owner_id
            if clock.owner == "assessor" and case.assessing_worker_id:
                owner = case.assessing_worker_id
            owner = owner if clock.owner else None
            # a message names its case: only to someone who may open it
            told = owner is not None and may_open_case(owners[owner], case)
            named[(kind, record_id)] = (
                owner,
                told,
                f"{case.reference} ({case.display_name})",
                f"/cases/{record_id}",
            )
        else:
            household = households[record_id]
            owner = household.supervising_worker_id if clock.owner == "worker" else None
            named[(kind, record_id)] = (
                owner,
                owner is not None,
                household.reference,
                f"/households/{record_id}",
            )
    return named


def sync_flags(
    day: date,
    clocks: Iterable[Clock] = CLOCKS,
    settings: Settings | None = None,
    cases: Iterable[int] | None = None,
    households: Iterable[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Raise, update and clear flags of these clocks' kinds so they match the rules on
    `day`: for every record, or only the `cases` and `households` given. A flag of
    another kind, or of a record not judged, is never touched. Tells each new flag's
    owner. Does not commit."""
    clocks = tuple(clocks)
    settings = settings or load_settings()
    among = None
    if cases is not None or households is not None:
        among = {"case": sorted(set(cases or ())), "household": sorted(set(households or ()))}
    wanted = _judged(clocks, day, settings, among)
    kinds = [clock.kind for clock in clocks]
    scope = [Flag.cleared_on.is_(None), Flag.kind.in_(kinds)]
    if among is not None:
        scope.append(
            sa.or_(Flag.case_id.in_(among["case"]), Flag.household_id.in_(among["household"]))
        )
    open_flags = {
        (flag.kind, flag.case_id if flag.case_id is not None else flag.household_id): flag
        for flag in db.session.scalars(sa.select(Flag).where(*scope))
    }
    cleared = 0
    for key, flag in open_flags.items():
        if key not in wanted:
            flag.cleared_on = day
            cleared += 1
        elif flag.reason != wanted[key]:
            flag.reason = wanted[key]
    new = [key for key in wanted if key not in open_flags]
    named = _owners({key: wanted[key] for key in new})
    notified = 0
    for done, key in enumerate(new, start=1):
        kind, record_id = key
        owner_id, told, subject, link = named[key]
        on_case = BY_KIND[kind].record == "case"
        record = {"case_id": record_id} if on_case else {"household_id": record_id}
        db.session.add(
            Flag(kind=kind, owner_id=owner_id, reason=wanted[key], raised_on=day, **record)
        )
        if told:
            db.session.add(
                Notification(
                    user_id=owner_id,
                    link=link,
                    message=f"{kind.label}: {subject} - {wanted[key]}",
                    **record,
                )
            )
            notified += 1
        if progress:
            progress(done, len(new))
    return {"raised": len(new), "cleared": cleared, "open": len(wanted), "notified": notified}


def open_flags(kinds: Iterable[FlagKind]) -> sa.Select:
    """The open flags of these kinds: what every count and the list it opens read."""
    return sa.select(Flag).where(Flag.cleared_on.is_(None), Flag.kind.in_(list(kinds)))


def flagged_cases(kinds: Iterable[FlagKind]) -> sa.Select:
    """The ids of cases with an open flag of these kinds (a list filter, a count)."""
    return sa.select(Flag.case_id).where(
        Flag.cleared_on.is_(None), Flag.kind.in_(list(kinds)), Flag.case_id.isnot(None)
    )


def flagged_case_list(kind: FlagKind, *where: sa.ColumnElement[bool]) -> list[tuple[Case, str]]:
    """The cases with an open flag of `kind` (and matching `where`), each with the
    flag's reason, by reference: a queue's list, read from the flags its count reads."""
    rows = db.session.execute(
        sa.select(Case, Flag.reason)
        .join(Flag, Flag.case_id == Case.id)
        .where(Flag.cleared_on.is_(None), Flag.kind == kind, *where)
        .order_by(Case.reference)
    )
    return [(case, reason) for case, reason in rows]


def flagged_household_list(
    kind: FlagKind, *where: sa.ColumnElement[bool]
) -> list[tuple[Household, str]]:
    """The households with an open flag of `kind` (and matching `where`), each with the
    flag's reason, by reference: a queue's list, read from the flags its count reads."""
    rows = db.session.execute(
        sa.select(Household, Flag.reason)
        .join(Flag, Flag.household_id == Household.id)
        .where(Flag.cleared_on.is_(None), Flag.kind == kind, *where)
        .order_by(Household.reference)
    )
    return [(household, reason) for household, reason in rows]


def flagged_households(kinds: Iterable[FlagKind]) -> sa.Select:
    """The ids of households with an open flag of these kinds."""
    return sa.select(Flag.household_id).where(
        Flag.cleared_on.is_(None), Flag.kind.in_(list(kinds)), Flag.household_id.isnot(None)
    )


# --- kept current on every write ---------------------------------------------------

#: Rows that are the clocks' own bookkeeping or the trail, not facts about a record:
#: writing them re-judges nothing (and the judging writes them).
_NOT_FACTS = {"flags", "notifications", "audit_events"}
_WRITTEN = "hearth_written_records"


def _note_written(session: Session, flush_context) -> None:
    written = session.info.setdefault(_WRITTEN, {"case": set(), "household": set()})
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table is None or table in _NOT_FACTS:
            continue
        if isinstance(obj, Case):
            written["case"].add(obj.id)
        elif isinstance(obj, Household):
            written["household"].add(obj.id)
        else:
            for attribute, sort in (("case_id", "case"), ("household_id", "household")):
                value = getattr(obj, attribute, None)
                if value is not None:
                    written[sort].add(value)


def _rejudge_written(session: Session) -> None:
    if session is not db.session():
        return  # only the app's own session writes records
    session.flush()  # what is still pending is written, and noted, first
    written = session.info.pop(_WRITTEN, None)
    if not written:
        return
    ids = {sort: {i for i in found if i is not None} for sort, found in written.items()}
    if not (ids["case"] or ids["household"]):
        return
    sync_flags(today(), cases=ids["case"], households=ids["household"])
    session.flush()
    session.info.pop(_WRITTEN, None)  # the flags just written re-judge nothing


def judge_on_write() -> None:
    """Re-judge, before each commit, the clocks of every case and household the
    transaction wrote to (its own row, or a row pointing at it). Attached once per
    process, as the audit listeners are (create_app may run many times)."""
    if not event.contains(Session, "after_flush", _note_written):
        event.listen(Session, "after_flush", _note_written)
    if not event.contains(Session, "before_commit", _rejudge_written):
        event.listen(Session, "before_commit", _rejudge_written)

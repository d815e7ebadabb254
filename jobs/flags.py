"""Nightly: flag what needs chasing, tell its owner, clear flags whose cause has gone.

Flags are raised for stalled assessments and overdue first contacts (cases)
and for overdue visits, reviews and TSD (approved households), by the same
rules the lists and the metrics use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from crm.domain.settings import Settings
from crm.domain.supervision import Duty
from crm.domain.working_days import working_days_between
from crm.extensions import db
from crm.metrics.cases import (
    overdue_first_contacts,
    stalled_cases,
    temporary_approval_flags,
    timescale_warnings,
)
from crm.metrics.supervision import obligations_for
from crm.models import Case, Flag, FlagKind, Household, Notification, User
from crm.models.setting import load_settings
from crm.queries.cases import may_open_case

DUTY_FLAGS = {
    Duty.SUPERVISION_VISIT: FlagKind.SUPERVISION_VISIT_OVERDUE,
    Duty.UNANNOUNCED_VISIT: FlagKind.UNANNOUNCED_VISIT_OVERDUE,
    Duty.ANNUAL_REVIEW: FlagKind.ANNUAL_REVIEW_OVERDUE,
    Duty.TSD: FlagKind.TSD_OVERDUE,
}


@dataclass(frozen=True)
class Wanted:
    reason: str
    owner_id: int | None
    subject: str  # how the notification names the case or household
    link: str


TIMESCALE_FLAGS = {"panel": FlagKind.PANEL_TIMESCALE, "decision": FlagKind.DECISION_OVERDUE}
KINSHIP_FLAGS = {
    "expiring": FlagKind.TEMPORARY_APPROVAL_EXPIRING,
    "expired": FlagKind.TEMPORARY_APPROVAL_EXPIRED,
    "extended": FlagKind.TEMPORARY_APPROVAL_EXTENDED,
}
ASSESSMENT_FLAGS = frozenset({FlagKind.STALLED, FlagKind.PANEL_TIMESCALE, *KINSHIP_FLAGS.values()})

Key = tuple[FlagKind, int | None, int | None]  # kind, case id, household id


def _case_flags(as_of: date, settings: Settings) -> dict[Key, Wanted]:
    reasons: dict[tuple[FlagKind, int], str] = {
        (FlagKind.STALLED, s.case_id): "; ".join(s.reasons) for s in stalled_cases(as_of, settings)
    }
    reasons |= {
        (TIMESCALE_FLAGS[kind], case_id): why
        for (kind, case_id), why in timescale_warnings(as_of, settings).items()
    }
    reasons |= {
        (KINSHIP_FLAGS[kind], case_id): why
        for (kind, case_id), why in temporary_approval_flags(as_of).items()
    }
    overdue = overdue_first_contacts(as_of, settings)
    cases = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Case).where(Case.id.in_([case_id for _, case_id in reasons] + overdue))
        )
    }
    target = settings.first_contact_target_working_days
    for case_id in overdue:
        days = working_days_between(cases[case_id].enquiry_date, as_of)
        reasons[(FlagKind.FIRST_CONTACT_OVERDUE, case_id)] = (
            f"no first contact {days} working days after the enquiry (target {target})"
        )
    wanted = {}
    for (kind, case_id), reason in reasons.items():
        case = cases[case_id]
        owner = case.owner_id
        if kind in ASSESSMENT_FLAGS and case.assessing_worker_id:
            owner = case.assessing_worker_id  # assessments go to the assessing worker
        wanted[(kind, case_id, None)] = Wanted(
            reason, owner, f"{case.reference} ({case.display_name})", f"/cases/{case_id}"
        )
    return wanted


def _household_flags(as_of: date, settings: Settings) -> dict[Key, Wanted]:
    households = db.session.scalars(sa.select(Household).where(Household.current_on(as_of))).all()
    wanted = {}
    owed = obligations_for(households, as_of, settings)
    for household in households:
        for duty in owed[household.id]:
            if duty.overdue:
                wanted[(DUTY_FLAGS[duty.duty], None, household.id)] = Wanted(
                    f"{duty.duty.label} was due on {duty.due_on:%d/%m/%Y}",
                    household.supervising_worker_id,
                    household.reference,
                    f"/households/{household.id}",
                )
    return wanted


def _may_be_told(user_id: int, case_id: int | None) -> bool:
    """A notification names its case: only to someone who may open it (a supervising
    social worker who owns an enquiry they do not assess is not told its applicant)."""
    if case_id is None:
        return True
    return may_open_case(db.session.get(User, user_id), db.session.get(Case, case_id))


def flag_work(as_of: date, progress: Callable[[int, int], None] | None = None) -> dict:
    """Raise, update and clear flags so that they match the rules on `as_of`. Does not commit."""
    settings = load_settings()
    wanted = _case_flags(as_of, settings) | _household_flags(as_of, settings)
    open_flags = {
        (f.kind, f.case_id, f.household_id): f
        for f in db.session.scalars(sa.select(Flag).where(Flag.cleared_on.is_(None)))
    }
    cleared = 0
    for key, flag in open_flags.items():
        if key not in wanted:
            flag.cleared_on = as_of
            cleared += 1
        elif flag.reason != wanted[key].reason[:255]:
            flag.reason = wanted[key].reason[:255]
    new = [key for key in wanted if key not in open_flags]
    notified = 0
    for done, key in enumerate(new, start=1):
        kind, case_id, household_id = key
        want = wanted[key]
        db.session.add(
            Flag(
                kind=kind,
                case_id=case_id,
                household_id=household_id,
                owner_id=want.owner_id,
                reason=want.reason[:255],
                raised_on=as_of,
            )
        )
        if want.owner_id and _may_be_told(want.owner_id, case_id):
            db.session.add(
                Notification(
                    user_id=want.owner_id,
                    case_id=case_id,
                    household_id=household_id,
                    link=want.link,
                    message=f"{kind.label}: {want.subject} - {want.reason}"[:500],
                )
            )
            notified += 1
        if progress:
            progress(done, len(new))
    return {"raised": len(new), "cleared": cleared, "open": len(wanted), "notified": notified}

"""Nightly: flag what needs chasing, tell its owner, clear flags whose cause has gone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa

from crm.domain.settings import load_settings
from crm.domain.working_days import working_days_between
from crm.extensions import db
from crm.metrics.cases import overdue_first_contacts, stalled_cases
from crm.models import Case, Flag, FlagKind, Notification


def _wanted(as_of: date) -> dict[tuple[FlagKind, int], str]:
    """(kind, case id) -> reason, for everything that needs chasing on `as_of`."""
    settings = load_settings()
    wanted = {
        (FlagKind.STALLED, s.case_id): "; ".join(s.reasons) for s in stalled_cases(as_of, settings)
    }
    overdue = overdue_first_contacts(as_of, settings)
    enquired = dict(
        db.session.execute(sa.select(Case.id, Case.enquiry_date).where(Case.id.in_(overdue))).all()
    )
    for case_id in overdue:
        days = working_days_between(enquired[case_id], as_of)
        wanted[(FlagKind.FIRST_CONTACT_OVERDUE, case_id)] = (
            f"no first contact {days} working days after the enquiry "
            f"(target {settings.first_contact_target_working_days})"
        )
    return wanted


def _owner_id(case: Case, kind: FlagKind) -> int | None:
    """Stalled assessments go to the assessing worker where there is one."""
    if kind is FlagKind.STALLED and case.assessing_worker_id:
        return case.assessing_worker_id
    return case.owner_id


def flag_work(as_of: date, progress: Callable[[int, int], None] | None = None) -> dict:
    """Raise, update and clear flags so that they match the rules on `as_of`. Does not commit."""
    wanted = _wanted(as_of)
    open_flags = {
        (f.kind, f.case_id): f
        for f in db.session.scalars(
            sa.select(Flag).where(Flag.cleared_on.is_(None), Flag.case_id.isnot(None))
        )
    }
    cleared = 0
    for key, flag in open_flags.items():
        if key not in wanted:
            flag.cleared_on = as_of
            cleared += 1
        elif flag.reason != wanted[key][:255]:
            flag.reason = wanted[key][:255]
    new = [key for key in wanted if key not in open_flags]
    cases = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Case).where(Case.id.in_([case_id for _, case_id in new]))
        )
    }
    notified = 0
    for done, (kind, case_id) in enumerate(new, start=1):
        case = cases[case_id]
        owner_id = _owner_id(case, kind)
        db.session.add(
            Flag(
                kind=kind,
                case_id=case_id,
                owner_id=owner_id,
                reason=wanted[(kind, case_id)][:255],
                raised_on=as_of,
            )
        )
        if owner_id:
            db.session.add(
                Notification(
                    user_id=owner_id,
                    link=f"/cases/{case_id}",
                    message=f"{kind.label}: {case.reference} ({case.display_name}) - "
                    f"{wanted[(kind, case_id)]}"[:500],
                )
            )
            notified += 1
        if progress:
            progress(done, len(new))
    return {"raised": len(new), "cleared": cleared, "open": len(wanted), "notified": notified}

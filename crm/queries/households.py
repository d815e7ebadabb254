"""Queries behind the household lists."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from crm.clocks import DUTY_FLAGS, flagged_households
from crm.domain.household_vocabulary import deregistration_reason
from crm.domain.sufficiency import AIMS_BY_KEY
from crm.metrics.places import offers_on
from crm.metrics.sufficiency import vacant_taking
from crm.models import (
    ApprovalTerms,
    Carer,
    FlagKind,
    Household,
    HouseholdStatus,
    Resident,
    User,
)
from crm.models.carer_event import Complaint
from crm.models.spans import in_force_on
from crm.timeutil import today


def household_list(
    q: str | None = None,
    status: str | None = None,
    worker: str | None = None,
    category: str | None = None,
    overdue: bool = False,
    flag: str | None = None,
    current_on: date | None = None,
    approved_from: date | None = None,
    approved_to: date | None = None,
    deregistered_from: date | None = None,
    deregistered_to: date | None = None,
    reason: str | None = None,
    takes: str | None = None,
    vacant_for: str | None = None,
) -> sa.Select:
    """Households matching every filter given, by reference. `current_on` is the
    metrics' own rule, so a household figure's link lists exactly what it counted; a
    `flag` lists the households with that kind of flag open, as the manager's strip
    counts them (crm/clocks/)."""
    wanted = [
        _matches(q) if q else None,
        _with_status(status) if status else None,
        _supervised_by(worker) if worker else None,
        Household.id.in_(_terms_on_with(category, current_on or today())) if category else None,
        Household.current_on(current_on) if current_on else None,
        Household.approval_date >= approved_from if approved_from else None,
        Household.approval_date <= approved_to if approved_to else None,
        Household.deregistration_date >= deregistered_from if deregistered_from else None,
        Household.deregistration_date <= deregistered_to if deregistered_to else None,
        _left_because(reason) if reason else None,
        _taking(takes, current_on or today()) if takes else None,
        _vacant_for(vacant_for, current_on or today()) if vacant_for else None,
        Household.id.in_(flagged_households([FlagKind(flag)])) if flag else None,
    ]
    query = (
        sa.select(Household)
        .options(selectinload(Household.carers), joinedload(Household.supervising_worker))
        .where(*(condition for condition in wanted if condition is not None))
        .order_by(Household.reference)
    )
    return with_overdue_work(query) if overdue else query


def _taking(aim_key: str, day: date) -> sa.ColumnElement[bool]:
    """Households current on `day` whose terms then meet an age band or need, by the
    sufficiency page's own rule, so its count of places links to their households."""
    aim = AIMS_BY_KEY[aim_key]
    return Household.id.in_(
        [o.household_id for o in offers_on(day) if aim.met_by(o.min_age, o.max_age, o.categories)]
    )


def _vacant_for(aim_key: str, day: date) -> sa.ColumnElement[bool]:
    """Mainstream households with a vacant place on `day` that could take an age band or
    need: the sufficiency table's own rule, so its count of vacant places opens them."""
    return Household.id.in_(vacant_taking(AIMS_BY_KEY[aim_key], day))


def _matches(q: str) -> sa.ColumnElement[bool]:
    """Reference, postcode, or the name of anyone in the household."""
    like = f"%{q.strip()}%"
    return sa.or_(
        Household.reference.ilike(like),
        Household.postcode.ilike(like),
        Household.id.in_(sa.select(Carer.household_id).where(Carer.full_name.ilike(like))),
        Household.id.in_(sa.select(Resident.household_id).where(Resident.full_name.ilike(like))),
    )


def _with_status(status: str) -> sa.ColumnElement[bool]:
    if status == "current":
        return Household.current_on(today())
    return Household.status == HouseholdStatus(status)


def _left_because(reason: str) -> sa.ColumnElement[bool]:
    if reason == "none":
        return sa.and_(
            Household.deregistration_date.isnot(None), Household.deregistration_reason.is_(None)
        )
    return Household.deregistration_reason == deregistration_reason(reason)


def _terms_on_with(category: str, day: date) -> sa.Select:
    """Households whose terms of approval in force on `day` include `category` (terms
    recorded today that apply from a later day do not count yet)."""
    terms = in_force_on(ApprovalTerms, day)
    return sa.select(terms.c.household_id).where(
        sa.cast(terms.c.categories, sa.String).like(f'%"{category}"%')
    )


def _supervised_by(worker: str) -> sa.ColumnElement[bool]:
    """A worker's households, or with "none" those no one supervises."""
    if worker == "none":
        return Household.supervising_worker_id.is_(None)
    return Household.supervising_worker_id == int(worker)


def with_overdue_work(query: sa.Select) -> sa.Select:
    """Narrow a household query to those with a supervision duty overdue: the open
    flags the manager's count reads (crm/clocks/), so the two agree."""
    return query.where(Household.id.in_(flagged_households(DUTY_FLAGS)))


def caseload(user: User) -> sa.Select:
    """The current households a supervising social worker supports."""
    return household_list(status="current", worker=str(user.id))


def complaints_of(household_id: int) -> sa.Select:
    """A household's complaints, newest first (its page and its timeline)."""
    return (
        sa.select(Complaint)
        .join(Complaint.event)  # a complaint whose event was voided was never made
        .where(Complaint.household_id == household_id)
        .order_by(Complaint.received_on.desc(), Complaint.id.desc())
    )

"""Queries behind the household lists."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from crm.extensions import db
from crm.metrics.supervision import obligations_for
from crm.models import (
    ApprovalTerms,
    Carer,
    DeregistrationReason,
    Household,
    HouseholdStatus,
    Resident,
    User,
)
from crm.timeutil import today


def household_list(
    q: str | None = None,
    status: str | None = None,
    worker: str | None = None,
    category: str | None = None,
    deregistered_from: date | None = None,
    deregistered_to: date | None = None,
    reason: str | None = None,
    current_on: date | None = None,
    approved_from: date | None = None,
    approved_to: date | None = None,
) -> sa.Select:
    query = (
        sa.select(Household)
        .options(selectinload(Household.carers), joinedload(Household.supervising_worker))
        .order_by(Household.reference)
    )
    if q:
        like = f"%{q.strip()}%"
        carer_match = sa.select(Carer.household_id).where(Carer.full_name.ilike(like))
        resident_match = sa.select(Resident.household_id).where(Resident.full_name.ilike(like))
        query = query.where(
            sa.or_(
                Household.reference.ilike(like),
                Household.postcode.ilike(like),
                Household.id.in_(carer_match),
                Household.id.in_(resident_match),
            )
        )
    if status == "current":
        query = query.where(Household.current_on(today()))
    elif status:
        query = query.where(Household.status == HouseholdStatus(status))
    if worker:
        query = query.where(Household.supervising_worker_id == int(worker))
    if category:
        query = query.where(Household.id.in_(_current_terms_with(category)))
    if current_on:
        query = query.where(Household.current_on(current_on))
    if approved_from:
        query = query.where(Household.approval_date >= approved_from)
    if approved_to:
        query = query.where(Household.approval_date <= approved_to)
    if deregistered_from:
        query = query.where(Household.deregistration_date >= deregistered_from)
    if deregistered_to:
        query = query.where(Household.deregistration_date <= deregistered_to)
    if reason == "none":
        query = query.where(
            Household.deregistration_date.isnot(None), Household.deregistration_reason.is_(None)
        )
    elif reason:
        query = query.where(Household.deregistration_reason == DeregistrationReason(reason))
    return query


def _current_terms_with(category: str) -> sa.Select:
    """Households whose latest terms of approval include `category`."""
    latest = (
        sa.select(ApprovalTerms.household_id, sa.func.max(ApprovalTerms.effective_from).label("on"))
        .group_by(ApprovalTerms.household_id)
        .subquery()
    )
    return (
        sa.select(ApprovalTerms.household_id)
        .join(
            latest,
            sa.and_(
                ApprovalTerms.household_id == latest.c.household_id,
                ApprovalTerms.effective_from == latest.c.on,
            ),
        )
        .where(sa.cast(ApprovalTerms.categories, sa.String).like(f'%"{category}"%'))
    )


def with_overdue_work(query: sa.Select, on: date) -> sa.Select:
    """Narrow a household query to those with overdue work on `on` (same rules as pages)."""
    households = db.session.scalars(query.order_by(None)).all()
    owed = obligations_for(households, on)
    overdue = [h_id for h_id, duties in owed.items() if any(d.overdue for d in duties)]
    return query.where(Household.id.in_(overdue))


def caseload(user: User) -> sa.Select:
    """The current households a supervising social worker supports."""
    return household_list(status="current", worker=str(user.id))

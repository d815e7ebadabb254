"""Queries behind the household lists."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from crm.models import Carer, Household, HouseholdStatus, User

CURRENT = (HouseholdStatus.ACTIVE, HouseholdStatus.ON_BREAK)


def household_list(
    q: str | None = None, status: str | None = None, worker: str | None = None
) -> sa.Select:
    query = (
        sa.select(Household)
        .options(selectinload(Household.carers), joinedload(Household.supervising_worker))
        .order_by(Household.reference)
    )
    if q:
        like = f"%{q.strip()}%"
        carer_match = sa.select(Carer.household_id).where(Carer.full_name.ilike(like))
        query = query.where(
            sa.or_(
                Household.reference.ilike(like),
                Household.postcode.ilike(like),
                Household.id.in_(carer_match),
            )
        )
    if status == "current":
        query = query.where(Household.status.in_(CURRENT))
    elif status:
        query = query.where(Household.status == HouseholdStatus(status))
    if worker:
        query = query.where(Household.supervising_worker_id == int(worker))
    return query


def caseload(user: User) -> sa.Select:
    """The current households a supervising social worker supports."""
    return household_list(status="current", worker=str(user.id))

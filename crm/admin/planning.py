"""Saving what a service plans: approval targets and campaign costs."""

from __future__ import annotations

import sqlalchemy as sa

from crm.extensions import db
from crm.models import ApprovalTarget, Campaign, CarerType, SufficiencyTarget


def set_targets(year: int, targets: dict[CarerType, int | None]) -> None:
    """Set (or clear, with None) each type's approval target for the financial year."""
    existing = {
        t.carer_type: t
        for t in db.session.scalars(
            sa.select(ApprovalTarget).where(ApprovalTarget.financial_year == year)
        )
    }
    for carer_type, approvals in targets.items():
        target = existing.get(carer_type)
        if approvals is None:
            if target is not None:
                db.session.delete(target)
        elif target is None:
            db.session.add(
                ApprovalTarget(financial_year=year, carer_type=carer_type, approvals=approvals)
            )
        else:
            target.approvals = approvals


def all_targets() -> list[ApprovalTarget]:
    return list(
        db.session.scalars(
            sa.select(ApprovalTarget).order_by(
                ApprovalTarget.financial_year.desc(), ApprovalTarget.carer_type
            )
        )
    )


def all_campaigns() -> list[Campaign]:
    return list(db.session.scalars(sa.select(Campaign).order_by(Campaign.name)))


def set_sufficiency_targets(year: int, targets: dict[str, int | None]) -> None:
    """Set (or clear, with None) the households aimed for each age band and need."""
    existing = {
        t.aim: t
        for t in db.session.scalars(
            sa.select(SufficiencyTarget).where(SufficiencyTarget.financial_year == year)
        )
    }
    for aim, households in targets.items():
        target = existing.get(aim)
        if households is None:
            if target is not None:
                db.session.delete(target)
        elif target is None:
            db.session.add(SufficiencyTarget(financial_year=year, aim=aim, households=households))
        else:
            target.households = households


def sufficiency_targets() -> list[SufficiencyTarget]:
    return list(
        db.session.scalars(
            sa.select(SufficiencyTarget).order_by(
                SufficiencyTarget.financial_year.desc(), SufficiencyTarget.aim
            )
        )
    )

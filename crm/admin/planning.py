"""Saving what a service plans: approval targets and campaign costs."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from crm.extensions import db
from crm.models import ApprovalTarget, Campaign, CarerType, SufficiencyTarget


def _set_year(model: Any, key: str, amount: str, year: int, wanted: dict[Any, int | None]) -> None:
    """Set (or clear, with None) one target a key for the financial year: one row per
    year and key, whatever the kind of target."""
    existing = {
        getattr(t, key): t
        for t in db.session.scalars(sa.select(model).where(model.financial_year == year))
    }
    for value, number in wanted.items():
        target = existing.get(value)
        if number is None:
            if target is not None:
                db.session.delete(target)
        elif target is None:
            db.session.add(model(financial_year=year, **{key: value, amount: number}))
        else:
            setattr(target, amount, number)


def set_targets(year: int, targets: dict[CarerType, int | None]) -> None:
    """Set (or clear, with None) each type's approval target for the financial year."""
    _set_year(ApprovalTarget, "carer_type", "approvals", year, targets)


def set_sufficiency_targets(year: int, targets: dict[str, int | None]) -> None:
    """Set (or clear, with None) the households aimed for each age band and need."""
    _set_year(SufficiencyTarget, "aim", "households", year, targets)


def all_targets() -> list[ApprovalTarget]:
    return list(
        db.session.scalars(
            sa.select(ApprovalTarget).order_by(
                ApprovalTarget.financial_year.desc(), ApprovalTarget.carer_type
            )
        )
    )


def sufficiency_targets() -> list[SufficiencyTarget]:
    return list(
        db.session.scalars(
            sa.select(SufficiencyTarget).order_by(
                SufficiencyTarget.financial_year.desc(), SufficiencyTarget.aim
            )
        )
    )


def all_campaigns() -> list[Campaign]:
    return list(db.session.scalars(sa.select(Campaign).order_by(Campaign.name)))

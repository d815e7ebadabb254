"""Households joining and leaving by the decisions behind them: approvals of new carers
apart from carers transferring in from another fostering service (the transfer
protocol), and resignations by the carers' notice (reg 28(13)), counted on the day the
notice took effect (the deregistration's date). Each is a part of a figure the engine
already counts (approvals, deregistrations): the parts add up to it."""

from __future__ import annotations

import sqlalchemy as sa

from crm.extensions import db
from crm.metrics.period import Period, count_if
from crm.models import CarerType, Household, ResignationNotice, TransferIn


def transferred_in() -> sa.ColumnElement[bool]:
    """A household approved from a case of carers transferring in."""
    return Household.case_id.in_(sa.select(TransferIn.case_id))


def resigned() -> sa.ColumnElement[bool]:
    """A household deregistered by its carers' notice taking effect (not withdrawn)."""
    return Household.id.in_(
        sa.select(ResignationNotice.household_id).where(
            ResignationNotice.withdrawn_on.is_(None),
            ResignationNotice.effective_on == Household.deregistration_date,
        )
    )


def joining_and_leaving(period: Period) -> dict[CarerType | None, dict[str, int]]:
    """{group: {new_approvals, transfers_in, resignations}} for the period."""
    approved = period.covers(Household.approval_date)
    query = sa.select(
        Household.carer_type,
        count_if(sa.and_(approved, sa.not_(transferred_in()))),
        count_if(sa.and_(approved, transferred_in())),
        count_if(sa.and_(period.covers(Household.deregistration_date), resigned())),
    ).group_by(Household.carer_type)
    names = ("new_approvals", "transfers_in", "resignations")
    found: dict[CarerType | None, dict[str, int]] = {t: dict.fromkeys(names, 0) for t in CarerType}
    for carer_type, *values in db.session.execute(query):
        found[carer_type] = {n: int(v or 0) for n, v in zip(names, values, strict=True)}
    found[None] = {n: sum(found[t][n] for t in CarerType) for n in names}
    return found

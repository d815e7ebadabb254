"""Carers' written notice that they no longer wish to foster (reg 28(13)), kept as its
own record: the day it was received, the day it takes effect and, if they changed their
minds in time, the day it was withdrawn."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from crm.domain import resignation
from crm.domain.household_vocabulary import DeregistrationReason, InitiatedBy
from crm.extensions import db
from crm.models.household import Household
from crm.models.types import enum_column
from crm.models.user import User
from crm.timeutil import today, utcnow


class ResignationNotice(db.Model):
    """Notice of resignation received from the carers. The household stays approved
    until `effective_on` (28 days from receipt), when it is deregistered (the nightly
    job, or on reading the household's page: `apply_due`)."""

    __tablename__ = "resignation_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    received_on: Mapped[date]
    #: received_on + 28 days (reg 28(13)); kept so the figures can count it in SQL.
    effective_on: Mapped[date] = mapped_column(index=True)
    #: Why the carers are leaving, as they said it (the deregistration's reason).
    reason: Mapped[DeregistrationReason | None] = mapped_column(
        enum_column(DeregistrationReason, 30)
    )
    withdrawn_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    household: Mapped[Household] = relationship(
        backref=backref("resignation_notices", cascade="all, delete-orphan")
    )
    recorded_by: Mapped[User | None] = relationship()

    @classmethod
    def pending_for(cls, household: Household) -> ResignationNotice | None:
        """The notice not withdrawn and not yet taken effect, if any."""
        if household.deregistration_date is not None:
            return None
        return db.session.scalar(
            sa.select(cls).where(cls.household_id == household.id, cls.withdrawn_on.is_(None))
        )

    @classmethod
    def receive(
        cls,
        household: Household,
        received_on: date,
        reason: DeregistrationReason | None,
        by: User | None,
        note: str | None = None,
        as_of: date | None = None,
    ) -> ResignationNotice:
        """Notice received; if its day has already come (recorded late), the household is
        deregistered on it now. Does not commit."""
        as_of = as_of or today()
        resignation.check_notice(household, received_on, cls.pending_for(household), as_of)
        notice = cls(
            household=household,
            received_on=received_on,
            effective_on=resignation.effective_on(received_on),
            reason=reason,
            note=note,
            recorded_by=by,
        )
        db.session.add(notice)
        notice.take_effect(as_of)
        return notice

    def withdraw(self, on: date, as_of: date | None = None) -> None:
        """The carers withdraw their notice before it takes effect. Does not commit."""
        resignation.check_withdrawal(self, on, as_of or today())
        self.withdrawn_on = on

    def take_effect(self, as_of: date) -> bool:
        """Deregister the household on the effective day once it has come (resigned: the
        carer initiated it). False while it has not, or when children are still placed
        that day (they must move on first; the page says so)."""
        household = self.household
        if not resignation.takes_effect_by(self, as_of) or household.deregistration_date:
            return False
        try:
            household.deregister(self.effective_on, self.reason, InitiatedBy.CARER, as_of=as_of)
        except ValueError:
            return False
        return True


def apply_due(as_of: date, among: list[int] | None = None) -> dict[str, int]:
    """Every notice whose day has come deregisters its household (the nightly job, and
    the household's page on reading it). Does not commit."""
    query = (
        sa.select(ResignationNotice)
        .join(Household, ResignationNotice.household_id == Household.id)
        .where(
            ResignationNotice.withdrawn_on.is_(None),
            ResignationNotice.effective_on <= as_of,
            Household.deregistration_date.is_(None),
        )
        .order_by(ResignationNotice.id)
    )
    if among is not None:
        query = query.where(ResignationNotice.household_id.in_(among))
    applied = blocked = 0
    for notice in db.session.scalars(query).all():
        if notice.take_effect(as_of):
            applied += 1
        else:
            blocked += 1
    return {"deregistered": applied, "children_still_placed": blocked}

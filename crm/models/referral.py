"""A child offered to a household ("a referral") and the carers' answer: what matching
leads to, and, counted by reason, what the service's carers cannot take."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain.matching import DeclineReason, ReferralOutcome
from crm.extensions import db
from crm.models.household import Household
from crm.models.types import enum_column
from crm.models.user import User
from crm.timeutil import utcnow


class Referral(db.Model):
    """The child is described, not identified: the children's system keeps their record
    (its reference may be given, as a placement's is)."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    offered_on: Mapped[date]
    child_reference: Mapped[str | None] = mapped_column(sa.String(40))
    child_age: Mapped[int]
    siblings: Mapped[int] = mapped_column(default=1)
    needs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    outcome: Mapped[ReferralOutcome] = mapped_column(
        enum_column(ReferralOutcome, 20), default=ReferralOutcome.OFFERED
    )
    answered_on: Mapped[date | None]
    decline_reason: Mapped[DeclineReason | None] = mapped_column(enum_column(DeclineReason, 20))
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    household: Mapped[Household] = relationship(back_populates="referrals")
    recorded_by: Mapped[User | None] = relationship()

    __audit_label__ = "child_reference"
    __export_withhold__ = frozenset({"child_reference"})  # the child is a third party

    @property
    def described(self) -> str:
        """ "aged 13, with 1 brother or sister" in words, for lists and the timeline."""
        others = self.siblings - 1
        if not others:
            return f"aged {self.child_age}"
        plural = "s" if others > 1 else ""
        return f"aged {self.child_age}, with {others} brother{plural} or sister{plural}"

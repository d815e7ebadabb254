"""What a supervising social worker records about an approved household over time."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain.household_terms import CarerEventKind
from crm.extensions import db
from crm.models.household import Household
from crm.models.types import enum_column
from crm.models.user import User
from crm.timeutil import utcnow


class CarerEvent(db.Model):
    """One dated record on a household: a visit, review, training, allegation, support...

    One table rather than one per kind: they share date, author and note, and
    the due/overdue rules and the retention model read them side by side.
    `value` holds training hours or a 1–5 survey score; `outcome` holds a
    review's or an allegation's outcome.
    """

    __tablename__ = "carer_events"
    __table_args__ = (
        sa.Index("ix_carer_events_household_kind", "household_id", "kind", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    kind: Mapped[CarerEventKind] = mapped_column(enum_column(CarerEventKind, 30))
    occurred_on: Mapped[date]
    value: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))
    outcome: Mapped[str | None] = mapped_column(sa.String(60))
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    household: Mapped[Household] = relationship(back_populates="events")
    recorded_by: Mapped[User | None] = relationship()

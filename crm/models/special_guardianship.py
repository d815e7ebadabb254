"""A connected person's assessment for a special guardianship or child arrangements
order, its outcome and the date the order was made (issue 33, item 6). Part of the case
aggregate; the rules are in crm.domain.special_guardianship."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from crm.domain import special_guardianship as rules
from crm.extensions import db
from crm.models.case import Case
from crm.models.types import enum_column
from crm.models.user import User
from crm.timeutil import utcnow


class OrderAssessment(db.Model):
    """The assessment of a connected person for an order instead of (or after) fostering:
    the report the court needs (Children Act 1989, s.14A(8)) and what the court did."""

    __tablename__ = "order_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    order: Mapped[rules.OrderKind] = mapped_column(enum_column(rules.OrderKind, 30))
    started_on: Mapped[date]
    outcome: Mapped[rules.OrderOutcome | None] = mapped_column(enum_column(rules.OrderOutcome, 20))
    decided_on: Mapped[date | None]
    #: The day the court made the order: the child's legal basis changes that day.
    order_made_on: Mapped[date | None] = mapped_column(index=True)
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    #: Case.order_assessments, oldest first (a backref: the case module stays as it was).
    case: Mapped[Case] = relationship(
        backref=backref(
            "order_assessments",
            cascade="all, delete-orphan",
            order_by="(OrderAssessment.started_on, OrderAssessment.id)",
        )
    )
    recorded_by: Mapped[User | None] = relationship()

    @classmethod
    def for_case(cls, case_id: int) -> list[OrderAssessment]:
        return list(
            db.session.scalars(
                sa.select(cls).where(cls.case_id == case_id).order_by(cls.started_on, cls.id)
            )
        )

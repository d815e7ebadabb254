"""An Ofsted return as it was submitted: the figures sent, kept as they were, so later
changes to the records are shown against them rather than silently replacing them."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.user import User
from crm.timeutil import utcnow


class SubmittedReturn(db.Model):
    """One financial year's return, marked submitted by a manager (the latest marking
    stands; each is in the audit log)."""

    __tablename__ = "submitted_returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The year the financial year starts (2024 for April 2024 to March 2025).
    financial_year: Mapped[int] = mapped_column(unique=True)
    submitted_on: Mapped[date]
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: [{"section", "measure", "by_type": {carer type: count}}], in the return's order.
    figures: Mapped[list[dict]] = mapped_column(sa.JSON)

    submitted_by: Mapped[User | None] = relationship()

    __audit_label__ = "financial_year"

"""What a service plans for recruitment: where enquiries come from (its own list of
sources), campaigns (with what they cost) and approval targets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.domain.case_vocabulary import CarerType
from crm.extensions import db
from crm.models.types import enum_column
from crm.timeutil import utcnow


class EnquirySource(db.Model):
    """Where an enquiry came from, as the council names it ("Radio", "Facebook").

    A council's list, seeded with Hearth's defaults (crm.domain.reference) and
    managed under Admin; `Case.source` holds the code. A source is retired rather
    than deleted, so older enquiries keep their label and reports stay whole.
    """

    __tablename__ = "enquiry_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    label: Mapped[str] = mapped_column(sa.String(120), unique=True)
    retired: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Campaign(db.Model):
    """A recruitment campaign. Enquiries name it in `Case.campaign`; its cost, when
    recorded, gives cost per enquiry and per approval on the dashboard."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    cost: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 2))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApprovalTarget(db.Model):
    """How many households of one type the service aims to approve in a financial year
    (`financial_year` is the year it starts: 2026 means 1 April 2026 - 31 March 2027)."""

    __tablename__ = "approval_targets"
    __table_args__ = (sa.UniqueConstraint("financial_year", "carer_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    financial_year: Mapped[int]
    carer_type: Mapped[CarerType] = mapped_column(enum_column(CarerType, 20))
    approvals: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SufficiencyTarget(db.Model):
    """How many households the service aims to approve in a financial year for an age
    band or a need (`aim`, a key of crm.domain.sufficiency.AIMS: "need:sibling_group")."""

    __tablename__ = "sufficiency_targets"
    __table_args__ = (sa.UniqueConstraint("financial_year", "aim"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    financial_year: Mapped[int]
    aim: Mapped[str] = mapped_column(sa.String(40))
    households: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

"""What a supervising social worker records about an approved household over time:
its dated events, and carers' complaints with their response."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain import complaints
from crm.domain.complaints import ComplaintOutcome
from crm.domain.household_vocabulary import CarerEventKind
from crm.domain.settings import Settings
from crm.extensions import db
from crm.models.corrections import Correctable
from crm.models.household import Household
from crm.models.types import enum_column
from crm.models.user import User
from crm.timeutil import today, utcnow


class CarerEvent(Correctable, db.Model):
    """One dated record on a household: a visit, review, training, allegation, support...

    One table rather than one per kind: they share date, author and note, and
    the due/overdue rules and the retention model read them side by side.
    `value` holds training hours or a 1–5 survey score; `outcome` holds a
    review's or an allegation's outcome.
    """

    __tablename__ = "carer_events"
    __table_args__ = (
        # voided_at last: the duties read a household's live visits and reviews from the
        # index alone (without it, 1.9 million events were read row by row: +20%).
        sa.Index(
            "ix_carer_events_household_kind", "household_id", "kind", "occurred_on", "voided_at"
        ),
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
    #: An allegation's referral to the Local Authority Designated Officer (LADO).
    lado_referred_on: Mapped[date | None]
    #: The day an allegation's investigation concluded with its outcome: the hold on new
    #: placements ends then, and a review of approval may be suggested from it. Empty on
    #: outcomes recorded before it was asked (the day was not recorded).
    concluded_on: Mapped[date | None]

    household: Mapped[Household] = relationship(back_populates="events")
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class Complaint(db.Model):
    """A carer's complaint to the service, from receipt to the written response.

    Its own record, for what a complaint has that other records do not: who made it,
    what it is about, an outcome from its own list and the day it was answered, which
    the response clock (crm/clocks/) reads. Receiving one also records the dated
    complaint event every reader of a household's history already counts (the
    retention model's `complaints_12m`, the carer-events export and its import), so
    those go on unchanged; events recorded or imported before this record existed stay
    as the history they are, with no clock.
    """

    __tablename__ = "complaints"
    __table_args__ = (sa.Index("ix_complaints_unanswered", "responded_on", "received_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    #: The complaint event on the household's history that counts it.
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("carer_events.id"), unique=True)
    received_on: Mapped[date]
    #: Who complained, in their words or the worker's ("both carers", "Mrs Patel").
    complainant: Mapped[str] = mapped_column(sa.String(120))
    summary: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[ComplaintOutcome | None] = mapped_column(enum_column(ComplaintOutcome, 20))
    responded_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    household: Mapped[Household] = relationship()
    event: Mapped[CarerEvent] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @classmethod
    def receive(
        cls,
        household: Household,
        received_on: date,
        complainant: str,
        summary: str,
        by: User | None,
        as_of: date | None = None,
    ) -> Complaint:
        """A complaint received, with the complaint event that counts it. Does not commit."""
        complaints.check_received(household, received_on, as_of or today())
        event = CarerEvent(kind=CarerEventKind.COMPLAINT, occurred_on=received_on, recorded_by=by)
        household.events.append(event)
        complaint = cls(
            household=household,
            event=event,
            received_on=received_on,
            complainant=complainant,
            summary=summary,
            recorded_by=by,
        )
        db.session.add(complaint)
        return complaint

    def respond(self, outcome: ComplaintOutcome, on: date, as_of: date | None = None) -> None:
        """The written response sent, with the outcome. Does not commit."""
        complaints.check_response(self, on, as_of or today())
        self.outcome, self.responded_on = outcome, on

    def response_due_on(self, settings: Settings) -> date:
        return complaints.response_due_on(self.received_on, settings)

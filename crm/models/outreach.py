"""Messages the service sends by itself to applicants and carers, the wording the
council gives them, and who asked for no more (crm/domain/outreach.py has the rules).

A message names the person and is part of their record, so it points at its case or
household by a foreign key: the subject access export includes it, and erasure and
anonymisation find it by the same walk of the schema as everything else.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain.outreach import MAX_ATTEMPTS, Channel, MessageKind, MessageStatus
from crm.extensions import db
from crm.models.case import Case
from crm.models.household import Household
from crm.models.types import enum_column
from crm.timeutil import utcnow


class MessageTemplate(db.Model):
    """The council's wording of one kind of message (the default until it edits it)."""

    __tablename__ = "message_templates"

    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind, 30), primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OutreachMessage(db.Model):
    """One message to a person outside the service, as rendered and as it went."""

    __tablename__ = "outreach_messages"
    __table_args__ = (
        sa.CheckConstraint("(case_id IS NULL) <> (household_id IS NULL)", name="one_record"),
        # Never twice for the same reason: one message per record, kind and due date.
        sa.UniqueConstraint("dedupe_key", name="uq_outreach_messages_dedupe_key"),
        sa.Index("ix_outreach_messages_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind, 30))
    #: "case:12:quiet_spell:2026-12-07": the reason this message exists, once.
    dedupe_key: Mapped[str] = mapped_column(sa.String(120))
    due_on: Mapped[date]
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 10))
    to_email: Mapped[str | None] = mapped_column(sa.String(254))
    to_phone: Mapped[str | None] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(255))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[MessageStatus] = mapped_column(
        enum_column(MessageStatus, 10), default=MessageStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(sa.String(255))
    #: What the provider calls it (GOV.UK Notify's notification id), or None for SMTP.
    provider_id: Mapped[str | None] = mapped_column(sa.String(64))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When a sender claimed it (status SENDING); a claim left by a process that died
    #: is given back after a while (crm/outreach/delivery.py).
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    case: Mapped[Case | None] = relationship()
    household: Mapped[Household | None] = relationship()

    MAX_ATTEMPTS = MAX_ATTEMPTS

    @property
    def given_up(self) -> bool:
        return self.status is MessageStatus.FAILED

    @property
    def was_sent(self) -> bool:
        return self.status is MessageStatus.SENT

    @property
    def recipient(self) -> str:
        return (self.to_email if self.channel is Channel.EMAIL else self.to_phone) or ""


class MessageOptOut(db.Model):
    """A person asked for no more automated messages, from the link in one of them
    (no sign-in). Every later automated message to that case or household is skipped."""

    __tablename__ = "message_opt_outs"
    __table_args__ = (
        sa.CheckConstraint("(case_id IS NULL) <> (household_id IS NULL)", name="one_record"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), unique=True
    )
    household_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("households.id", ondelete="CASCADE"), unique=True
    )
    opted_out_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case | None] = relationship()
    household: Mapped[Household | None] = relationship()


class OutreachSettings(db.Model):
    """How the council signs its messages (one row; until it is saved, the COUNCIL_NAME
    and FOSTERING_TEAM_PHONE settings)."""

    __tablename__ = "outreach_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_name: Mapped[str] = mapped_column(sa.String(120))
    team_phone: Mapped[str | None] = mapped_column(sa.String(40))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

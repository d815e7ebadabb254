"""The audit log: who saw and changed which personal record, and when."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain.labelled import LabelledEnum
from crm.extensions import db
from crm.models.types import enum_column, utc_now
from crm.models.user import User


class AuditAction(LabelledEnum):
    VIEWED = "viewed"
    CREATED = "created"
    CHANGED = "changed"
    DELETED = "deleted"
    EXPORTED = "exported"
    LOGGED_IN = "logged_in"
    LOGIN_FAILED = "login_failed"
    LOGGED_OUT = "logged_out"
    ERASED = "erased"  # personal data removed from a record's entries (crm.audit_chain)


class AuditEvent(db.Model):
    """One thing that happened to one record.

    `entity_type`/`entity_id` name the record as text rather than by foreign
    key on purpose: the trail must outlive the record (erasure under UK GDPR
    deletes the record, never its audit trail) and covers every table.

    The database sets `at` when the entry is written, so that no application
    clock (nor anyone writing rows by hand) decides where an entry stands in time;
    the chain refuses an entry whose time predates the entries already sealed.
    """

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(server_default=utc_now(), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor: Mapped[str] = mapped_column(sa.String(80), default="user")
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction, 20), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[str | None] = mapped_column(sa.String(60))
    summary: Mapped[str | None] = mapped_column(sa.String(255))
    changes: Mapped[dict | None] = mapped_column(sa.JSON)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    # Set once, when the entry is sealed into the hash chain (crm.audit_chain).
    chain_position: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True)
    chain_hash: Mapped[str | None] = mapped_column(sa.String(64))
    personal_digest: Mapped[str | None] = mapped_column(sa.String(64))

    user: Mapped[User | None] = relationship(lazy="joined")

    __mapper_args__ = {"eager_defaults": True}  # read `at` back in the INSERT

"""The applicant's own door (issue 35): their one-time sign-in links, the sections of
their application they fill in themselves, and the messages between them and the
service. Everything here belongs to one case; nothing points at a staff account except
the officer who wrote a reply."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.case import Case
from crm.models.user import User
from crm.timeutil import utcnow


class DoorLink(db.Model):
    """A one-time sign-in link (and the short code printed beside it) sent to the email
    the service holds for a case. Only SHA-256 digests are kept: the email is the only
    copy of the token and the code. It works once, until `expires_at`."""

    __tablename__ = "door_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship()


class DoorSection(db.Model):
    """What an applicant has written in one section of their application (its pages'
    answers, saved as they go), and when they said it was complete."""

    __tablename__ = "door_sections"
    __table_args__ = (sa.UniqueConstraint("case_id", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    section: Mapped[str] = mapped_column(sa.String(40))
    #: None once anonymised (crm/privacy: every typed text cleared).
    answers: Mapped[dict | None] = mapped_column(sa.JSON, default=dict)
    completed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()


class DoorMessage(db.Model):
    """A message between the applicant (from their page) and the service (an officer's
    reply from the case page): the case's timeline shows both."""

    __tablename__ = "door_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    from_applicant: Mapped[bool]
    body: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()
    author: Mapped[User | None] = relationship()


def move_door_records(duplicate: Case, original: Case) -> None:
    """A duplicate enquiry folded into the earlier case (crm.cases.services.merge_duplicate)
    takes what the applicant did on its page across: their messages, and each section the
    earlier case has not got (the earlier case's own answers stay). Its sign-in links end
    with it. Does not commit."""
    kept = set(
        db.session.scalars(sa.select(DoorSection.section).where(DoorSection.case_id == original.id))
    )
    for row in db.session.scalars(
        sa.select(DoorSection).where(DoorSection.case_id == duplicate.id)
    ):
        if row.section in kept:
            db.session.delete(row)
        else:
            row.case_id = original.id
    db.session.execute(
        sa.update(DoorMessage)
        .where(DoorMessage.case_id == duplicate.id)
        .values(case_id=original.id)
    )
    db.session.execute(sa.delete(DoorLink).where(DoorLink.case_id == duplicate.id))

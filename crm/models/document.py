"""Documents held on a case or a household, and the council's letters (its letterhead
and the wording of each kind of letter)."""

from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain.documents import DocumentKind
from crm.domain.letters import LetterKind
from crm.extensions import db
from crm.models.case import Case
from crm.models.household import Household
from crm.models.types import enum_column
from crm.models.user import User
from crm.timeutil import utcnow


def new_token() -> str:
    """An id nobody can guess (128 bits of randomness, URL-safe)."""
    return secrets.token_urlsafe(16)


class RecordDocument(db.Model):
    """A file held on one case or one household: its kind, date and expiry, the key
    its content is stored under (random, outside the web root: crm/documents/storage.py)
    and the name it was uploaded with, kept only to name the download.

    Pages link to it by `token`, a second random id: neither the link nor the storage
    key says how many documents there are or lets anyone guess another's."""

    __tablename__ = "documents"
    __table_args__ = (
        sa.CheckConstraint("(case_id IS NULL) <> (household_id IS NULL)", name="one_record"),
        sa.Index("ix_documents_expiry", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_token)
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, 30))
    title: Mapped[str] = mapped_column(sa.String(200))
    dated: Mapped[date]
    expires_on: Mapped[date | None]
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case | None] = relationship()
    household: Mapped[Household | None] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    __audit_label__ = "title"
    #: Where the file lies and the link's id: the export lists the document, not the keys.
    __audit_redact__ = frozenset({"storage_key", "token"})


class Letterhead(db.Model):
    """The council's name, address and logo at the head of its letters (one row)."""

    __tablename__ = "letterheads"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.Text)
    logo_key: Mapped[str | None] = mapped_column(sa.String(64))
    logo_type: Mapped[str | None] = mapped_column(sa.String(40))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LetterTemplate(db.Model):
    """The council's wording of one kind of letter, with placeholders ({carer_names}...);
    a kind with no row uses the default wording (crm/domain/letters.py)."""

    __tablename__ = "letter_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LetterKind] = mapped_column(enum_column(LetterKind, 30), unique=True)
    wording: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __audit_label__ = "kind"

"""Forms already sent: the one-time token each create form carries, and what it made."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.timeutil import utcnow


class FormSubmission(db.Model):
    """A create form's one-time token, claimed by the request that acted on it, and the
    page of what it created, where a second send of the same form is taken instead."""

    __tablename__ = "form_submissions"
    __audited__ = False  # bookkeeping; what the form created is audited in its own right

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    result: Mapped[str | None] = mapped_column(sa.String(255))
    #: A digest of who sent what to which page (crm.create_once.fingerprint): the same
    #: details sent again under a new token (Back re-fetched the form) are the same sending.
    fingerprint: Mapped[str | None] = mapped_column(sa.String(64), index=True)

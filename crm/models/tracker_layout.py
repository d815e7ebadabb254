"""A council's tracker layout, remembered: which of its columns is which of Hearth's, and
what its words mean ("Main" is mainstream), so next month's upload of the same
spreadsheet goes straight to its preview."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.timeutil import utcnow


class TrackerLayout(db.Model):
    """One layout of a council's tracker, found again by the fingerprint of its header
    row (crm.imports.tracker_layout.fingerprint): the header words, in order, whatever
    their case and spacing. No personal data: headers and the words of a few columns."""

    __tablename__ = "tracker_layouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The header row as the file spells it, for the page that shows the mapping.
    headers: Mapped[list[str]] = mapped_column(sa.JSON)
    #: Hearth's field for each column, by position ("note": kept as a note; "": left out).
    columns: Mapped[list[str]] = mapped_column(sa.JSON)
    #: For each mapped field, what each of the file's words means: {field: {word: value}}.
    values: Mapped[dict[str, dict[str, str]]] = mapped_column(sa.JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

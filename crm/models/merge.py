"""Where a merged duplicate enquiry went, so its old address still leads somewhere."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db


class MergedCase(db.Model):
    """A duplicate case folded into another: its old id and reference, and the survivor.
    Keyed by the old id itself, so /cases/<old id> finds where to send the reader."""

    __tablename__ = "merged_cases"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    reference: Mapped[str] = mapped_column(sa.String(40))
    into_case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    merged_on: Mapped[date]
    merged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

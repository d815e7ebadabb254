"""The council's demand profile: children looked after each month, as counts by age band,
placement type and need, imported from the children's system (never a child's record)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.domain.sufficiency import AgeBand, Need, PlacementType
from crm.extensions import db
from crm.models.types import enum_column
from crm.timeutil import utcnow


class DemandCount(db.Model):
    """How many children of an age band were in a type of placement at the month's end;
    `need` ALL for every such child, otherwise those of them with that need."""

    __tablename__ = "demand_counts"
    __table_args__ = (
        sa.UniqueConstraint("month", "age_band", "placement_type", "need"),
        sa.CheckConstraint("children >= 0", name="children_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date]  # the first day of the month counted
    age_band: Mapped[AgeBand] = mapped_column(enum_column(AgeBand, 20))
    placement_type: Mapped[PlacementType] = mapped_column(enum_column(PlacementType, 20))
    need: Mapped[Need] = mapped_column(enum_column(Need, 20))
    children: Mapped[int]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    __audit_label__ = "month"

    @property
    def key(self) -> tuple[date, AgeBand, PlacementType, Need]:
        """What the count is of: a file gives each key once."""
        return (self.month, self.age_band, self.placement_type, self.need)

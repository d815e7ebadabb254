"""When a household's places are not available: its breaks, and places withheld for a
while (a placed child's needs, the carers' circumstances). Part of the household
aggregate: kept as dated history so places on any past day can be worked out."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain.household_vocabulary import UnavailableBecause
from crm.extensions import db
from crm.models.household import Household
from crm.models.spans import running_on
from crm.models.types import enum_column


class HouseholdBreak(db.Model):
    """A dated break (carer's holiday, illness, a house move): places not available.

    Kept as history rather than only a status, so that places and utilisation
    on any past date can be worked out.
    """

    __tablename__ = "household_breaks"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    reason: Mapped[str | None] = mapped_column(sa.String(120))

    household: Mapped[Household] = relationship(back_populates="breaks")

    @hybrid_method
    def running_on(self, day: date) -> bool:
        """The break covers `day` (it ended the day the household was available again)."""
        return running_on(self.start_date, self.end_date, day)


class UnavailablePlaces(db.Model):
    """Some of a household's places not available for a while, though it is not on a
    break: a placed child who needs to be the only child, the carers' circumstances."""

    __tablename__ = "unavailable_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    places: Mapped[int]
    because: Mapped[UnavailableBecause] = mapped_column(enum_column(UnavailableBecause, 30))
    note: Mapped[str | None] = mapped_column(sa.String(120))
    start_date: Mapped[date]
    end_date: Mapped[date | None]

    household: Mapped[Household] = relationship(back_populates="unavailable")

    @hybrid_method
    def running_on(self, day: date) -> bool:
        return running_on(self.start_date, self.end_date, day)

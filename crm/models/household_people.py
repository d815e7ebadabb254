"""What belongs to an approved household besides the household itself: its carers and
the others who live there, its terms of approval over time, and the children placed
with it (by reference only). Part of the household aggregate (crm.models.household)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain.household_vocabulary import PlacementEnding
from crm.extensions import db
from crm.models.characteristics import Characteristics
from crm.models.corrections import Correctable
from crm.models.spans import running_on
from crm.models.types import enum_column
from crm.models.user import User

if TYPE_CHECKING:
    from crm.models.household import Household


class Carer(Characteristics, db.Model):
    __tablename__ = "carers"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    full_name: Mapped[str] = mapped_column(sa.String(160))
    birth_date: Mapped[date | None]
    #: The latest enhanced DBS certificate's issue date, and the latest medical.
    dbs_issued_on: Mapped[date | None]
    medical_on: Mapped[date | None]

    household: Mapped[Household] = relationship(back_populates="carers")


class Resident(db.Model):
    """Someone else who lives in the household: a birth child, a lodger, a grandparent."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    full_name: Mapped[str] = mapped_column(sa.String(160))
    relationship_to_carers: Mapped[str | None] = mapped_column(sa.String(60))
    birth_date: Mapped[date | None]
    #: The latest enhanced DBS certificate's issue date (every adult needs one).
    dbs_issued_on: Mapped[date | None]

    household: Mapped[Household] = relationship(back_populates="residents")


class ApprovalTerms(db.Model):
    """Terms of approval from a date: how many children, what ages, what kinds of care."""

    __tablename__ = "approval_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    effective_from: Mapped[date]
    places: Mapped[int]
    min_age: Mapped[int] = mapped_column(default=0)
    max_age: Mapped[int] = mapped_column(default=17)
    categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    household: Mapped[Household] = relationship(back_populates="terms_history")
    recorded_by: Mapped[User | None] = relationship()


class Placement(Correctable, db.Model):
    """A child living with the household. Only a reference: the child's record lives elsewhere."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    child_reference: Mapped[str] = mapped_column(sa.String(40))
    child_age: Mapped[int | None]
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    ending: Mapped[PlacementEnding | None] = mapped_column(enum_column(PlacementEnding, 20))

    #: The child is a third party: a subject access export withholds who they are.
    __export_withhold__ = frozenset({"child_reference"})

    household: Mapped[Household] = relationship(back_populates="placements")

    @hybrid_method
    def running_on(self, day: date) -> bool:
        """The child lives there on `day` (not on the day they left)."""
        return running_on(self.start_date, self.end_date, day)

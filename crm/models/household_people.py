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
from crm.domain.placements import PlacementBasis
from crm.domain.sufficiency import age_on
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
    #: When they joined or left the household, where known: a change in the household
    #: suggests a review of approval (reg 28(2), crm/clocks/registry.py).
    joined_on: Mapped[date | None]
    left_on: Mapped[date | None]

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
    child_age: Mapped[int | None]  # when the placement started
    #: The child's date of birth (or, where not held, `child_age`): which age band of the
    #: sufficiency table the place is filled in on a day (crm.domain.sufficiency.age_on).
    child_birth_date: Mapped[date | None]
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    ending: Mapped[PlacementEnding | None] = mapped_column(enum_column(PlacementEnding, 20))
    # What made the placement lawful (crm/domain/placements.py); None on placements
    # recorded before Hearth kept it.
    #: The kind of care (a CareCategory value), judged against the terms' kinds.
    care_kind: Mapped[str | None] = mapped_column(sa.String(30))
    #: Siblings placed together share this (the family's reference in the children's
    #: system): more than three children are within the usual limit when all siblings.
    sibling_group: Mapped[str | None] = mapped_column(sa.String(40))
    basis: Mapped[PlacementBasis | None] = mapped_column(
        enum_column(PlacementBasis, 30), default=PlacementBasis.WITHIN_TERMS
    )
    #: Why it was outside the terms or the usual limit on its start day, in the rule's words.
    outside_terms: Mapped[str | None] = mapped_column(sa.Text)
    #: An emergency placement outside the terms (reg 23): who agreed, when, its last day.
    emergency_agreed_by: Mapped[str | None] = mapped_column(sa.String(120))
    emergency_agreed_on: Mapped[date | None]
    emergency_until: Mapped[date | None]
    #: The local authority's exemption from the usual limit (Sch. 7 para 4).
    exemption_granted_by: Mapped[str | None] = mapped_column(sa.String(120))
    exemption_granted_on: Mapped[date | None]
    exemption_children: Mapped[str | None] = mapped_column(sa.String(255))

    #: The child is a third party: a subject access export withholds who they are.
    __export_withhold__ = frozenset({"child_reference", "child_birth_date"})
    #: Which family the child belongs to, and the children an exemption names, likewise.
    __export_withhold__ |= {"sibling_group", "exemption_children"}

    household: Mapped[Household] = relationship(back_populates="placements")

    def age_on(self, day: date) -> int | None:
        """The child's age on `day`, from the birth date or else the age at the start."""
        return age_on(day, self.child_birth_date, self.child_age, self.start_date)

    @hybrid_method
    def running_on(self, day: date) -> bool:
        """The child lives there on `day` (not on the day they left)."""
        return running_on(self.start_date, self.end_date, day)

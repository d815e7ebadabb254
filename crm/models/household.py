"""An approved fostering household: its carers, terms of approval and placements."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.case import CarerType, Case
from crm.models.spans import running_on
from crm.models.types import enum_column
from crm.models.user import User

if TYPE_CHECKING:
    from crm.models.review import CarerEvent
from crm.timeutil import utcnow


class HouseholdStatus(enum.StrEnum):
    ACTIVE = "active"
    ON_BREAK = "on_break"  # places not available
    DEREGISTERED = "deregistered"

    @property
    def label(self) -> str:
        return {"active": "Active", "on_break": "On a break", "deregistered": "Deregistered"}[
            self.value
        ]


class CareCategory(enum.StrEnum):
    SHORT_TERM = "short_term"
    LONG_TERM = "long_term"
    RESPITE = "respite"
    EMERGENCY = "emergency"
    PARENT_AND_CHILD = "parent_and_child"
    SIBLING_GROUP = "sibling_group"
    SPECIALIST = "specialist"
    UASC = "uasc"
    SUPPORTED_LODGINGS = "supported_lodgings"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    CareCategory.SHORT_TERM: "Short-term / task-centred",
    CareCategory.LONG_TERM: "Long-term / permanent",
    CareCategory.RESPITE: "Respite / short breaks",
    CareCategory.EMERGENCY: "Emergency",
    CareCategory.PARENT_AND_CHILD: "Parent and child",
    CareCategory.SIBLING_GROUP: "Sibling group",
    CareCategory.SPECIALIST: "Specialist / therapeutic",
    CareCategory.UASC: "Unaccompanied asylum-seeking children",
    CareCategory.SUPPORTED_LODGINGS: "Supported lodgings / staying put",
}


class DeregistrationReason(enum.StrEnum):
    RETIREMENT = "retirement"
    HEALTH_OR_PERSONAL = "health_or_personal"
    CHILD_SGO_ADOPTION_STAYING_PUT = "child_sgo_adoption_staying_put"
    TRANSFER_TO_IFA = "transfer_to_ifa"
    TRANSFER_TO_OTHER_LA = "transfer_to_other_la"
    UNHAPPY_WITH_SUPPORT = "unhappy_with_support"
    ALLEGATION = "allegation"
    FINANCIAL = "financial"
    OTHER = "other"

    @property
    def label(self) -> str:
        return DEREGISTRATION_REASON_LABELS[self]


DEREGISTRATION_REASON_LABELS = {
    DeregistrationReason.RETIREMENT: "Retirement",
    DeregistrationReason.HEALTH_OR_PERSONAL: "Health or personal circumstances",
    DeregistrationReason.CHILD_SGO_ADOPTION_STAYING_PUT: (
        "Child moved to SGO, adoption or staying put"
    ),
    DeregistrationReason.TRANSFER_TO_IFA: "Transfer to an IFA",
    DeregistrationReason.TRANSFER_TO_OTHER_LA: "Transfer to another local authority",
    DeregistrationReason.UNHAPPY_WITH_SUPPORT: "Unhappy with support",
    DeregistrationReason.ALLEGATION: "Allegation",
    DeregistrationReason.FINANCIAL: "Financial",
    DeregistrationReason.OTHER: "Other",
}


class InitiatedBy(enum.StrEnum):
    CARER = "carer"
    SERVICE = "service"


class Household(db.Model):
    """Approved foster carers, from approval until (and after) deregistration."""

    __tablename__ = "households"
    __table_args__ = (sa.Index("ix_households_worker_status", "supervising_worker_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    carer_type: Mapped[CarerType] = mapped_column(
        enum_column(CarerType, 20), default=CarerType.MAINSTREAM
    )
    address: Mapped[str | None] = mapped_column(sa.String(255))
    postcode: Mapped[str | None] = mapped_column(sa.String(10))
    approval_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[HouseholdStatus] = mapped_column(
        enum_column(HouseholdStatus, 20), default=HouseholdStatus.ACTIVE
    )
    supervising_worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    deregistration_date: Mapped[date | None] = mapped_column(index=True)
    deregistration_reason: Mapped[DeregistrationReason | None] = mapped_column(
        enum_column(DeregistrationReason, 40)
    )
    deregistration_initiated_by: Mapped[InitiatedBy | None] = mapped_column(
        enum_column(InitiatedBy, 10)
    )
    exit_interview: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case | None] = relationship()
    supervising_worker: Mapped[User | None] = relationship()
    carers: Mapped[list[Carer]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="Carer.id"
    )
    residents: Mapped[list[Resident]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="Resident.id"
    )
    terms_history: Mapped[list[ApprovalTerms]] = relationship(
        back_populates="household",
        cascade="all, delete-orphan",
        order_by="(ApprovalTerms.effective_from, ApprovalTerms.id)",
    )
    placements: Mapped[list[Placement]] = relationship(
        back_populates="household",
        cascade="all, delete-orphan",
        order_by="Placement.start_date",
    )
    events: Mapped[list[CarerEvent]] = relationship(
        back_populates="household",
        cascade="all, delete-orphan",
        order_by="(CarerEvent.occurred_on, CarerEvent.id)",
    )
    breaks: Mapped[list[HouseholdBreak]] = relationship(
        back_populates="household",
        cascade="all, delete-orphan",
        order_by="HouseholdBreak.start_date",
    )

    __audit_label__ = "reference"

    def __repr__(self) -> str:
        return f"<Household {self.reference}>"

    @property
    def display_name(self) -> str:
        return " and ".join(c.full_name for c in self.carers) or self.reference

    @hybrid_method
    def current_on(self, day: date) -> bool:
        """Approved on or before `day` and not deregistered on or before it: the one
        definition of a household the service has on a day (a SQL clause on the class)."""
        return running_on(self.approval_date, self.deregistration_date, day)

    def deregister(
        self,
        on: date,
        reason: DeregistrationReason,
        initiated_by: InitiatedBy,
        exit_interview: str | None = None,
    ) -> None:
        """End the approval. The record is kept (10 years under regulation 32)."""
        if self.status is HouseholdStatus.DEREGISTERED:
            raise ValueError("This household is already deregistered.")
        if on < self.approval_date:
            raise ValueError("Deregistration cannot be before approval.")
        self.status = HouseholdStatus.DEREGISTERED
        self.deregistration_date = on
        self.deregistration_reason = reason
        self.deregistration_initiated_by = initiated_by
        self.exit_interview = exit_interview

    def terms_on(self, on: date) -> ApprovalTerms | None:
        """The terms of approval in force on a date (changes are dated, not overwrites)."""
        current = None
        for terms in self.terms_history:
            if terms.effective_from <= on:
                current = terms
        return current


class Carer(db.Model):
    __tablename__ = "carers"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    full_name: Mapped[str] = mapped_column(sa.String(160))
    birth_date: Mapped[date | None]

    household: Mapped[Household] = relationship(back_populates="carers")


class Resident(db.Model):
    """Someone else who lives in the household: a birth child, a lodger, a grandparent."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    full_name: Mapped[str] = mapped_column(sa.String(160))
    relationship_to_carers: Mapped[str | None] = mapped_column(sa.String(60))
    birth_date: Mapped[date | None]

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


class PlacementEnding(enum.StrEnum):
    PLANNED = "planned"
    DISRUPTION = "disruption"


class Placement(db.Model):
    """A child living with the household. Only a reference: the child's record lives elsewhere."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    child_reference: Mapped[str] = mapped_column(sa.String(40))
    child_age: Mapped[int | None]
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    ending: Mapped[PlacementEnding | None] = mapped_column(enum_column(PlacementEnding, 20))

    household: Mapped[Household] = relationship(back_populates="placements")

    @hybrid_method
    def running_on(self, day: date) -> bool:
        """The child lives there on `day` (not on the day they left)."""
        return running_on(self.start_date, self.end_date, day)


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

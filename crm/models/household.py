"""An approved fostering household: its carers, terms of approval and placements."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain import households as rules
from crm.domain import placements as placement_rules
from crm.domain.case_vocabulary import CarerType
from crm.domain.household_vocabulary import (
    CarerEventKind,
    DeregistrationReason,
    HouseholdStatus,
    InitiatedBy,
    PlacementEnding,
    UnavailableBecause,
)
from crm.domain.matching import ChildSex
from crm.domain.sufficiency import age_at_start
from crm.extensions import db
from crm.models.case import Case
from crm.models.characteristics import Characteristics
from crm.models.household_people import ApprovalTerms, Carer, Placement, Resident
from crm.models.spans import in_force_on, running_on
from crm.models.types import enum_column
from crm.models.user import Role, User

if TYPE_CHECKING:
    from crm.models.availability import HouseholdBreak, UnavailablePlaces
    from crm.models.carer_event import CarerEvent
    from crm.models.referral import Referral
from crm.timeutil import today, utcnow


class Household(db.Model):
    """Approved foster carers, from approval until (and after) deregistration."""

    __tablename__ = "households"
    __table_args__ = (
        sa.Index("ix_households_worker_status", "supervising_worker_id", "status"),
        # A worker's caseload in reference order, read from the index in that order:
        # where most households had no worker, SQLite judged the worker's index
        # unselective and read all 45,000 households in reference order instead (8 ms).
        sa.Index("ix_households_worker_reference", "supervising_worker_id", "reference"),
        # "Current on a day" (approved by it, not deregistered by it) answered from the
        # index alone, with who supervises: the dashboard counts it on every view.
        sa.Index(
            "ix_households_current",
            "deregistration_date",
            "approval_date",
            "supervising_worker_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    carer_type: Mapped[CarerType] = mapped_column(
        enum_column(CarerType, 20), default=CarerType.MAINSTREAM
    )
    address: Mapped[str | None] = mapped_column(sa.String(255))
    postcode: Mapped[str | None] = mapped_column(sa.String(10))
    #: Bedrooms the household has for fostered children (NMS 10.6: each child over
    #: three their own, unless sharing is agreed); matching weighs it.
    bedrooms: Mapped[int | None]
    approval_date: Mapped[date] = mapped_column(index=True)
    #: A connected person approved temporarily for a named child first (reg 24): the
    #: child may have been placed from this date, before the full approval.
    temporary_approval_date: Mapped[date | None]
    temporary_approval_child: Mapped[str | None] = mapped_column(sa.String(80))
    #: The day the named child moved in under the temporary approval: the household's
    #: supervision and TSD duties run from it, not from the full approval (reg 24; NMS 20).
    temporary_placed_on: Mapped[date | None]
    status: Mapped[HouseholdStatus] = mapped_column(
        enum_column(HouseholdStatus, 20), default=HouseholdStatus.ACTIVE
    )
    supervising_worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    deregistration_date: Mapped[date | None] = mapped_column(index=True)
    #: What the carers prefer, beside their terms of approval: matching weighs these.
    prefers: Mapped[ChildSex | None] = mapped_column(enum_column(ChildSex, 10))
    siblings_up_to: Mapped[int | None]
    deregistration_reason: Mapped[DeregistrationReason | None] = mapped_column(
        enum_column(DeregistrationReason, 40)
    )
    deregistration_initiated_by: Mapped[InitiatedBy | None] = mapped_column(
        enum_column(InitiatedBy, 10)
    )
    exit_interview: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the terms of approval were last recorded (so a stale terms form is refused).
    terms_recorded_at: Mapped[datetime | None]
    # Optimistic locking, as on a case: every UPDATE checks and bumps it.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

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
    referrals: Mapped[list[Referral]] = relationship(
        back_populates="household",
        cascade="all, delete-orphan",
        order_by="(Referral.offered_on, Referral.id)",
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
    unavailable: Mapped[list[UnavailablePlaces]] = relationship(
        back_populates="household",
        cascade="all, delete-orphan",
        order_by="UnavailablePlaces.start_date",
    )

    __audit_label__ = "reference"
    #: The child named in a temporary approval is a third party: a subject access export
    #: withholds who they are, as it does the children placed.
    __export_withhold__ = frozenset({"temporary_approval_child"})

    def __repr__(self) -> str:
        return f"<Household {self.reference}>"

    @property
    def display_name(self) -> str:
        return " and ".join(c.full_name for c in self.carers) or self.reference

    @staticmethod
    def approved_from(case: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The household an approved case becomes, as columns and carers: it keeps the
        case's reference (so later imports and reports know it as the same family), and
        its applicants become its carers. `case` is a Case or anything shaped like one
        (the tracker import's new rows), so approving on screen and importing share it."""
        temporary = getattr(case, "temporary_approval", None)
        columns = {
            "reference": case.reference,
            "carer_type": case.carer_type,
            "address": case.address,
            "postcode": case.postcode,
            "approval_date": case.approval_date,
            "temporary_approval_date": temporary.approved_on if temporary else None,
            "temporary_approval_child": temporary.child_reference if temporary else None,
            "temporary_placed_on": temporary.placed_on if temporary else None,
            # What the applicants said they prefer carries over (terms are the panel's).
            "prefers": getattr(case, "intended_prefers", None),
            "siblings_up_to": getattr(case, "intended_siblings_up_to", None),
        }
        applicants = [m for m in case.members if m.is_applicant]
        carers = [
            {
                "full_name": m.full_name,
                "birth_date": m.birth_date,
                **{name: getattr(m, name, None) for name in Characteristics.CHARACTERISTICS},
            }
            for m in applicants
        ]
        return columns, carers or [{"full_name": case.display_name, "birth_date": None}]

    @classmethod
    def for_approved_case(cls, case: Case, supervising_worker: User | None = None) -> Household:
        """The household an approved case becomes (`approved_from`), added to the
        session; does not commit."""
        columns, carers = cls.approved_from(case)
        household = cls(**columns, case=case, supervising_worker=supervising_worker)
        household.carers = [Carer(**carer) for carer in carers]
        temporary = case.temporary_approval
        if temporary is not None and temporary.placed_on is not None:
            # The child placed under the temporary approval stays: one placement throughout.
            household.placements = [
                Placement(
                    child_reference=temporary.child_reference,
                    start_date=temporary.placed_on,
                    basis=placement_rules.PlacementBasis.TEMPORARY_APPROVAL,
                )
            ]
            household.events = carried_from_temporary_approval(case)
        db.session.add(household)
        return household

    @property
    def is_deregistered(self) -> bool:
        return self.deregistration_date is not None

    @property
    def on_break(self) -> bool:
        return self.status is HouseholdStatus.ON_BREAK

    @hybrid_method
    def current_on(self, day: date) -> bool:
        """Approved on or before `day` and not deregistered on or before it: the one
        definition of a household the service has on a day (a SQL clause on the class)."""
        return running_on(self.approval_date, self.deregistration_date, day)

    def may_be_edited_by(self, user: User) -> bool:
        return rules.may_edit(self, user.id, user.has_role(Role.MANAGER))

    def refresh_status(self, as_of: date | None = None) -> None:
        """The status column caches the dated facts as they stand today."""
        self.status = rules.status_on(self, as_of or today())

    def log_record(
        self,
        kind: CarerEventKind,
        on: date,
        by: User | None,
        value: Decimal | None = None,
        outcome: str | None = None,
        note: str | None = None,
        as_of: date | None = None,
    ) -> CarerEvent:
        """A visit, review, training, allegation, support or survey. Does not commit."""
        from crm.models.carer_event import CarerEvent

        rules.check_record(kind, on, value, self, as_of or today())
        record = CarerEvent(
            kind=kind, occurred_on=on, recorded_by=by, value=value, outcome=outcome, note=note
        )
        self.events.append(record)
        return record

    def start_placement(
        self,
        child_reference: str,
        on: date,
        child_age: int | None = None,
        as_of: date | None = None,
        child_birth_date: date | None = None,
        *,
        care_kind: str | None = None,
        sibling_group: str | None = None,
        emergency: placement_rules.Emergency | None = None,
        exemption: placement_rules.Exemption | None = None,
    ) -> Placement:
        """A child comes to live here: within the terms of approval in force and the
        usual fostering limit, or on a recorded footing that allows it (an emergency
        under reg 23, an exemption under Sch. 7); refused otherwise. The child's age is
        judged from the birth date where it is held. Does not commit."""
        as_of = as_of or today()
        rules.check_placement_start(self, child_reference, on, as_of)
        child_age = age_at_start(on, child_birth_date, child_age)
        fit = placement_rules.Fit()  # before full approval: the named child (reg 24)
        if on >= self.approval_date:
            fit = placement_rules.judge_fit(self, on, child_age, care_kind, sibling_group)
        basis, emergency, exemption = placement_rules.basis_for(
            fit, child_reference, on, as_of, emergency, exemption
        )
        placement = Placement(
            child_reference=child_reference,
            start_date=on,
            child_age=child_age,
            child_birth_date=child_birth_date,
            care_kind=care_kind or None,
            sibling_group=sibling_group or None,
            basis=basis,
            outside_terms=None if fit.within else fit.described(),
        )
        if emergency is not None:
            placement.emergency_agreed_by = emergency.agreed_by
            placement.emergency_agreed_on = emergency.agreed_on
            placement.emergency_until = emergency.until
        if exemption is not None:
            placement.exemption_granted_by = exemption.granted_by
            placement.exemption_granted_on = exemption.granted_on
            placement.exemption_children = exemption.children
        self.placements.append(placement)
        return placement

    def end_placement(
        self,
        child_reference: str,
        on: date,
        ending: PlacementEnding,
        as_of: date | None = None,
    ) -> Placement:
        placement = rules.open_placement(self, child_reference)
        rules.check_placement_end(self, placement, on, as_of or today())
        placement.end_date, placement.ending = on, ending
        return placement

    def change_terms(
        self,
        decided_on: date,
        effective_from: date,
        places: int,
        min_age: int,
        max_age: int,
        categories: list[str],
        by: User | None,
        carer_agreed: bool = False,
        as_of: date | None = None,
    ) -> ApprovalTerms:
        """New terms of approval from a date: history, never an overwrite."""
        rules.check_terms_change(
            self, decided_on, effective_from, min_age, max_age, carer_agreed, as_of or today()
        )
        terms = ApprovalTerms(
            effective_from=effective_from,
            places=places,
            min_age=min_age,
            max_age=max_age,
            categories=categories,
            recorded_by_id=by.id if by else None,
        )
        self.terms_history.append(terms)
        self.terms_recorded_at = utcnow()
        return terms

    def start_break(
        self, on: date, reason: str | None, end: date | None = None, as_of: date | None = None
    ) -> HouseholdBreak:
        """Places not available from `on` (until `end`, when the break is already over)."""
        from crm.models.availability import HouseholdBreak

        as_of = as_of or today()
        rules.check_break_start(self, on, as_of)
        pause = HouseholdBreak(start_date=on, reason=reason)
        self.breaks.append(pause)
        if end is not None:
            self.end_break(end, as_of)
        self.refresh_status(as_of)
        return pause

    def end_break(self, on: date, as_of: date | None = None) -> HouseholdBreak:
        as_of = as_of or today()
        pause = rules.check_break_end(self, on, as_of)
        pause.end_date = on
        self.refresh_status(as_of)
        return pause

    def mark_places_unavailable(
        self,
        places: int,
        because: UnavailableBecause,
        on: date,
        until: date | None = None,
        note: str | None = None,
        as_of: date | None = None,
    ) -> UnavailablePlaces:
        """Some places not available from `on` (to `until`) though the household is not
        on a break, so vacancies are not overstated. Does not commit."""
        from crm.models.availability import UnavailablePlaces

        rules.check_places_unavailable(self, places, on, until, as_of or today())
        record = UnavailablePlaces(
            places=places, because=because, start_date=on, end_date=until, note=note
        )
        self.unavailable.append(record)
        return record

    def deregister(
        self,
        on: date,
        reason: DeregistrationReason | None,
        initiated_by: InitiatedBy | None,
        exit_interview: str | None = None,
        as_of: date | None = None,
    ) -> None:
        """End the approval. The record is kept (10 years under regulation 32)."""
        as_of = as_of or today()
        rules.check_deregistration(self, on, as_of)
        for pause in self.breaks:
            if pause.end_date is None:
                pause.end_date = on
        self.deregistration_date = on
        self.deregistration_reason = reason
        self.deregistration_initiated_by = initiated_by
        self.exit_interview = exit_interview
        self.refresh_status(as_of)

    def terms_on(self, on: date) -> ApprovalTerms | None:
        """The terms of approval in force on a date (changes are dated, not overwrites)."""
        return in_force_on(self.terms_history, on)


#: A temporarily approved carer's logged duties that become the household's records.
CARRIED_DUTIES = {
    "supervision_visit": CarerEventKind.SUPERVISION_VISIT,
    "unannounced_visit": CarerEventKind.UNANNOUNCED_VISIT,
    "tsd_completed": CarerEventKind.TSD_COMPLETED,
}


def carried_from_temporary_approval(case: Case) -> list[CarerEvent]:
    """The visits and TSD logged on the case while the child lived with the temporarily
    approved carer, as the household's records: its duties (crm.domain.supervision) then
    go on from the last visit, not from full approval, as its placement goes on from the
    day the child moved in."""
    from crm.models.carer_event import CarerEvent

    placed = case.temporary_approval.placed_on
    return [
        CarerEvent(
            kind=CARRIED_DUTIES[a.kind.value],
            occurred_on=a.occurred_on,
            recorded_by_id=a.user_id,
            note=a.note,
        )
        for a in sorted(case.activities, key=lambda a: (a.occurred_on, a.id or 0))
        if a.kind.value in CARRIED_DUTIES and not a.is_voided and a.occurred_on >= placed
    ]

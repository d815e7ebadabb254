"""A prospective fostering household's journey from enquiry to approval or exit."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain.case_vocabulary import (
    ActivityKind,
    CarerType,
    CaseRoute,
    CheckKind,
    EnquiryChannel,
)
from crm.domain.contact import folded, is_first_contact, phone_key
from crm.domain.matching import ChildSex
from crm.domain.names import name_sounds
from crm.domain.panel import Recommendation
from crm.domain.stages import (
    EXITS,
    MILESTONES,
    STAGE_AFTER_MILESTONE,
    CaseState,
    EventKind,
    Stage,
    Step,
    TransitionRefused,
    apply_step,
    check_step,
    state_at,
)
from crm.extensions import db
from crm.models.characteristics import Characteristics
from crm.models.corrections import Correctable
from crm.models.types import enum_column
from crm.models.user import User
from crm.timeutil import today, utcnow

if TYPE_CHECKING:
    from crm.models.kinship import KinshipReferral, TemporaryApproval, ViabilityAssessment


class Case(db.Model):
    """One prospective household, from first enquiry until it is approved or leaves.

    The milestone-date and stage columns cache the fold of `events` so that
    lists and metrics are plain queries; only `record_step` writes them.
    """

    __tablename__ = "cases"
    __table_args__ = (
        # enquiry_date too: "new enquiries nobody has taken, oldest first" reads it in order.
        sa.Index("ix_cases_stage_owner", "stage", "owner_id", "enquiry_date"),
        sa.Index("ix_cases_enquiry_date", "enquiry_date"),
        sa.Index("ix_cases_application_date", "application_date"),
        sa.Index("ix_cases_approval_date", "approval_date"),
        # Someone's own cases (owned or assessed: an OR of the two, one index each), and
        # the pipeline's count of open cases by stage and hold without reading the rows.
        sa.Index("ix_cases_owner", "owner_id"),
        sa.Index("ix_cases_assessing_worker", "assessing_worker_id"),
        sa.Index("ix_cases_stage_on_hold", "stage", "on_hold"),
        # A stage's cases newest first, a page at a time, without sorting the stage.
        sa.Index("ix_cases_stage_enquiry_date", "stage", "enquiry_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)
    carer_type: Mapped[CarerType] = mapped_column(
        enum_column(CarerType, 20), default=CarerType.MAINSTREAM
    )
    first_name: Mapped[str] = mapped_column(sa.String(80))
    last_name: Mapped[str] = mapped_column(sa.String(80))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    # The phone number reduced to digits in national form, for matching duplicates.
    phone_key: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    # "first last" without accents, apostrophes or hyphens, kept in step with the names
    # (see _fold_name below), so search finds "Siobhán O'Brien" by "siobhan obrien".
    search_name: Mapped[str | None] = mapped_column(sa.String(170), index=True)
    # The name's Double Metaphone codes (crm.domain.names), kept in step with the names
    # like search_name, so search finds "Jacqueline Brown" by "Jaqueline Brown" from an
    # index (crm/models/search.py: SQLite's full-text, PostgreSQL's GIN).
    name_sounds: Mapped[str | None] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.String(255))
    postcode: Mapped[str | None] = mapped_column(sa.String(10))
    source: Mapped[str] = mapped_column(sa.String(40))
    #: How the enquiry reached the service (None: not recorded), apart from `source`,
    #: how they heard about fostering.
    channel: Mapped[EnquiryChannel | None] = mapped_column(enum_column(EnquiryChannel, 20))
    campaign: Mapped[str | None] = mapped_column(sa.String(120))
    #: An enquiry, or a connected person's referral by the child's social worker (cached
    #: from the case's first step): referrals are not counted as recruitment enquiries.
    route: Mapped[CaseRoute] = mapped_column(
        enum_column(CaseRoute, 20), default=CaseRoute.ENQUIRY, server_default="enquiry"
    )
    message: Mapped[str | None] = mapped_column(sa.Text)

    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    assessing_worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    # Cached fold of the events (see crm.domain.stages).
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, 30), default=Stage.ENQUIRY)
    on_hold: Mapped[bool] = mapped_column(default=False)
    held_since: Mapped[date | None]
    resumed_on: Mapped[date | None]
    enquiry_date: Mapped[date]
    first_contact_date: Mapped[date | None]
    initial_visit_date: Mapped[date | None]
    application_date: Mapped[date | None]
    stage2_start_date: Mapped[date | None]
    panel_date: Mapped[date | None]
    approval_date: Mapped[date | None]
    outcome_date: Mapped[date | None]
    outcome_reason: Mapped[str | None] = mapped_column(sa.String(40))
    last_activity_date: Mapped[date | None]

    # Stage 2 and panel details (the milestones themselves are events).
    preparation_training_on: Mapped[date | None]  # e.g. Skills to Foster attended
    form_f_completed_on: Mapped[date | None]
    panel_booked_for: Mapped[date | None]
    panel_recommendation: Mapped[str | None] = mapped_column(sa.String(20))
    # What the applicants hope to offer (kinds of care, ages): the pipeline by offer.
    intended_categories: Mapped[list[str]] = mapped_column(
        sa.JSON, default=list, server_default="[]"
    )
    intended_min_age: Mapped[int | None]
    intended_max_age: Mapped[int | None]
    intended_places: Mapped[int | None]
    intended_siblings_up_to: Mapped[int | None]
    intended_prefers: Mapped[ChildSex | None] = mapped_column(enum_column(ChildSex, 10))

    # Set when a new enquiry's email or phone matches a recent case.
    possible_duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    # The same people's earlier, closed case, when they come back to apply again.
    previous_case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic locking: every UPDATE checks and bumps it, so two saves racing on
    # one case cannot both win, and a form can tell it was opened on an older case.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    possible_duplicate_of: Mapped[Case | None] = relationship(
        remote_side=[id], foreign_keys=[possible_duplicate_of_id]
    )
    previous_case: Mapped[Case | None] = relationship(
        remote_side=[id], foreign_keys=[previous_case_id]
    )
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    assessing_worker: Mapped[User | None] = relationship(foreign_keys=[assessing_worker_id])
    events: Mapped[list[StageEvent]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="(StageEvent.occurred_on, StageEvent.id)",
    )
    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="HouseholdMember.id"
    )
    checks: Mapped[list[Check]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="(Check.kind, Check.id)"
    )
    activities: Mapped[list[Activity]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="(Activity.occurred_on.desc(), Activity.id.desc())",
    )
    temporary_approval: Mapped[TemporaryApproval | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", uselist=False
    )
    referral: Mapped[KinshipReferral | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", uselist=False
    )
    viability_assessments: Mapped[list[ViabilityAssessment]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="(ViabilityAssessment.assessed_on, ViabilityAssessment.id)",
    )

    __audit_label__ = "reference"
    # derived from the names, audited there
    __audit_ignore__ = frozenset({"search_name", "name_sounds"})

    def __repr__(self) -> str:
        return f"<Case {self.reference} {self.stage}>"

    @staticmethod
    def phone_key_for(phone: str | None) -> str | None:
        """07700 900123, +44 (0)7700 900123 and 07700900123 all match (E.164)."""
        return phone_key(phone)

    def set_contact(self, email: str | None, phone: str | None) -> None:
        self.email = email.strip().lower() if email else None
        self.phone = phone.strip() if phone else None
        self.phone_key = self.phone_key_for(phone)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_open(self) -> bool:
        return not self.stage.is_closed

    @classmethod
    def application_open_on(cls, day: date) -> sa.ColumnElement[bool]:
        """Applied on or before `day`, with no decision or withdrawal by then: Ofsted's
        "applications in progress", and the sufficiency page's pipeline. (Written as "none
        or later": NOT (NULL <= day) is NULL in SQL, which no row satisfies.)"""
        return sa.and_(
            cls.application_date <= day,
            sa.or_(cls.approval_date.is_(None), cls.approval_date > day),
            sa.or_(cls.outcome_date.is_(None), cls.outcome_date > day),
        )

    @classmethod
    def came_as_enquiry(cls) -> sa.ColumnElement[bool]:
        """A case that came as an enquiry: a connected person referred by the child's
        social worker (Care Planning Regulations 2010, reg 24) is not a recruitment
        enquiry, so the enquiry counts, conversion from them, response times and the
        lists those figures open leave it out."""
        return cls.route == CaseRoute.ENQUIRY

    @property
    def came_by_referral(self) -> bool:
        """Referred by the child's social worker (reg 24), not an enquiry: the case page
        says who referred instead of how soon first contact was made."""
        return self.route is CaseRoute.REFERRAL

    @property
    def stage_label(self) -> str:
        """The stage in words: a referral not yet taken further is "referred", not a
        "new enquiry" (it never was one: domain.md, "Connected persons")."""
        if self.stage is Stage.ENQUIRY and self.came_by_referral:
            return "Referred (connected person)"
        return self.stage.label

    @property
    def is_bare_enquiry(self) -> bool:
        """Nothing done yet beyond the enquiry: the only kind of case a merge folds away."""
        return self.stage is Stage.ENQUIRY

    @property
    def is_kinship(self) -> bool:
        return self.carer_type is CarerType.KINSHIP

    @property
    def viability_assessment(self) -> Activity | None:
        """A kinship case's latest viability assessment, logged as an activity."""
        return next((a for a in self.activities if a.kind is ActivityKind.VIABILITY), None)

    @property
    def panel_recommendation_label(self) -> str:
        """The panel's latest recommendation in words (crm.domain.panel.Recommendation;
        a code from before, as it came)."""
        code = self.panel_recommendation or ""
        known = {r.value: r.label for r in Recommendation}
        return known.get(code, code)

    def steps(self) -> list[Step]:
        """The steps that count (a step voided in this transaction is still in `events`
        until it is read again; crm/models/corrections.py)."""
        return [Step(e.kind, e.occurred_on, e.reason) for e in self.events if not e.is_voided]

    def state(self, as_of: date | None = None) -> CaseState:
        """The case as it stood on `as_of` (default: now), from its events."""
        return state_at(self.steps(), as_of)

    def record_step(
        self,
        kind: EventKind,
        on: date,
        by: User | None,
        note: str | None = None,
        reason: str | None = None,
        as_of: date | None = None,
    ) -> StageEvent:
        """Check a step against the rules, add its event and refresh the cache.

        Raises TransitionRefused with the reason when the rules say no. Does not
        commit: the caller owns the transaction.
        """
        step = Step(kind, on, reason)
        state = self.state()
        check_step(state, step, as_of or today())
        event = StageEvent(kind=kind, occurred_on=on, recorded_by=by, note=note, reason=reason)
        self.events.append(event)
        self._cache(apply_step(state, step))
        return event

    def _cache(self, state: CaseState) -> None:
        for name, value in cached_columns(state, self.enquiry_date).items():
            setattr(self, name, value)
        self.touch(state.last_event_on)

    def log_activity(
        self,
        kind: ActivityKind,
        on: date,
        by: User | None,
        note: str | None = None,
        due_on: date | None = None,
    ) -> Activity:
        """Record a call, email, visit, note or follow-up task against the case. A call,
        email or meeting with an enquirer nobody has contacted yet is their first contact
        (crm.domain.contact.is_first_contact), recorded as that step when the rules allow."""
        activity = Activity(kind=kind, occurred_on=on, user=by, note=note, due_on=due_on)
        self.activities.append(activity)
        self.touch(on)
        if is_first_contact(kind, self.first_contact_date is not None) and (
            self.stage is Stage.ENQUIRY
        ):
            # Dated before the enquiry, or on hold: the step is left for a person.
            with contextlib.suppress(TransitionRefused):
                self.record_step(EventKind.FIRST_CONTACT, on, by, note=f"{kind.label} logged")
        return activity

    def touch(self, on: date | None) -> None:
        """Note activity on a date; the stalled rule counts any activity."""
        if on and (self.last_activity_date is None or on > self.last_activity_date):
            self.last_activity_date = on


def _milestone_column(kind: EventKind) -> sa.orm.InstrumentedAttribute:
    name = f"{kind.value}_date"
    if not hasattr(Case, name):
        raise AttributeError(
            f"{kind!r} is a milestone (crm.domain.stages), so Case needs a column "
            f"`{name}: Mapped[date | None]` and a migration adding it"
        )
    return getattr(Case, name)


#: The one place a milestone's date lives on the case row: `<milestone>_date`.
#: Metrics, lists, the tracker's columns and the stage clocks all derive from it.
MILESTONE_DATE: dict[EventKind, sa.orm.InstrumentedAttribute] = {
    kind: _milestone_column(kind) for kind in MILESTONES
}

_MILESTONE_KEYS = [(kind, column.key) for kind, column in MILESTONE_DATE.items()]

#: The date column recording when a case entered each open stage, in pipeline order.
STAGE_ENTERED_ON: dict[Stage, sa.orm.InstrumentedAttribute] = {
    STAGE_AFTER_MILESTONE[kind]: column
    for kind, column in MILESTONE_DATE.items()
    if not STAGE_AFTER_MILESTONE[kind].is_closed
}


def step_date(kind: EventKind) -> tuple[sa.orm.InstrumentedAttribute, Stage | None]:
    """The column a step is dated by, and the stage a case must be in for that date to
    be this step's: a milestone has its own column; an exit shares `outcome_date`."""
    if kind in MILESTONE_DATE:
        return MILESTONE_DATE[kind], None
    if kind in EXITS:
        return Case.outcome_date, EXITS[kind]
    raise ValueError(f"{kind.label} has no date column of its own")


def cached_columns(state: CaseState, enquiry_date: date | None = None) -> dict[str, object]:
    """The columns a case row caches from the fold of its events: the one fold that
    `Case.record_step` and the bulk importer both write (last_activity_date apart,
    which also counts logged activity)."""
    milestones = state.milestones
    columns: dict[str, object] = {key: milestones.get(kind) for kind, key in _MILESTONE_KEYS}
    columns["enquiry_date"] = state.milestones.get(EventKind.ENQUIRY, enquiry_date)
    columns.update(
        stage=state.stage or Stage.ENQUIRY,
        on_hold=state.on_hold,
        held_since=state.held_since,
        resumed_on=state.resumed_on,
        outcome_date=state.outcome_date,
        outcome_reason=state.outcome_reason,
        route=CaseRoute.REFERRAL if state.referral else CaseRoute.ENQUIRY,
    )
    return columns


class StageEvent(Correctable, db.Model):
    """A dated step in a case, with who entered it and when (steps may be back-dated)."""

    __tablename__ = "stage_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, 30))
    occurred_on: Mapped[date]
    reason: Mapped[str | None] = mapped_column(sa.String(40))
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="events")
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class HouseholdMember(Characteristics, db.Model):
    """An applicant or another adult in a prospective household (each needs a DBS)."""

    __tablename__ = "household_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    full_name: Mapped[str] = mapped_column(sa.String(160))
    relationship_to_applicant: Mapped[str | None] = mapped_column(sa.String(60))
    is_applicant: Mapped[bool] = mapped_column(default=False)
    birth_date: Mapped[date | None]

    case: Mapped[Case] = relationship(back_populates="members")


class Activity(Correctable, db.Model):
    """Contact with the household, a note, or a follow-up task with a due date."""

    __tablename__ = "activities"
    __table_args__ = (sa.Index("ix_activities_due", "user_id", "due_on", "done_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[ActivityKind] = mapped_column(enum_column(ActivityKind, 20))
    occurred_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(sa.Text)
    due_on: Mapped[date | None]
    done_on: Mapped[date | None]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="activities")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def is_task(self) -> bool:
        return self.kind is ActivityKind.TASK


class Check(db.Model):
    """One Stage 1 check: a DBS for an adult, a medical, a reference..."""

    __tablename__ = "checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[CheckKind] = mapped_column(enum_column(CheckKind, 30))
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household_members.id"))
    subject: Mapped[str | None] = mapped_column(sa.String(160))  # a referee's name, say
    requested_on: Mapped[date | None]
    received_on: Mapped[date | None]
    issued_on: Mapped[date | None]  # e.g. the DBS certificate's issue date
    concern: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(sa.Text)

    case: Mapped[Case] = relationship(back_populates="checks")
    member: Mapped[HouseholdMember | None] = relationship()

    @property
    def status(self) -> str:
        if self.received_on:
            return "Received, concern noted" if self.concern else "Received"
        return "Requested" if self.requested_on else "Not requested"


def search_name_for(first_name: str | None, last_name: str | None) -> str:
    return folded(f"{first_name or ''} {last_name or ''}")[:170]


@sa.event.listens_for(Case.first_name, "set")
def _fold_first_name(case: Case, value: str | None, _old, _initiator) -> None:
    case.search_name = search_name_for(value, case.last_name)
    case.name_sounds = name_sounds(value, case.last_name)


@sa.event.listens_for(Case.last_name, "set")
def _fold_last_name(case: Case, value: str | None, _old, _initiator) -> None:
    case.search_name = search_name_for(case.first_name, value)
    case.name_sounds = name_sounds(case.first_name, value)

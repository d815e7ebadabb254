"""A connected person's referral by the child's social worker, viability assessment and
temporary approval for a named child (Care Planning Regulations 2010, reg 24), with its
one extension (reg 25). Part of the case aggregate: the full assessment runs alongside
on the same case; the rules are in crm.domain.kinship."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain import kinship as rules
from crm.extensions import db
from crm.models.case import Case
from crm.models.household import Household
from crm.models.types import enum_column
from crm.models.user import Role, User
from crm.timeutil import utcnow


class TemporaryApproval(db.Model):
    __tablename__ = "temporary_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    #: The named child (or children), by reference only: their record lives elsewhere.
    child_reference: Mapped[str] = mapped_column(sa.String(80))
    approved_on: Mapped[date]
    #: Reg 24(1)'s findings the approval rests on (crm.domain.kinship): the most
    #: appropriate placement is with the connected person; placing before the full
    #: assessment is necessary. Not recorded on approvals made before they were asked.
    most_appropriate_found: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    necessary_now_found: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: When the child moved in, while the temporary approval ran (none: not yet).
    placed_on: Mapped[date | None]
    extended_until: Mapped[date | None]
    extended_on: Mapped[date | None]
    nominated_officer: Mapped[str | None] = mapped_column(sa.String(120))
    #: Before the extension (reg 25(4)): when the fostering panel's views were sought and
    #: the child's IRO informed.
    panel_views_sought_on: Mapped[date | None]
    iro_informed_on: Mapped[date | None]
    #: The connected person's application to the IRM about a qualifying determination,
    #: and the day its outcome was known and the service decided: the approval continues
    #: between the two (reg 25(1)(b) and (3)).
    irm_applied_on: Mapped[date | None]
    irm_outcome_on: Mapped[date | None]
    #: The nominated officer's decision to extend for the IRM (reg 25(5)), and what
    #: reg 25(4) asked before it: the panel's views sought and the IRO informed.
    irm_extended_on: Mapped[date | None]
    irm_officer: Mapped[str | None] = mapped_column(sa.String(120))
    irm_panel_views_sought_on: Mapped[date | None]
    irm_iro_informed_on: Mapped[date | None]
    #: After a lapse without a decision (reg 25(6)): what happened to the placement, and
    #: the day it ended or went on under another legal basis.
    lapse_outcome: Mapped[rules.AfterLapse | None] = mapped_column(
        enum_column(rules.AfterLapse, 30)
    )
    lapse_outcome_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    #: The child is a third party: a subject access export withholds who they are.
    __export_withhold__ = frozenset({"child_reference"})

    case: Mapped[Case] = relationship(back_populates="temporary_approval")
    recorded_by: Mapped[User | None] = relationship()

    @property
    def expires_on(self) -> date | None:
        """The day it lapses (None: an IRM review is pending, reg 25(3))."""
        return rules.expires_on(self)

    @property
    def days_without_approval(self) -> int:
        return rules.days_without_approval(self)

    @property
    def first_expiry(self) -> date:
        return rules.first_expiry(self.approved_on)

    @property
    def latest_extension(self) -> date:
        return rules.latest_extension(self.approved_on)

    def child_visible_to(self, user: User) -> bool:
        """Whether `user` may read the named child's reference (domain.kinship)."""
        supervising = db.session.scalar(
            sa.select(Household.supervising_worker_id).where(Household.case_id == self.case_id)
        )
        return rules.may_see_named_child(
            user.id, user.has_role(Role.MANAGER), self.case.assessing_worker_id, supervising
        )

    def extend(
        self,
        until: date,
        officer: str,
        decided_on: date,
        as_of: date,
        *,
        panel_views_sought_on: date | None = None,
        iro_informed_on: date | None = None,
    ) -> None:
        """The one extension, by a nominated officer, after the panel's views were sought
        and the IRO informed (reg 25(4)). Does not commit."""
        rules.check_extension(
            self, until, officer, decided_on, as_of, panel_views_sought_on, iro_informed_on
        )
        self.extended_until, self.extended_on = until, decided_on
        self.nominated_officer = officer.strip()
        self.panel_views_sought_on, self.iro_informed_on = panel_views_sought_on, iro_informed_on

    def apply_to_irm(self, irm: rules.IrmExtension, as_of: date) -> None:
        """The connected person applied to the IRM and a nominated officer extended the
        approval until its outcome (reg 25(1)(b), (3)-(5)). Does not commit."""
        rules.check_irm_application(self, irm, as_of)
        self.irm_applied_on, self.irm_extended_on = irm.applied_on, irm.decided_on
        self.irm_officer = irm.officer.strip()
        self.irm_panel_views_sought_on = irm.panel_views_sought_on
        self.irm_iro_informed_on = irm.iro_informed_on

    def irm_decided(self, on: date, as_of: date) -> None:
        """The IRM's outcome is known and the service decided: the approval runs to `on`."""
        rules.check_irm_outcome(self, on, as_of)
        self.irm_outcome_on = on

    def record_lapse(self, happened: rules.AfterLapse, on: date, as_of: date) -> None:
        """What happened to the placement after a lapse without a decision (reg 25(6))."""
        rules.check_lapse(self, happened, on, as_of)
        self.lapse_outcome, self.lapse_outcome_on = happened, on

    def place_child(self, on: date, as_of: date) -> None:
        """The named child moves in under the temporary approval. Does not commit."""
        rules.check_placed(self, on, as_of)
        self.placed_on = on


class KinshipReferral(db.Model):
    """A connected person referred by the child's social worker: the case's first step
    (crm.domain.stages, EventKind.REFERRAL), not a recruitment enquiry. (Not
    crm.models.referral, which is matching's offer of a child to a carer.)"""

    __tablename__ = "kinship_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    referred_on: Mapped[date]
    #: The child's social worker who referred, and how to reach them.
    social_worker: Mapped[str] = mapped_column(sa.String(120))
    social_worker_contact: Mapped[str | None] = mapped_column(sa.String(254))
    #: The child, by reference only: their record lives in the children's system.
    child_reference: Mapped[str] = mapped_column(sa.String(80))
    #: How the connected person is related to or connected with the child ("grandmother").
    connection: Mapped[str] = mapped_column(sa.String(80))
    urgency: Mapped[rules.ReferralUrgency] = mapped_column(enum_column(rules.ReferralUrgency, 20))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    #: The child is a third party: a subject access export withholds who they are.
    __export_withhold__ = frozenset({"child_reference"})

    case: Mapped[Case] = relationship(back_populates="referral")
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class ViabilityAssessment(db.Model):
    """The first assessment of a referred connected person, with its outcome, date and
    worker, and the route it leads to (crm.domain.kinship.check_viability)."""

    __tablename__ = "viability_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    assessed_on: Mapped[date]
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    outcome: Mapped[rules.ViabilityOutcome] = mapped_column(enum_column(rules.ViabilityOutcome, 20))
    #: Where a positive assessment leads (None: negative or withdrawn, nowhere).
    leads_to: Mapped[rules.ViabilityRoute | None] = mapped_column(
        enum_column(rules.ViabilityRoute, 30)
    )
    #: The proposed accommodation seen, and when (reg 24(2)(a)(i)).
    accommodation_seen_on: Mapped[date | None]
    #: Whether the arrangements were judged to safeguard and promote the child's welfare
    #: and meet the needs in their care plan (reg 24(2)(b)).
    welfare_considered: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="viability_assessments")
    worker: Mapped[User | None] = relationship(foreign_keys=[worker_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

"""The fostering panel (Fostering Services (England) Regulations 2011, regs 23-25; NMS
14): the central list of members, the sittings with who attended, the agenda's items
with the panel's recommendation, and the agency decision on each. The rules are in
crm.domain.panel; an application's recommendation and decision are the case's PANEL and
APPROVAL/REJECTED steps, recorded through the stage rules (crm.panels.services)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain import panel as rules
from crm.domain.panel import Decision, PanelItemKind, PanelRole, Recommendation
from crm.extensions import db
from crm.models.case import Case
from crm.models.household import Household
from crm.models.types import enum_column
from crm.models.user import User
from crm.timeutil import utcnow

panel_attendance = sa.Table(
    "panel_attendance",
    db.metadata,
    sa.Column("sitting_id", sa.ForeignKey("panel_sittings.id"), primary_key=True),
    sa.Column("member_id", sa.ForeignKey("panel_members.id"), primary_key=True),
)


class PanelMember(db.Model):
    """A person on the central list (reg 23(1)). Not a Hearth user: they do not sign in."""

    __tablename__ = "panel_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[PanelRole] = mapped_column(enum_column(PanelRole, 20))
    joined_on: Mapped[date]
    left_on: Mapped[date | None]
    last_appraised_on: Mapped[date | None]

    def on_list(self, day: date) -> bool:
        return rules.on_list(self.joined_on, self.left_on, day)

    def appraisal_due_on(self) -> date:
        return rules.appraisal_due_on(self.joined_on, self.last_appraised_on)

    def appraisal_overdue(self, day: date) -> bool:
        return rules.appraisal_overdue(self.joined_on, self.left_on, self.last_appraised_on, day)


class PanelSitting(db.Model):
    """A meeting of the panel: its date, who attended, and when the final minutes
    reached the decision maker (NMS 14.9's clock starts then)."""

    __tablename__ = "panel_sittings"

    id: Mapped[int] = mapped_column(primary_key=True)
    sits_on: Mapped[date] = mapped_column(index=True)
    minutes_received_on: Mapped[date | None]

    attended: Mapped[list[PanelMember]] = relationship(
        secondary=panel_attendance, order_by="PanelMember.name"
    )
    items: Mapped[list[PanelItem]] = relationship(
        back_populates="sitting", cascade="all, delete-orphan", order_by="PanelItem.id"
    )

    @property
    def quorum(self) -> rules.Quorum:
        """Reg 24(1), judged on who attended (crm.domain.panel.quorum)."""
        return rules.quorum(member.role for member in self.attended)


class PanelItem(db.Model):
    """One item on a sitting's agenda, about a case (an application) or a household (a
    review, termination or exemption), with the panel's recommendation and the agency
    decision on it."""

    __tablename__ = "panel_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(sa.ForeignKey("panel_sittings.id"), index=True)
    kind: Mapped[PanelItemKind] = mapped_column(enum_column(PanelItemKind, 20))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"), index=True)
    # The panel's recommendation (reg 25) and its reasons.
    recommendation: Mapped[Recommendation | None] = mapped_column(enum_column(Recommendation, 20))
    reasons: Mapped[str | None] = mapped_column(sa.Text)
    #: A deferral: what the panel asked for before it will recommend.
    asked_for: Mapped[str | None] = mapped_column(sa.Text)
    #: The terms the panel recommended (reg 25(1)(b)), in the words of the terms of
    #: approval: places, ages and kinds of care.
    places: Mapped[int | None]
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    #: The chair's feedback on the quality of the assessment report (NMS 14).
    quality_feedback: Mapped[str | None] = mapped_column(sa.Text)
    # The agency decision (NMS 14.9).
    decision: Mapped[Decision | None] = mapped_column(enum_column(Decision, 20))
    decided_on: Mapped[date | None]
    decision_maker: Mapped[str | None] = mapped_column(sa.String(120))
    #: Why the decision departs from the recommendation (required then).
    reason_against: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    sitting: Mapped[PanelSitting] = relationship(back_populates="items")
    case: Mapped[Case | None] = relationship()
    household: Mapped[Household | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def subject(self) -> Case | Household | None:
        return self.case or self.household

    @property
    def decision_due_on(self) -> date | None:
        """NMS 14.9's last day, from the sitting's final minutes (None: not received)."""
        minutes = self.sitting.minutes_received_on
        return rules.decision_due_on(minutes) if minutes else None

    @property
    def decision_on_time(self) -> bool | None:
        if self.decided_on is None:
            return None
        return rules.decision_on_time(self.sitting.minutes_received_on, self.decided_on)

    @property
    def deferred(self) -> bool:
        return self.recommendation is Recommendation.DEFER

    @property
    def awaits_decision(self) -> bool:
        """Recommended (not deferred) and not yet decided."""
        return self.recommendation is not None and not self.deferred and self.decision is None

    @property
    def against_recommendation(self) -> bool:
        return self.decision is not None and self.decision != self.recommendation


def latest_minutes_of(case_id_column: sa.ColumnElement[int]) -> sa.ScalarSelect:
    """The date the final minutes of a case's latest recommendation on its application
    (not a deferral) were received: NMS 14.9's clock starts there. A correlated scalar
    for metrics and clocks (None: no such recommendation, or its minutes' date not
    recorded)."""
    applications = [k for k in PanelItemKind if k.is_application]
    return (
        sa.select(PanelSitting.minutes_received_on)
        .join(PanelItem, PanelItem.sitting_id == PanelSitting.id)
        .where(
            PanelItem.case_id == case_id_column,
            PanelItem.kind.in_(applications),
            PanelItem.recommendation.in_([Recommendation.APPROVE, Recommendation.NOT_APPROVE]),
        )
        .order_by(PanelSitting.sits_on.desc(), PanelItem.id.desc())
        .limit(1)
        .scalar_subquery()
    )

"""Qualifying determinations (a proposed refusal, termination or change of terms) from
the notice to the final decision, and reviews of approval (reg 28). The rules are in
crm/domain/determinations.py; these methods record through them and never commit."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain import determinations as rules
from crm.domain.determinations import (
    DeterminationKind,
    FinalOutcome,
    Recommendation,
    Response,
    ReviewOutcome,
)
from crm.domain.household_vocabulary import (
    CarerEventKind,
    DeregistrationReason,
    InitiatedBy,
)
from crm.domain.stages import EventKind
from crm.extensions import db
from crm.models.carer_event import CarerEvent
from crm.models.case import Case
from crm.models.household import Household
from crm.models.types import enum_column
from crm.models.user import User
from crm.timeutil import today, utcnow


class ApprovalReview(db.Model):
    """A review of a household's approval (reg 28): what it gathered and concluded.

    Recording one also records the annual review event every reader of the household's
    history already counts (the supervision duty, the retention model, the exports), as
    a complaint does; this row holds what the event cannot: the panel date of a first
    review (reg 28(5)), the carers' own report and the views of the children placed and
    of their social workers (reg 28(3)), each received or not, on a date, with a note."""

    __tablename__ = "approval_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("carer_events.id"), unique=True)
    reviewed_on: Mapped[date]
    outcome: Mapped[ReviewOutcome] = mapped_column(enum_column(ReviewOutcome, 20))
    first_review: Mapped[bool] = mapped_column(default=False)
    presented_to_panel_on: Mapped[date | None]
    carers_report_on: Mapped[date | None]
    children_views_on: Mapped[date | None]
    social_workers_views_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    household: Mapped[Household] = relationship()
    event: Mapped[CarerEvent] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @classmethod
    def record(
        cls,
        household: Household,
        reviewed_on: date,
        outcome: ReviewOutcome,
        by: User | None,
        *,
        presented_to_panel_on: date | None = None,
        carers_report_on: date | None = None,
        children_views_on: date | None = None,
        social_workers_views_on: date | None = None,
        note: str | None = None,
        as_of: date | None = None,
    ) -> ApprovalReview:
        """The review, with its annual review event. Does not commit."""
        as_of = as_of or today()
        first = not any(e.kind is CarerEventKind.ANNUAL_REVIEW for e in household.events)
        rules.check_review(first, reviewed_on, presented_to_panel_on, as_of)
        event = household.log_record(
            CarerEventKind.ANNUAL_REVIEW,
            reviewed_on,
            by,
            outcome=outcome.value,
            note=note,
            as_of=as_of,
        )
        review = cls(
            household=household,
            event=event,
            reviewed_on=reviewed_on,
            outcome=outcome,
            first_review=first,
            presented_to_panel_on=presented_to_panel_on,
            carers_report_on=carers_report_on,
            children_views_on=children_views_on,
            social_workers_views_on=social_workers_views_on,
            note=note,
            recorded_by=by,
        )
        db.session.add(review)
        return review


class Determination(db.Model):
    """A qualifying determination: the notice with reasons, what the applicant or carers
    chose in the 28 days, the panel's or IRM panel's recommendation, the final decision.

    On a case (a proposed refusal, reg 27) or a household (a proposed termination or
    change of terms, reg 28, usually after a review)."""

    __tablename__ = "determinations"
    __table_args__ = (
        sa.CheckConstraint("(case_id IS NULL) <> (household_id IS NULL)", name="one_record"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DeterminationKind] = mapped_column(enum_column(DeterminationKind, 20))
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(sa.ForeignKey("approval_reviews.id"))
    #: The date of the written notice with reasons: the 28 days run from it.
    notified_on: Mapped[date]
    reasons: Mapped[str] = mapped_column(sa.Text)
    #: A termination: why, as deregistration counts it; a change: the terms proposed.
    deregistration_reason: Mapped[DeregistrationReason | None] = mapped_column(
        enum_column(DeregistrationReason, 40)
    )
    places: Mapped[int | None]
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    categories: Mapped[list[str] | None] = mapped_column(sa.JSON)
    response: Mapped[Response | None] = mapped_column(enum_column(Response, 20))
    response_received_on: Mapped[date | None]
    #: reg 29(2): the reports and the notice sent to the IRM (within ten working days).
    irm_papers_sent_on: Mapped[date | None]
    #: The fostering panel's reconsideration (reg 27(8), 28(10)) or the IRM panel's.
    recommended_on: Mapped[date | None]
    recommendation: Mapped[Recommendation | None] = mapped_column(enum_column(Recommendation, 20))
    decided_on: Mapped[date | None]
    outcome: Mapped[FinalOutcome | None] = mapped_column(enum_column(FinalOutcome, 20))
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case | None] = relationship(back_populates="determinations")
    household: Mapped[Household | None] = relationship()
    review: Mapped[ApprovalReview | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def last_day_to_respond(self) -> date:
        return rules.last_day_to_respond(self.notified_on)

    def step_on(self, day: date) -> rules.Step:
        return rules.step_on(self, day)

    @property
    def whose(self) -> str:
        return "the applicant" if self.case_id is not None else "the carers"

    def receive_response(self, response: Response, received_on: date, as_of: date | None = None):
        """Representations or an IRM application, within the 28 days. Does not commit."""
        rules.check_response(self, response, received_on, as_of or today())
        self.response, self.response_received_on = response, received_on

    def send_irm_papers(self, on: date, as_of: date | None = None) -> None:
        """The papers sent to the IRM (reg 29(2)). Does not commit."""
        rules.check_irm_papers(self, on, as_of or today())
        self.irm_papers_sent_on = on

    def recommend(self, recommendation: Recommendation, on: date, as_of: date | None = None):
        """The fostering panel's reconsideration or the IRM panel's recommendation."""
        rules.check_recommendation(self, on, as_of or today())
        self.recommendation, self.recommended_on = recommendation, on

    def decide(
        self,
        outcome: FinalOutcome,
        on: date,
        by: User | None,
        note: str | None = None,
        as_of: date | None = None,
    ) -> None:
        """The final decision. As proposed, it takes effect through the record's own
        rules: a refusal is the case's REJECTED step (crm/domain/stages.py); a
        termination deregisters the household on that date, at the service's
        instigation; a change of terms records the new terms. Does not commit."""
        as_of = as_of or today()
        rules.check_decision(self, on, as_of)
        if outcome is FinalOutcome.AS_PROPOSED:
            self._take_effect(on, by, as_of)
        self.outcome, self.decided_on, self.decision_note = outcome, on, note

    def _take_effect(self, on: date, by: User | None, as_of: date) -> None:
        if self.kind is DeterminationKind.REFUSAL:
            self.case.record_step(
                EventKind.REJECTED,
                on,
                by,
                note="Qualifying determination confirmed (reg 27)",
                as_of=as_of,
            )
        elif self.kind is DeterminationKind.TERMINATION:
            self.household.deregister(
                on, self.deregistration_reason, InitiatedBy.SERVICE, as_of=as_of
            )
        else:
            self.household.change_terms(
                self.notified_on,
                rules.terms_effective_from(self.notified_on, on),
                self.places,
                self.min_age,
                self.max_age,
                list(self.categories or []),
                by,
                as_of=as_of,
            )


# A case's determinations are its own: erasing the case erases them. A household's are
# read-only lists for its page (a household is never erased; the rows are written through
# Determination and ApprovalReview, never through these).
Case.determinations = relationship(
    Determination,
    back_populates="case",
    cascade="all, delete-orphan",
    order_by=(Determination.notified_on, Determination.id),
)
Household.determinations = relationship(
    Determination, viewonly=True, order_by=(Determination.notified_on, Determination.id)
)
Household.approval_reviews = relationship(
    ApprovalReview, viewonly=True, order_by=(ApprovalReview.reviewed_on, ApprovalReview.id)
)


def _may_propose_refusal(case: Case) -> bool:
    """After panel, with no proposed refusal still open: the case page offers one."""
    return EventKind.REJECTED in case.state().allowed_next() and not any(
        d.decided_on is None for d in case.determinations
    )


Case.may_propose_refusal = property(_may_propose_refusal)


def _refusal_proposed_on(case: Case) -> date | None:
    """The day the service first wrote to propose not approving the applicant (reg 27(4)):
    what a kinship case's extension for the IRM follows (crm.domain.kinship)."""
    return min(
        (d.notified_on for d in case.determinations if d.kind is DeterminationKind.REFUSAL),
        default=None,
    )


Case.refusal_proposed_on = property(_refusal_proposed_on)

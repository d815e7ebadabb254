"""Cases of carers transferring in from another fostering service, and a Stage 1
decision that an applicant is not suitable: two facts about an application that only
some cases have, each its own small record."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from crm.domain import stage1, transfers
from crm.domain.settings import Settings
from crm.domain.stages import EventKind
from crm.extensions import db
from crm.models.case import Case
from crm.models.user import User
from crm.timeutil import today, utcnow


class TransferIn(db.Model):
    """A case of approved carers transferring in from another fostering service (the
    Transfer of Foster Carers Protocol England, 2014): who approved them before, that
    service's reference for them, and the day their records arrived. Their assessment
    is the shorter one (`transfer_assessment_days`); once approved they are counted as
    transfers in, apart from new approvals."""

    __tablename__ = "transfers_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    previous_service: Mapped[str] = mapped_column(sa.String(160))
    #: The carers' reference number at the previous service.
    previous_reference: Mapped[str | None] = mapped_column(sa.String(60))
    #: The written reference from the previous service (reg 26(1A)(b)).
    reference_received_on: Mapped[date | None]
    #: The carers' records from the previous service (reg 32: passed on request).
    records_received_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    #: The case owns it (erasure and anonymisation reach it through the case).
    case: Mapped[Case] = relationship(
        backref=backref("transfer_in", uselist=False, cascade="all, delete-orphan")
    )
    recorded_by: Mapped[User | None] = relationship()

    @classmethod
    def of(cls, case: Case) -> TransferIn | None:
        return db.session.scalar(sa.select(cls).where(cls.case_id == case.id))

    def panel_due_on(self, settings: Settings) -> date | None:
        return transfers.panel_due_on(self.case.application_date, settings)

    def check(self, as_of: date | None = None) -> None:
        transfers.check_transfer(self, as_of or today())


class Stage1Decision(db.Model):
    """The decision at the end of Stage 1 that an applicant is not suitable, and the day
    they were told in writing. Not a qualifying determination (no representations, no
    IRM: crm/domain/stage1.py). Recording it closes the case
    as withdrawn by the service, on the decision's day."""

    __tablename__ = "stage1_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    decided_on: Mapped[date]
    notified_on: Mapped[date | None]
    reasons: Mapped[str] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(
        backref=backref("stage1_decision", uselist=False, cascade="all, delete-orphan")
    )
    recorded_by: Mapped[User | None] = relationship()

    @classmethod
    def of(cls, case: Case) -> Stage1Decision | None:
        return db.session.scalar(sa.select(cls).where(cls.case_id == case.id))

    @classmethod
    def decide(
        cls,
        case: Case,
        decided_on: date,
        notified_on: date | None,
        reason: str,
        reasons: str,
        by: User | None,
        as_of: date | None = None,
    ) -> Stage1Decision:
        """Not suitable at Stage 1: the decision, and the case withdrawn by the service
        on its day with `reason` (one of the service's withdrawal reasons; the stage rules
        judge that step), `reasons` in the service's words. Does not commit."""
        as_of = as_of or today()
        stage1.check_decision(case.state(), decided_on, notified_on, cls.of(case), as_of)
        case.record_step(
            EventKind.WITHDRAWN_BY_SERVICE,
            decided_on,
            by,
            note="Not suitable at Stage 1",
            reason=reason,
            as_of=as_of,
        )
        decision = cls(
            case=case,
            decided_on=decided_on,
            notified_on=notified_on,
            reasons=reasons,
            recorded_by=by,
        )
        db.session.add(decision)
        return decision

    def notify(self, on: date, as_of: date | None = None) -> None:
        """The applicant told in writing. Does not commit."""
        stage1.check_notified(self.decided_on, self.notified_on, on, as_of or today())
        self.notified_on = on

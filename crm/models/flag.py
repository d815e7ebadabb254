"""What needs chasing (flags raised by the nightly job) and the messages sent to staff."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain.labelled import LabelledEnum
from crm.extensions import db
from crm.models.case import Case
from crm.models.household import Household
from crm.models.types import enum_column
from crm.models.user import User
from crm.timeutil import utcnow


class FlagKind(LabelledEnum):
    STALLED = "stalled", "Assessment stalled"
    FIRST_CONTACT_OVERDUE = "first_contact_overdue"
    SUPERVISION_VISIT_OVERDUE = "supervision_visit_overdue"
    UNANNOUNCED_VISIT_OVERDUE = "unannounced_visit_overdue"
    ANNUAL_REVIEW_OVERDUE = "annual_review_overdue"
    FIRST_REVIEW_OVERDUE = "first_review_overdue", "First review (to panel) overdue"
    DBS_RENEWAL_OVERDUE = "dbs_renewal_overdue", "DBS check to renew"
    MEDICAL_RENEWAL_OVERDUE = "medical_renewal_overdue", "Medical to renew"
    TSD_OVERDUE = "tsd_overdue", "TSD standards overdue"
    RETENTION_REVIEW = "retention_review", "Past statutory retention: review the record"
    COMPLAINT_RESPONSE_OVERDUE = "complaint_response_overdue", "Complaint not answered in time"
    PANEL_TIMESCALE = "panel_timescale", "Near or past 8 months to panel (NMS 14.4)"
    DECISION_OVERDUE = "decision_overdue", "Agency decision overdue after the panel minutes"
    TEMPORARY_APPROVAL_EXPIRING = "temporary_approval_expiring", "Temporary approval expiring"
    TEMPORARY_APPROVAL_EXPIRED = "temporary_approval_expired", "Temporary approval expired"
    TEMPORARY_APPROVAL_EXTENDED = "temporary_approval_extended", "Temporary approval extended"
    EMERGENCY_PLACEMENT_ENDS = "emergency_placement_ends", "Emergency placement ends (reg 23)"
    TEMPORARY_APPROVAL_IRM = "temporary_approval_irm_pending", "Temporary approval: IRM pending"
    KINSHIP_TIMESCALE = "kinship_timescale", "Kinship assessment past the service's timescale"
    TEMPORARY_CARER_DUTY = "temporary_carer_duty_overdue", "Temporarily approved carer owed a duty"
    CASE_DOCUMENT_EXPIRING = "case_document_expiring", "Document expiring: renew it"
    HOUSEHOLD_DOCUMENT_EXPIRING = "household_document_expiring", "Document expiring: renew it"
    STAGE1_DECISION_OVERDUE = "stage1_decision_overdue", "Stage 1 decision overdue"
    TRANSFER_ASSESSMENT_LATE = "transfer_assessment_late", "Transfer assessment past its target"
    # Qualifying determinations (regs 27-29) and reviews whenever needed (reg 28(2))
    REFUSAL_MAY_DECIDE = "refusal_may_decide", "Proposed refusal: 28 days passed, decide"
    REFUSAL_TO_PANEL = "refusal_to_panel", "Representations on a refusal: refer to panel"
    REFUSAL_IRM_PAPERS = "refusal_irm_papers", "IRM applied for: send the papers (reg 29)"
    REFUSAL_DECISION_DUE = "refusal_decision_due", "Refusal reconsidered: final decision due"
    DETERMINATION_MAY_DECIDE = "determination_may_decide", "Proposal: 28 days passed, decide"
    DETERMINATION_TO_PANEL = "determination_to_panel", "Representations: refer to panel"
    DETERMINATION_IRM_PAPERS = "determination_irm_papers", "IRM applied for: send the papers"
    DETERMINATION_DECISION_DUE = "determination_decision_due", "Reconsidered: final decision due"
    REVIEW_SUGGESTED = "review_suggested", "Review of approval suggested"


class Flag(db.Model):
    """Something that needs chasing, raised by a job and cleared when its cause goes."""

    __tablename__ = "flags"
    __table_args__ = (sa.Index("ix_flags_open", "kind", "case_id", "cleared_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FlagKind] = mapped_column(enum_column(FlagKind, 30))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Why, in the rule's words; as long as the rule needs (a household's DBS checks
    #: name every adult), never cut short.
    reason: Mapped[str] = mapped_column(sa.Text)
    raised_on: Mapped[date]
    cleared_on: Mapped[date | None]

    case: Mapped[Case | None] = relationship()
    household: Mapped[Household | None] = relationship()
    owner: Mapped[User | None] = relationship()


class Notification(db.Model):
    """A message to a member of staff: shown in the app, and emailed when SMTP is
    configured (otherwise it waits in the outbox an administrator can see).

    A message about a case or a household names the people in it, so it points at that
    record by a foreign key: the subject access export includes it, and erasure and
    anonymisation find it (and its audit entries) by the same walk of the schema."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]
    email_error: Mapped[str | None] = mapped_column(sa.String(255))
    #: Failed tries to email it (jobs/notifications.py); after EMAIL_ATTEMPTS it is
    #: emailed no more, and stays in Hearth and the outbox with its last error.
    email_attempts: Mapped[int] = mapped_column(default=0, server_default="0")

    EMAIL_ATTEMPTS = 5

    user: Mapped[User] = relationship()
    case: Mapped[Case | None] = relationship()
    household: Mapped[Household | None] = relationship()

    @property
    def email_given_up(self) -> bool:
        return self.emailed_at is None and self.email_attempts >= self.EMAIL_ATTEMPTS

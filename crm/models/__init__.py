"""Every model, re-exported (with the domain words their columns hold); one module per
aggregate."""

import sqlalchemy as sa

from crm.domain.case_vocabulary import (
    ActivityKind,
    CarerType,
    CaseRoute,
    CheckKind,
    EnquiryChannel,
)
from crm.domain.household_vocabulary import (
    CareCategory,
    CarerEventKind,
    DeregistrationReason,
    HouseholdStatus,
    InitiatedBy,
    PlacementEnding,
    UnavailableBecause,
)
from crm.extensions import db
from crm.models import search as _search  # noqa: F401  (the SQLite search index's DDL)
from crm.models.audit import AuditAction, AuditEvent
from crm.models.availability import HouseholdBreak, UnavailablePlaces
from crm.models.booking import Booking
from crm.models.carer_event import CarerEvent
from crm.models.case import (
    Activity,
    Case,
    Check,
    HouseholdMember,
    StageEvent,
)
from crm.models.determination import ApprovalReview, Determination
from crm.models.document import Letterhead, LetterTemplate, RecordDocument
from crm.models.door import DoorLink, DoorMessage, DoorSection  # noqa: E402  (after Case)
from crm.models.flag import Flag, FlagKind, Notification
from crm.models.geography import PostcodeDistrict
from crm.models.household import (
    ApprovalTerms,
    Carer,
    Household,
    Placement,
    Resident,
)
from crm.models.job import JobRun, MetricsSnapshot, RunStatus, SchedulerHeartbeat
from crm.models.kinship import KinshipReferral, TemporaryApproval, ViabilityAssessment
from crm.models.merge import MergedCase
from crm.models.ofsted_return import SubmittedReturn
from crm.models.outreach import (
    MessageOptOut,
    MessageTemplate,
    OutreachMessage,
    OutreachSettings,
)
from crm.models.panel import PanelItem, PanelMember, PanelSitting
from crm.models.planning import ApprovalTarget, Campaign, EnquirySource, SufficiencyTarget
from crm.models.referral import Referral
from crm.models.resignation import ResignationNotice
from crm.models.risk import RiskModel, RiskScore
from crm.models.setting import Setting
from crm.models.special_guardianship import OrderAssessment
from crm.models.submission import FormSubmission
from crm.models.sufficiency import DemandCount
from crm.models.tracker_layout import TrackerLayout
from crm.models.transfer import Stage1Decision, TransferIn
from crm.models.user import Invitation, RecoveryCode, Role, SignInThrottle, User, UserRole

__all__ = [
    "Activity",
    "ActivityKind",
    "ApprovalTarget",
    "ApprovalTerms",
    "AuditAction",
    "AuditEvent",
    "Booking",
    "CareCategory",
    "Campaign",
    "EnquirySource",
    "Carer",
    "CarerEvent",
    "CarerEventKind",
    "CarerType",
    "CaseRoute",
    "EnquiryChannel",
    "Case",
    "Check",
    "CheckKind",
    "DemandCount",
    "DeregistrationReason",
    "Flag",
    "FormSubmission",
    "FlagKind",
    "Household",
    "HouseholdBreak",
    "HouseholdMember",
    "HouseholdStatus",
    "InitiatedBy",
    "JobRun",
    "MergedCase",
    "MetricsSnapshot",
    "Notification",
    "Placement",
    "PostcodeDistrict",
    "PlacementEnding",
    "Referral",
    "TrackerLayout",
    "Resident",
    "RiskModel",
    "RiskScore",
    "Role",
    "SufficiencyTarget",
    "SchedulerHeartbeat",
    "RunStatus",
    "Setting",
    "Invitation",
    "RecoveryCode",
    "SignInThrottle",
    "TemporaryApproval",
    "KinshipReferral",
    "ViabilityAssessment",
    "UnavailableBecause",
    "UnavailablePlaces",
    "StageEvent",
    "SubmittedReturn",
    "User",
    "UserRole",
    "Letterhead",
    "LetterTemplate",
    "RecordDocument",
    "ResignationNotice",
    "Stage1Decision",
    "TransferIn",
    "ApprovalReview",
    "Determination",
    "PanelItem",
    "PanelMember",
    "PanelSitting",
    "MessageOptOut",
    "MessageTemplate",
    "OutreachMessage",
    "OutreachSettings",
    "DoorLink",
    "DoorMessage",
    "DoorSection",
    "OrderAssessment",
]


def _never_reuse_ids() -> None:
    """SQLite gives a new row the highest id + 1, so deleting the newest row (an erased
    case) would hand its id, and the audit trail behind it, to the next one. AUTOINCREMENT
    makes it never go back, as PostgreSQL's sequences never do."""
    for table in db.metadata.tables.values():
        key = list(table.primary_key.columns)
        if len(key) == 1 and isinstance(key[0].type, sa.Integer):
            table.dialect_options["sqlite"]["autoincrement"] = True


_never_reuse_ids()

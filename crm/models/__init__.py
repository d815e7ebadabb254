"""Every model, re-exported (with the domain words their columns hold); one module per
aggregate."""

from crm.domain.case_terms import ActivityKind, CarerType, CheckKind
from crm.domain.household_terms import (
    CareCategory,
    CarerEventKind,
    DeregistrationReason,
    HouseholdStatus,
    InitiatedBy,
    PlacementEnding,
    UnavailableBecause,
)
from crm.models.audit import AuditAction, AuditEvent
from crm.models.availability import HouseholdBreak, UnavailablePlaces
from crm.models.carer_event import CarerEvent
from crm.models.case import (
    Activity,
    Case,
    Check,
    HouseholdMember,
    StageEvent,
)
from crm.models.flag import Flag, FlagKind, Notification
from crm.models.household import (
    ApprovalTerms,
    Carer,
    Household,
    Placement,
    Resident,
)
from crm.models.job import JobRun, MetricsSnapshot, RunStatus
from crm.models.kinship import TemporaryApproval
from crm.models.planning import ApprovalTarget, Campaign, EnquirySource
from crm.models.risk import RiskModel, RiskScore
from crm.models.setting import Setting
from crm.models.user import RecoveryCode, Role, SignInThrottle, User, UserRole

__all__ = [
    "Activity",
    "ActivityKind",
    "ApprovalTarget",
    "ApprovalTerms",
    "AuditAction",
    "AuditEvent",
    "CareCategory",
    "Campaign",
    "EnquirySource",
    "Carer",
    "CarerEvent",
    "CarerEventKind",
    "CarerType",
    "Case",
    "Check",
    "CheckKind",
    "DeregistrationReason",
    "Flag",
    "FlagKind",
    "Household",
    "HouseholdBreak",
    "HouseholdMember",
    "HouseholdStatus",
    "InitiatedBy",
    "JobRun",
    "MetricsSnapshot",
    "Notification",
    "Placement",
    "PlacementEnding",
    "Resident",
    "RiskModel",
    "RiskScore",
    "Role",
    "RunStatus",
    "Setting",
    "RecoveryCode",
    "SignInThrottle",
    "TemporaryApproval",
    "UnavailableBecause",
    "UnavailablePlaces",
    "StageEvent",
    "User",
    "UserRole",
]

"""Every model, re-exported; one module per aggregate."""

from crm.models.audit import AuditAction, AuditEvent
from crm.models.case import (
    Activity,
    ActivityKind,
    CarerType,
    Case,
    Check,
    CheckKind,
    HouseholdMember,
    StageEvent,
)
from crm.models.household import (
    ApprovalTerms,
    CareCategory,
    Carer,
    DeregistrationReason,
    Household,
    HouseholdBreak,
    HouseholdStatus,
    InitiatedBy,
    Placement,
    PlacementEnding,
    Resident,
)
from crm.models.job import Flag, FlagKind, JobRun, MetricsSnapshot, Notification, RunStatus
from crm.models.planning import ApprovalTarget, Campaign
from crm.models.review import CarerEvent, CarerEventKind
from crm.models.risk import RiskModel, RiskScore
from crm.models.setting import Setting
from crm.models.user import Role, User, UserRole

__all__ = [
    "Activity",
    "ActivityKind",
    "ApprovalTarget",
    "ApprovalTerms",
    "AuditAction",
    "AuditEvent",
    "CareCategory",
    "Campaign",
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
    "StageEvent",
    "User",
    "UserRole",
]

"""The words an approved household's records are kept in: statuses, kinds of care,
reasons for leaving, kinds of record. Every one has a `.label` for the screens."""

from __future__ import annotations

import enum


class HouseholdStatus(enum.StrEnum):
    ACTIVE = "active"
    ON_BREAK = "on_break"  # places not available
    DEREGISTERED = "deregistered"

    @property
    def label(self) -> str:
        return {"active": "Active", "on_break": "On a break", "deregistered": "Deregistered"}[
            self.value
        ]


class CareCategory(enum.StrEnum):
    SHORT_TERM = "short_term"
    LONG_TERM = "long_term"
    RESPITE = "respite"
    EMERGENCY = "emergency"
    PARENT_AND_CHILD = "parent_and_child"
    SIBLING_GROUP = "sibling_group"
    SPECIALIST = "specialist"
    UASC = "uasc"
    SUPPORTED_LODGINGS = "supported_lodgings"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    CareCategory.SHORT_TERM: "Short-term / task-centred",
    CareCategory.LONG_TERM: "Long-term / permanent",
    CareCategory.RESPITE: "Respite / short breaks",
    CareCategory.EMERGENCY: "Emergency",
    CareCategory.PARENT_AND_CHILD: "Parent and child",
    CareCategory.SIBLING_GROUP: "Sibling group",
    CareCategory.SPECIALIST: "Specialist / therapeutic",
    CareCategory.UASC: "Unaccompanied asylum-seeking children",
    CareCategory.SUPPORTED_LODGINGS: "Supported lodgings / staying put",
}


class DeregistrationReason(enum.StrEnum):
    RETIREMENT = "retirement"
    HEALTH_OR_PERSONAL = "health_or_personal"
    CHILD_SGO_ADOPTION_STAYING_PUT = "child_sgo_adoption_staying_put"
    TRANSFER_TO_IFA = "transfer_to_ifa"
    TRANSFER_TO_OTHER_LA = "transfer_to_other_la"
    UNHAPPY_WITH_SUPPORT = "unhappy_with_support"
    ALLEGATION = "allegation"
    FINANCIAL = "financial"
    OTHER = "other"

    @property
    def label(self) -> str:
        return DEREGISTRATION_REASON_LABELS[self]


DEREGISTRATION_REASON_LABELS = {
    DeregistrationReason.RETIREMENT: "Retirement",
    DeregistrationReason.HEALTH_OR_PERSONAL: "Health or personal circumstances",
    DeregistrationReason.CHILD_SGO_ADOPTION_STAYING_PUT: (
        "Child moved to SGO, adoption or staying put"
    ),
    DeregistrationReason.TRANSFER_TO_IFA: "Transfer to an IFA",
    DeregistrationReason.TRANSFER_TO_OTHER_LA: "Transfer to another local authority",
    DeregistrationReason.UNHAPPY_WITH_SUPPORT: "Unhappy with support",
    DeregistrationReason.ALLEGATION: "Allegation",
    DeregistrationReason.FINANCIAL: "Financial",
    DeregistrationReason.OTHER: "Other",
}


class InitiatedBy(enum.StrEnum):
    """Who started a deregistration (Ofsted counts them apart)."""

    CARER = "carer"
    SERVICE = "service"

    @property
    def label(self) -> str:
        return "The carer" if self is InitiatedBy.CARER else "The service"


class PlacementEnding(enum.StrEnum):
    PLANNED = "planned"
    DISRUPTION = "disruption"

    @property
    def label(self) -> str:
        return "Planned" if self is PlacementEnding.PLANNED else "Disruption (unplanned)"


class CarerEventKind(enum.StrEnum):
    SUPERVISION_VISIT = "supervision_visit"
    UNANNOUNCED_VISIT = "unannounced_visit"
    ANNUAL_REVIEW = "annual_review"
    TRAINING = "training"
    TSD_COMPLETED = "tsd_completed"
    ALLEGATION = "allegation"
    COMPLAINT = "complaint"
    RESPITE = "respite"
    SUPPORT_GROUP = "support_group"
    BUDDY = "buddy"
    OUT_OF_HOURS_CALL = "out_of_hours_call"
    SURVEY = "survey"

    @property
    def label(self) -> str:
        return (
            "TSD standards completed"
            if self is CarerEventKind.TSD_COMPLETED
            else self.value.replace("_", " ").capitalize()
        )

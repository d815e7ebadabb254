"""The words a case's records are kept in: the type of carer, kinds of contact, and
the Stage 1 checks. Every one has a `.label` for the screens."""

from __future__ import annotations

from crm.domain.labelled import LabelledEnum


class CarerType(LabelledEnum):
    MAINSTREAM = "mainstream"
    KINSHIP = "kinship", "Family and friends (kinship)"


#: Other words councils use for a kinship household (connected persons, in the
#: regulations' words), matched whatever their case and spacing.
CARER_TYPE_WORDS = {
    "family and friends": CarerType.KINSHIP,
    "friends and family": CarerType.KINSHIP,
    "connected person": CarerType.KINSHIP,
    "connected persons": CarerType.KINSHIP,
}


class ActivityKind(LabelledEnum):
    CALL = "call"
    EMAIL = "email"
    VISIT = "visit"
    NOTE = "note"
    TASK = "task", "Follow-up task"
    #: A kinship case's first look at whether a connected person can care for the child,
    #: before any temporary approval (its outcome goes in the note).
    VIABILITY = "viability", "Viability assessment (kinship)"


class CheckKind(LabelledEnum):
    DBS = "dbs", "DBS (enhanced) check"
    MEDICAL = "medical", "Medical (GP / adult health)"
    LOCAL_AUTHORITY = "local_authority", "Local authority checks"
    PERSONAL_REFERENCE = "personal_reference"
    EMPLOYER_REFERENCE = "employer_reference"
    EX_PARTNER_REFERENCE = "ex_partner_reference", "Ex-partner reference"

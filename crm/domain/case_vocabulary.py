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


class CaseRoute(LabelledEnum):
    """How a case came to the service: someone asking about fostering (an enquiry, the
    recruitment funnel), or a connected person referred by a child's social worker (Care
    Planning, Placement and Case Review (England) Regulations 2010, reg 24): the second
    is not a recruitment enquiry and is left out of enquiry counts and conversion."""

    ENQUIRY = "enquiry"
    REFERRAL = "referral", "Referral by the child's social worker"


class EnquiryChannel(LabelledEnum):
    """How an enquiry reached the service (the channel), kept apart from how the person
    heard about fostering (the source, on the council's own list): someone who saw a
    radio advert and then rang came by phone, and heard by radio."""

    WEB_FORM = "web_form", "Council website form"
    PHONE = "phone", "Phone call"
    EMAIL = "email"
    IN_PERSON = "in_person", "In person (an event or a drop-in)"
    OTHER = "other"


class ActivityKind(LabelledEnum):
    CALL = "call"
    EMAIL = "email"
    VISIT = "visit"
    NOTE = "note"
    TASK = "task", "Follow-up task"
    #: A kinship case's first look at whether a connected person can care for the child,
    #: before any temporary approval (its outcome goes in the note).
    VIABILITY = "viability", "Viability assessment (kinship)"
    #: What a temporarily approved connected person with the child placed is owed from
    #: the day the child moves in, as an approved carer is (crm.domain.kinship
    #: .temporary_carer_record); carried to the household at full approval.
    SUPERVISION_VISIT = "supervision_visit", "Supervision visit (child placed, reg 24)"
    UNANNOUNCED_VISIT = "unannounced_visit", "Unannounced visit (child placed, reg 24)"
    TSD_COMPLETED = "tsd_completed", "TSD standards completed (child placed, reg 24)"
    #: A review of a temporary approval that runs past the usual review date (only an
    #: IRM review keeps one going that long); not the household's first review to panel.
    TEMPORARY_REVIEW = "temporary_review", "Review of the temporary approval (reg 24)"


class CheckKind(LabelledEnum):
    DBS = "dbs", "DBS (enhanced) check"
    MEDICAL = "medical", "Medical (GP / adult health)"
    LOCAL_AUTHORITY = "local_authority", "Local authority checks"
    PERSONAL_REFERENCE = "personal_reference"
    EMPLOYER_REFERENCE = "employer_reference"
    EX_PARTNER_REFERENCE = "ex_partner_reference", "Ex-partner reference"
    #: Reg 26(1A)(b): approved by another provider within the preceding 12 months.
    PREVIOUS_FOSTERING_REFERENCE = (
        "previous_fostering_reference",
        "Reference from a previous fostering service (reg 26(1A)(b))",
    )
    #: Reg 26(1A)(d): the applicant lives in another local authority's area.
    HOME_AUTHORITY_CONSULTATION = (
        "home_authority_consultation",
        "Consultation with the local authority where the applicant lives (reg 26(1A)(d))",
    )
    #: A police (PNC) check of an adult: what reg 24's placements that cannot wait for
    #: the enhanced DBS rest on (crm.domain.kinship.reg24_missing).
    POLICE = "police", "Police (PNC) check"
    CHILDREN_WORK_REFERENCE = (
        "children_work_reference",
        "Reference from work with children or vulnerable adults",
    )

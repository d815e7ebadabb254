"""Settings an administrator can change, with the defaults domain.md gives.

Stored as one row per key in `settings` (crm.models.setting loads them); any key
not stored takes its default. Every rule that has a limit reads it from here, so
a change applies everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    # Stalled assessments (domain.md "Stalled").
    stage1_limit_days: int = 60
    stage2_limit_days: int = 120
    panel_limit_days: int = 30
    application_limit_days: int = 240
    inactivity_limit_days: int = 28
    # National timescales (NMS 14.4; the agency decision after panel).
    panel_timescale_warning_days: int = 28
    decision_limit_working_days: int = 7
    # Enquiries.
    first_contact_target_working_days: int = 2
    duplicate_window_days: int = 365
    # Approved carers (Fostering Services Regulations 2011, NMS).
    supervision_visit_interval_days: int = 42
    unannounced_visit_interval_days: int = 365
    review_interval_months: int = 12
    tsd_months_mainstream: int = 12
    tsd_months_kinship: int = 18
    due_soon_days: int = 7
    # A kinship assessment with no child placed under a temporary approval (reg 24): the
    # service's own timescale, from the application (regs 24-25 give 16 weeks when the
    # child is placed).
    kinship_assessment_weeks: int = 16
    # Safer caring: every adult in the household has a DBS check renewed, and each
    # carer a medical, at least this often.
    dbs_renewal_years: int = 3
    medical_renewal_years: int = 3
    # A carer's complaint is answered in writing within this many working days of
    # receipt (crm.domain.complaints: a council's stage 1, reg 14 of the 2006
    # Representations Regulations).
    complaint_response_working_days: int = 10
    # Retention risk model.
    risk_high_percent: int = 30
    risk_medium_percent: int = 15
    risk_min_departures: int = 20
    # Sufficiency: what a week of each placement costs the council, in pounds (domain.md:
    # an agency placement about £800-1,000, a residential one £3,500-6,000 or more).
    weekly_cost_in_house_foster: int = 450
    weekly_cost_agency_foster: int = 900
    weekly_cost_residential: int = 4750
    # UK GDPR retention.
    enquiry_retention_years: int = 2
    applicant_record_retention_years: int = 3
    carer_record_retention_years: int = 10
    # Documents: a document with an expiry (insurance, a safety checklist...) is flagged
    # to its record's worker this many days before it expires.
    document_expiry_warning_days: int = 28
    # Stage 1 (domain.md): decide, and tell an applicant found not suitable, within this
    # many working days of the last Stage 1 check received.
    stage1_decision_working_days: int = 10
    # Carers transferring in from another fostering service: the service's own target
    # from application to panel for their shorter assessment. The Transfer of Foster
    # Carers Protocol England (2014, reissued 2015) sets no number of its own (it asks
    # the existing service for a reference within 28 days); about four months is common.
    transfer_assessment_days: int = 120
    # Messages to applicants (crm/domain/outreach.py): "we haven't heard from you" after
    # this many days with nothing recorded on a case that has not yet applied.
    quiet_spell_days: int = 28


#: Floors the law sets (a carer's record is kept at least ten years after approval ends).
SETTING_MINIMUMS = {
    "carer_record_retention_years": 10,
    "applicant_record_retention_years": 3,
    "enquiry_retention_years": 1,
}

#: Ceilings: a count of days, months or years above ten years' worth is a typing slip;
#: a week's placement in pounds may cost more.
SETTING_MAXIMUMS = {
    "weekly_cost_in_house_foster": 50_000,
    "weekly_cost_agency_foster": 50_000,
    "weekly_cost_residential": 50_000,
}
DEFAULT_MAXIMUM = 3650

SETTING_LABELS = {
    "stage1_decision_working_days": (
        "Decide Stage 1 (and tell an applicant found not suitable) within this many "
        "working days of the last check received"
    ),
    "transfer_assessment_days": (
        "A transferring carer's assessment reaches panel within this many days of application"
    ),
    "stage1_limit_days": "Stage 1 stalls after (days in stage)",
    "stage2_limit_days": "Stage 2 stalls after (days in stage)",
    "panel_limit_days": "Waiting for panel / decision stalls after (days)",
    "application_limit_days": "An assessment stalls this many days after application",
    "inactivity_limit_days": "An assessment stalls after this many days without activity",
    "panel_timescale_warning_days": (
        "Warn this many days before an assessment reaches 8 months from application (NMS 14.4)"
    ),
    "decision_limit_working_days": (
        "The agency decision is due this many working days after panel"
    ),
    "first_contact_target_working_days": "First contact target (working days after enquiry)",
    "duplicate_window_days": "Flag possible duplicates of enquiries from the last (days)",
    "supervision_visit_interval_days": "A supervision visit is due this many days after the last",
    "unannounced_visit_interval_days": "An unannounced visit is due this many days after the last",
    "review_interval_months": "An annual review is due this many months after approval or the last",
    "tsd_months_mainstream": "TSD standards due this many months after approval (mainstream)",
    "tsd_months_kinship": "TSD standards due this many months after approval (kinship)",
    "due_soon_days": "Show work as due soon this many days ahead",
    "kinship_assessment_weeks": (
        "A kinship assessment with no child placed under temporary approval is due this "
        "many weeks after application (the service's own timescale)"
    ),
    "dbs_renewal_years": "Every adult in a household needs a DBS check at most this many years old",
    "medical_renewal_years": "Every carer needs a medical at most this many years old",
    "complaint_response_working_days": (
        "Answer a carer's complaint in writing within this many working days of receiving "
        "it (a council's stage 1 under the 2006 Representations Regulations: 10, or 20 "
        "where it was extended; an agency sets its own)"
    ),
    "risk_high_percent": "High risk: chance of leaving within 12 months at least (%)",
    "risk_medium_percent": "Medium risk: chance of leaving within 12 months at least (%)",
    "risk_min_departures": "Show risk scores only when at least this many carers have left",
    "weekly_cost_in_house_foster": "A week of an in-house foster placement costs (£)",
    "weekly_cost_agency_foster": "A week of an agency (IFA) foster placement costs (£)",
    "weekly_cost_residential": "A week of a residential placement costs (£)",
    "enquiry_retention_years": (
        "Anonymise enquiries that never became applications this many years after they closed"
    ),
    "applicant_record_retention_years": (
        "Anonymise applications that were withdrawn or refused this many years after they "
        "closed (at least 3)"
    ),
    "carer_record_retention_years": (
        "Flag carer records for review this many years after deregistration (at least 10)"
    ),
    "document_expiry_warning_days": (
        "Flag a document (insurance, a safety checklist...) this many days before it expires"
    ),
    "quiet_spell_days": (
        'Send "we haven\'t heard from you" to an enquirer who has not applied after this '
        "many days with nothing recorded on their case"
    ),
}

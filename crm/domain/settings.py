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
    # Safer caring: every adult in the household has a DBS check renewed, and each
    # carer a medical, at least this often.
    dbs_renewal_years: int = 3
    medical_renewal_years: int = 3
    # A carer's complaint is answered in writing within this many days of receipt: the
    # service's own standard (the law asks for a procedure, not a timescale).
    complaint_response_days: int = 28
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
    "dbs_renewal_years": "Every adult in a household needs a DBS check at most this many years old",
    "medical_renewal_years": "Every carer needs a medical at most this many years old",
    "complaint_response_days": (
        "Answer a carer's complaint in writing within this many calendar days of receiving "
        "it (a council's stage 1 under the 2006 Representations Regulations: 10 working "
        "days, about 14, extendable to 20, about 28; an agency's own standard)"
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
    "quiet_spell_days": (
        'Send "we haven\'t heard from you" to an enquirer who has not applied after this '
        "many days with nothing recorded on their case"
    ),
}

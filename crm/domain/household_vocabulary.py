"""The words an approved household's records are kept in: statuses, kinds of care,
reasons for leaving, kinds of record. Every one has a `.label` for the screens."""

from __future__ import annotations

from crm.domain.labelled import LabelledEnum


class HouseholdStatus(LabelledEnum):
    ACTIVE = "active"
    ON_BREAK = "on_break", "On a break"
    DEREGISTERED = "deregistered"


class CareCategory(LabelledEnum):
    SHORT_TERM = "short_term", "Short-term / task-centred"
    LONG_TERM = "long_term", "Long-term / permanent"
    RESPITE = "respite", "Respite / short breaks"
    EMERGENCY = "emergency"
    PARENT_AND_CHILD = "parent_and_child"
    SIBLING_GROUP = "sibling_group"
    SPECIALIST = "specialist", "Specialist / therapeutic"
    UASC = "uasc", "Unaccompanied asylum-seeking children"
    SUPPORTED_LODGINGS = "supported_lodgings", "Supported lodgings / staying put"


def care_label(value: str) -> str:
    """A kind of care's words, or the stored value if it is on no list (an old import)."""
    try:
        return CareCategory(value).label
    except ValueError:
        return value


class DeregistrationReason(LabelledEnum):
    RETIREMENT = "retirement"
    HEALTH_OR_PERSONAL = "health_or_personal", "Health or personal circumstances"
    #: The child stays with the carers outside fostering: a good outcome, not a carer
    #: lost (see GOOD_OUTCOME_EXITS).
    CHILD_STAYS_WITH_CARERS = (
        "child_stays_with_carers",
        "Child stays with them (special guardianship, child arrangements or adoption "
        "order, or staying put)",
    )
    TRANSFER_TO_IFA = "transfer_to_ifa", "Transfer to an IFA"
    TRANSFER_TO_OTHER_LA = "transfer_to_other_la", "Transfer to another local authority"
    UNHAPPY_WITH_SUPPORT = "unhappy_with_support"
    ALLEGATION = "allegation"
    FINANCIAL = "financial"
    OTHER = "other"


#: Exits that are a good outcome for a child, not a carer lost (domain.md "Kinship
#: apart"): counted apart, kept out of turnover and out of the retention model's label.
#:
#: One reason covers both ways a child stays with the carers for good: an order made to
#: them (special guardianship, Children Act 1989 s.14A; a child arrangements order, s.8;
#: an adoption order, Adoption and Children Act 2002 s.46), or a young person who turns
#: 18 staying put with them (s.23CZA, which the council supports as a staying put
#: arrangement, no longer as fostering). Either way the child stops being fostered
#: there because they stay, and every figure Hearth keeps treats them alike; the
#: reason recorded before this one ("child moved to SGO, adoption or staying put")
#: named them together, so two reasons could not be told apart in the records already
#: held without guessing. Which of them it was belongs in the exit interview.
GOOD_OUTCOME_EXITS = frozenset({DeregistrationReason.CHILD_STAYS_WITH_CARERS})

#: The codes and words of the two reasons this one replaced (migration 0044), which
#: old spreadsheets and bookmarks still carry: each still means the good outcome.
FORMER_GOOD_OUTCOME_REASONS: dict[str, DeregistrationReason] = {
    former: DeregistrationReason.CHILD_STAYS_WITH_CARERS
    for former in (
        "child_sgo_adoption_staying_put",
        "Child moved to SGO, adoption or staying put",
        "sgo_or_child_arrangements_order",
        "Special guardianship or child arrangements order made for the child",
    )
}


def deregistration_reason(text: str) -> DeregistrationReason:
    """A stored or former reason code as today's reason (ValueError when it is neither)."""
    found = FORMER_GOOD_OUTCOME_REASONS.get(text)
    return found if found is not None else DeregistrationReason(text)


class UnavailableBecause(LabelledEnum):
    """Why some places are not available though the household is not on a break."""

    CHILD_NEEDS = "child_needs", "A placed child's needs (they need to be the only child)"
    CARER_CIRCUMSTANCES = "carer_circumstances", "The carers' circumstances"
    OTHER = "other"


class InitiatedBy(LabelledEnum):
    """Who started a deregistration (Ofsted counts them apart)."""

    CARER = "carer", "The carer"
    SERVICE = "service", "The service"


class PlacementEnding(LabelledEnum):
    PLANNED = "planned"
    DISRUPTION = "disruption", "Disruption (unplanned)"


class CarerEventKind(LabelledEnum):
    SUPERVISION_VISIT = "supervision_visit"
    UNANNOUNCED_VISIT = "unannounced_visit"
    ANNUAL_REVIEW = "annual_review"
    TRAINING = "training"
    TSD_COMPLETED = "tsd_completed", "TSD standards completed"
    ALLEGATION = "allegation"
    COMPLAINT = "complaint"
    RESPITE = "respite"
    SUPPORT_GROUP = "support_group"
    BUDDY = "buddy"
    OUT_OF_HOURS_CALL = "out_of_hours_call"
    SURVEY = "survey"


#: What an annual review decided, and how an allegation or complaint ended, in words.
REVIEW_OUTCOMES = {
    "continue": "Continue approval",
    "change_terms": "Change terms",
    "terminate": "Terminate approval",
}
#: An allegation's outcome: the five that Working Together to Safeguard Children 2023
#: defines for allegations against people who work with children (the LADO's outcome):
#: substantiated, false, malicious, unfounded, unsubstantiated. "Ongoing" is no outcome:
#: the investigation is still open (and the household is held: crm/domain/allegations.py).
#: The three outcomes recorded before the last two were added keep their codes, which
#: were already Working Together's words; nothing recorded is renamed or guessed.
ALLEGATION_OUTCOMES = {
    "ongoing": "Ongoing (being investigated)",
    "unsubstantiated": "Unsubstantiated",
    "unfounded": "Unfounded",
    "substantiated": "Substantiated",
    "false": "False",
    "malicious": "Malicious",
}


def outcome_label(outcome: str) -> str:
    """A stored outcome code as the page says it (an imported free-text one as it came)."""
    return (
        REVIEW_OUTCOMES.get(outcome)
        or ALLEGATION_OUTCOMES.get(outcome)
        or outcome.replace("_", " ")
    )

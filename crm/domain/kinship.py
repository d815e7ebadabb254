"""The kinship route: temporary approval of a connected person for a named child.

Care Planning, Placement and Case Review (England) Regulations 2010, regs 24
and 25: a child may be placed with a connected person (family or friend)
approved temporarily, for up to 16 weeks, while the full fostering assessment
is done; a nominated officer may extend it once, by up to 8 weeks. The
assessment's clock is this one, not the mainstream stage limits (domain.md,
"Stalled"). Pure rules on anything shaped like the TemporaryApproval model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from crm.domain.case_vocabulary import CarerType
from crm.domain.labelled import LabelledEnum
from crm.domain.stages import CaseState, Stage
from crm.domain.supervision import HouseholdRecord
from crm.formatting import uk_date

TEMPORARY_WEEKS = 16
EXTENSION_MAX_WEEKS = 8
#: A temporary approval this close to expiring without a decision is flagged.
EXPIRY_WARNING_DAYS = 14


class KinshipRuleError(ValueError):
    """A temporary approval or extension the rules refuse; `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def first_expiry(approved_on: date) -> date:
    """The day a temporary approval lapses unless extended: 16 weeks on."""
    return approved_on + timedelta(weeks=TEMPORARY_WEEKS)


def latest_extension(approved_on: date) -> date:
    """The furthest a single extension can reach: 8 weeks past the first expiry."""
    return first_expiry(approved_on) + timedelta(weeks=EXTENSION_MAX_WEEKS)


def expires_on(temporary: Any) -> date | None:
    """The day the temporary approval lapses (the first day it no longer covers), with its
    extension if it has one: 16 weeks from approval are the 112 days from `approved_on`
    to the day before `approved_on + 16 weeks`, which is the day it lapses (reg 24(1): "a
    temporary period not exceeding 16 weeks"). While the connected person's application
    to the IRM for a review of a qualifying determination is pending it does not lapse
    (None: reg 25(1)(b) and (3)); once the IRM's outcome is known and the service has
    decided, it runs to the end of that day (`irm_outcome_on`) and lapses the next."""
    if getattr(temporary, "irm_applied_on", None) is not None:
        outcome = getattr(temporary, "irm_outcome_on", None)
        return None if outcome is None else outcome + timedelta(days=1)
    return temporary.extended_until or first_expiry(temporary.approved_on)


def reg24_findings_missing(most_appropriate: bool, necessary_now: bool) -> list[str]:
    """The two findings a temporary approval rests on, recorded with it. Care Planning,
    Placement and Case Review (England) Regulations 2010, reg 24(1): where the
    responsible authority is satisfied that (a) the most appropriate placement for the
    child is with a connected person, notwithstanding that they are not approved as a
    local authority foster parent, and (b) it is necessary for the child to be placed
    with them before their suitability to be a foster parent has been assessed under
    the 2011 Regulations, it may approve them for a temporary period of up to 16 weeks."""
    missing = []
    if not most_appropriate:
        missing.append(
            "reg 24(1)(a): the finding that the most appropriate placement is with the "
            "connected person"
        )
    if not necessary_now:
        missing.append(
            "reg 24(1)(b): the finding that the child must be placed before the full assessment"
        )
    return missing


def check_temporary_approval(
    state: CaseState,
    carer_type: CarerType,
    existing: Any | None,
    enquiry_date: date,
    on: date,
    as_of: date,
) -> None:
    """Temporary approval under reg 24: a kinship case still being assessed, once."""
    if carer_type is not CarerType.KINSHIP:
        raise KinshipRuleError(
            "Temporary approval under regulation 24 is for a connected person (kinship) "
            "case; change the carer type first."
        )
    if not state.is_open or state.stage is Stage.APPROVED:
        raise KinshipRuleError("The case is closed or already approved.")
    if existing is not None:
        raise KinshipRuleError(
            f"The case already has a temporary approval (from {uk_date(existing.approved_on)})."
        )
    if on > as_of:
        raise KinshipRuleError(f"The date {uk_date(on)} is in the future.", "approved_on")
    if on < enquiry_date:
        raise KinshipRuleError("The temporary approval is dated before the enquiry.", "approved_on")


def extension_missing(
    temporary: Any,
    panel_views_sought_on: date | None,
    iro_informed_on: date | None,
    decided_on: date,
) -> list[str]:
    """What reg 25(4) asks before an extension that the case has not recorded: "before
    deciding whether to extend the temporary approval the responsible authority must ...
    seek the views of the fostering panel ... and inform the IRO" (the child's
    independent reviewing officer). Each recorded with its date, on or after the
    temporary approval and on or before the nominated officer's decision."""
    missing = []
    for on, what in (
        (panel_views_sought_on, "reg 25(4)(b): the fostering panel's views sought, with the date"),
        (iro_informed_on, "reg 25(4)(c): the child's IRO informed, with the date"),
    ):
        if on is None:
            missing.append(what)
        elif not temporary.approved_on <= on <= decided_on:
            missing.append(
                f"{what} ({uk_date(on)} is not between the temporary approval, "
                f"{uk_date(temporary.approved_on)}, and the decision, {uk_date(decided_on)})"
            )
    return missing


def check_extension(
    temporary: Any,
    until: date,
    officer: str,
    decided_on: date,
    as_of: date,
    panel_views_sought_on: date | None = None,
    iro_informed_on: date | None = None,
) -> None:
    """One extension, by a nominated officer (reg 25(5)), decided before the approval
    lapses, to no more than 8 weeks past its first expiry (reg 25(2)), and only after the
    fostering panel's views were sought and the child's IRO informed (reg 25(4)):
    refused otherwise, saying what is missing."""
    if getattr(temporary, "irm_applied_on", None) is not None:
        raise KinshipRuleError(
            "An application to the IRM is pending: the temporary approval already continues "
            "until its outcome (reg 25(3)).",
            "decided_on",
        )
    if temporary.extended_until is not None:
        raise KinshipRuleError(
            f"The temporary approval was already extended (to {uk_date(temporary.extended_until)}"
            f" by {temporary.nominated_officer}); it can be extended only once."
        )
    lapses = first_expiry(temporary.approved_on)
    if decided_on > as_of:
        raise KinshipRuleError(f"The date {uk_date(decided_on)} is in the future.", "decided_on")
    if not temporary.approved_on <= decided_on < lapses:
        raise KinshipRuleError(
            f"An extension is decided while the approval runs ({uk_date(temporary.approved_on)}"
            f" to {uk_date(lapses - timedelta(days=1))}); on {uk_date(lapses)} it has lapsed.",
            "decided_on",
        )
    furthest = latest_extension(temporary.approved_on)
    if not lapses < until <= furthest:
        raise KinshipRuleError(
            f"An extension runs past {uk_date(lapses)} and to {uk_date(furthest)} at the "
            f"latest ({EXTENSION_MAX_WEEKS} weeks).",
            "extended_until",
        )
    if not officer.strip():
        raise KinshipRuleError("Name the nominated officer who approved it.", "nominated_officer")
    missing = extension_missing(temporary, panel_views_sought_on, iro_informed_on, decided_on)
    if missing:
        raise KinshipRuleError(
            "Not yet: before an extension the case must record " + "; ".join(missing) + ".",
            "panel_views_sought_on",
        )


def check_placed(temporary: Any, on: date, as_of: date) -> None:
    """The named child moves in while the temporary approval runs."""
    if on > as_of:
        raise KinshipRuleError(f"The date {uk_date(on)} is in the future.", "placed_on")
    lapses = expires_on(temporary)
    if on < temporary.approved_on or (lapses is not None and on >= lapses):
        raise KinshipRuleError(
            f"The child can be placed while the temporary approval runs "
            f"({uk_date(temporary.approved_on)} to {uk_date(lapses)}).",
            "placed_on",
        )


def may_see_named_child(
    user_id: int | None,
    is_manager: bool,
    assessing_worker_id: int | None,
    supervising_worker_id: int | None,
) -> bool:
    """Who may read the named child's reference on a kinship case: the child is a third
    party, known to the case only for the placement. Managers, the social worker assessing
    the connected person, and the one supervising the household they became; not every
    recruitment officer who can open the case (not its owner either: the enquiry is
    theirs, the child's placement is not)."""
    return is_manager or (
        user_id is not None and user_id in (assessing_worker_id, supervising_worker_id)
    )


def recorded_dates(temporary: Any) -> list[date]:
    """The dates things happened under the temporary approval: activity on the case."""
    dates = (
        temporary.approved_on,
        temporary.placed_on,
        temporary.extended_on,
        getattr(temporary, "irm_applied_on", None),
        getattr(temporary, "irm_outcome_on", None),
        getattr(temporary, "lapse_outcome_on", None),
    )
    return [d for d in dates if d]


def decided(state: CaseState) -> bool:
    """The full assessment has an outcome: approved, refused or withdrawn."""
    return state.stage is not None and state.stage.is_closed


def temporary_approval_warnings(temporary: Any, state: CaseState, as_of: date) -> dict[str, str]:
    """What needs chasing on `as_of`: {"expiring" | "expired" | "extended": why}."""
    if decided(state) or temporary.approved_on > as_of:
        return {}
    found = {}
    lapses = expires_on(temporary)
    if lapse_recorded(temporary, as_of):
        pass  # reg 25(6): what happened to the placement is recorded; nothing to chase
    elif lapses is None:
        found["irm_pending"] = (
            f"the connected person applied to the IRM on {uk_date(temporary.irm_applied_on)}: "
            "the temporary approval continues until its outcome and the service's decision "
            "(reg 25(3)); record the outcome's date when it comes"
        )
    elif as_of >= lapses:
        found["expired"] = (
            f"temporary approval (reg 24) lapsed on {uk_date(lapses)} without a decision: "
            "record what happened to the child's placement (reg 25(6))"
        )
    elif (lapses - as_of).days <= EXPIRY_WARNING_DAYS:
        found["expiring"] = (
            f"temporary approval (reg 24) expires on {uk_date(lapses)}, "
            f"in {(lapses - as_of).days} days, without a decision yet"
        )
    if (
        temporary.extended_until is not None
        and temporary.extended_on <= as_of
        and getattr(temporary, "irm_applied_on", None) is None
        and not lapse_recorded(temporary, as_of)
    ):
        found["extended"] = (
            f"temporary approval extended to {uk_date(temporary.extended_until)} by "
            f"{temporary.nominated_officer} on {uk_date(temporary.extended_on)}: "
            "it cannot be extended again"
        )
    return found


def kinship_clock_reasons(temporary: Any, as_of: date) -> list[str]:
    """A kinship assessment under temporary approval is stalled when the approval has
    lapsed without a decision (instead of the mainstream stage limits)."""
    lapses = expires_on(temporary)
    if lapses is not None and as_of >= lapses and not lapse_recorded(temporary, as_of):
        days = (as_of - lapses).days
        return [f"temporary approval (reg 24) lapsed {days} days ago ({uk_date(lapses)})"]
    return []


# --- The referral and the viability assessment (issue 33, items 1 and 2) -------------


class ReferralUrgency(LabelledEnum):
    """How soon the child's social worker needs the connected person assessed."""

    IMMEDIATE = "immediate", "Immediate: the child needs to move in now (reg 24)"
    URGENT = "urgent", "Urgent: within days"
    PLANNED = "planned", "Planned: as part of the child's plan"


class ViabilityOutcome(LabelledEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    WITHDRAWN = "withdrawn", "Withdrawn (the connected person or the plan)"


class ViabilityRoute(LabelledEnum):
    """Where a positive viability assessment leads."""

    TEMPORARY_APPROVAL = (
        "temporary_approval",
        "Temporary approval (reg 24) with the child placed, while the full assessment runs",
    )
    FULL_ASSESSMENT = "full_assessment", "Full fostering assessment, without a placement yet"
    SPECIAL_GUARDIANSHIP = (
        "special_guardianship",
        "A special guardianship order assessed instead (Children Act 1989, s.14A)",
    )
    CHILD_ARRANGEMENTS = (
        "child_arrangements",
        "A child arrangements order assessed instead (Children Act 1989, s.8)",
    )


#: The routes that keep the connected person on the fostering route.
FOSTERING_ROUTES = frozenset({ViabilityRoute.TEMPORARY_APPROVAL, ViabilityRoute.FULL_ASSESSMENT})
#: The routes by which the child would live with them under another order instead.
OTHER_ORDERS = frozenset({ViabilityRoute.SPECIAL_GUARDIANSHIP, ViabilityRoute.CHILD_ARRANGEMENTS})


def check_referral(referred_on: date, as_of: date, child_reference: str, connection: str) -> None:
    """A referral names the child by reference only and says how the connected person is
    related to them: reg 24(1) allows temporary approval only of a "connected person", a
    relative, friend or other person connected with the child (reg 2(1)), so the
    connection is what the assessment starts from."""
    if referred_on > as_of:
        raise KinshipRuleError(f"The date {uk_date(referred_on)} is in the future.", "referred_on")
    if not child_reference.strip():
        raise KinshipRuleError("Give the child's reference.", "child_reference")
    if not connection.strip():
        raise KinshipRuleError(
            "Say how the connected person is related to or connected with the child.",
            "connection",
        )


def check_viability(
    referred_on: date | None,
    assessed_on: date,
    outcome: ViabilityOutcome,
    leads_to: ViabilityRoute | None,
    as_of: date,
) -> None:
    """A viability assessment is the first step on a connected person's referral: an
    initial assessment of whether the connected person could care for the child, which
    Family and Friends Care: Statutory Guidance for Local Authorities (DfE 2011) expects
    before a child is placed with them under a temporary approval (reg 24). A positive
    one says where it leads (temporary approval with the child placed, a full assessment
    without a placement, or another order assessed instead); a negative or withdrawn one
    leads nowhere."""
    if assessed_on > as_of:
        raise KinshipRuleError(f"The date {uk_date(assessed_on)} is in the future.", "assessed_on")
    if referred_on is not None and assessed_on < referred_on:
        raise KinshipRuleError(
            f"The viability assessment is dated before the referral ({uk_date(referred_on)}).",
            "assessed_on",
        )
    if outcome is ViabilityOutcome.POSITIVE and leads_to is None:
        raise KinshipRuleError("Say where the positive assessment leads.", "leads_to")
    if outcome is not ViabilityOutcome.POSITIVE and leads_to is not None:
        raise KinshipRuleError(
            f"A {outcome.label.lower()} viability assessment leads nowhere: leave the route "
            "empty and close the case.",
            "leads_to",
        )


def viability_refusal(viability: Any | None) -> str | None:
    """Why a connected person cannot be temporarily approved yet, or None: the viability
    assessment comes first (reg 24(2)(a) and domain.md, "Connected persons"), and only a
    positive one that leads to temporary approval with the child placed allows it."""
    if viability is None:
        return "Record the viability assessment first: temporary approval follows a positive one."
    if viability.outcome is not ViabilityOutcome.POSITIVE:
        return (
            f"The viability assessment of {uk_date(viability.assessed_on)} was "
            f"{viability.outcome.label.lower()}: no temporary approval follows it."
        )
    if viability.leads_to is not ViabilityRoute.TEMPORARY_APPROVAL:
        return (
            f"The viability assessment of {uk_date(viability.assessed_on)} leads to "
            f"{viability.leads_to.label[0].lower() + viability.leads_to.label[1:]}, "
            "not a temporary approval."
        )
    return None


# --- Before a temporary approval: reg 24(2) (issue 33, item 3) -----------------------

ADULT_AGE = 18


@dataclass(frozen=True)
class Reg24Record:
    """What the case holds of the things reg 24(2) asks before a temporary approval."""

    #: The latest viability assessment (the assessment of the connected person's
    #: suitability against the matters in Schedule 4), if any.
    viability: Any | None
    #: (name, birth date, the day their criminal record was checked: an enhanced DBS
    #: received, or a police check received with the DBS applied for) of everyone
    #: recorded in the household (None: not known, not checked).
    members: list[tuple[str, date | None, date | None]]
    #: A worker allocated to the full assessment.
    assessing_worker: bool


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def reg24_missing(record: Reg24Record, on: date) -> list[str]:
    """What is missing before a connected person can be temporarily approved on `on`.

    Care Planning, Placement and Case Review (England) Regulations 2010, reg 24(2):
    before placing the child with a connected person under a temporary approval the
    responsible authority must (a) assess the suitability of the connected person to care
    for the child, including the suitability of (i) the proposed accommodation and (ii)
    all other persons aged 18 and over who are members of the household, taking into
    account all the matters in Schedule 4; (b) consider whether the arrangements will
    safeguard and promote the child's welfare and meet the needs in their care plan; and
    (c) make immediate arrangements for the full assessment under the Fostering Services
    (England) Regulations 2011. Here: (a) a positive viability assessment leading to
    temporary approval, dated by then, with the accommodation seen, and every adult in
    the household's criminal record checked (Schedule 4 asks about the offences of the
    connected person and the adults they live with): an enhanced DBS check received or,
    for a placement that cannot wait for it, a police check received with the enhanced
    DBS applied for (the enhanced DBS itself is the full assessment's, Schedule 3 of the
    2011 Regulations; the case works out each adult's day in crm.cases.services); (b) the
    welfare
    consideration recorded; (c) an assessing worker allocated to the full assessment. A
    member recorded without a birth date is taken to be an adult (the household list
    holds the adults who need a DBS)."""
    missing = []
    viability = record.viability
    refusal = viability_refusal(viability)
    if refusal is None and viability.assessed_on > on:
        refusal = (
            f"The viability assessment ({uk_date(viability.assessed_on)}) is dated after "
            f"the temporary approval ({uk_date(on)})."
        )
    if refusal:
        missing.append(f"reg 24(2)(a): {refusal}")
    elif viability.accommodation_seen_on is None or viability.accommodation_seen_on > on:
        missing.append("reg 24(2)(a)(i): the proposed accommodation seen, with its date")
    unchecked = [
        name
        for name, born, dbs_on in record.members
        if (born is None or age_on(born, on) >= ADULT_AGE) and (dbs_on is None or dbs_on > on)
    ]
    if unchecked:
        missing.append(
            "reg 24(2)(a)(ii) and Schedule 4: an enhanced DBS check received (or a police "
            "check with the DBS applied for) for " + ", ".join(unchecked)
        )
    if refusal is None and not viability.welfare_considered:
        missing.append(
            "reg 24(2)(b): that the arrangements will safeguard and promote the child's "
            "welfare and meet the needs in their care plan, considered"
        )
    if not record.assessing_worker:
        missing.append("reg 24(2)(c): a social worker allocated to the full assessment")
    return missing


# --- Reg 25: an IRM review pending, and a lapse without a decision (issue 33, item 4) --


@dataclass(frozen=True)
class IrmExtension:
    """The nominated officer's decision to keep a temporary approval going while the IRM
    reviews a proposed refusal, and what reg 25 asks before it."""

    applied_on: date  # the connected person's application to the IRM
    decided_on: date  # the nominated officer's decision to extend
    officer: str
    panel_views_sought_on: date | None
    iro_informed_on: date | None
    #: the day the service wrote to propose not approving them (a qualifying
    #: determination, Fostering Services (England) Regulations 2011, reg 27(4)), if it has
    refusal_proposed_on: date | None


def check_irm_application(temporary: Any, irm: IrmExtension, as_of: date) -> None:
    """Reg 25(1)(b) and (3): where the connected person, "having undergone the full
    assessment process, is not approved" and has applied to the Independent Review
    Mechanism for a review of that qualifying determination, the responsible authority
    "may extend" the temporary approval until the outcome of the review is known. It is
    a decision, not automatic: before it the authority must consider whether placement
    with the connected person is still the most appropriate, seek the fostering panel's
    views and inform the child's IRO (reg 25(4)), and a nominated officer approves it
    (reg 25(5)). So: a refusal proposed to them first, the application and the decision
    while the approval runs (its first 16 weeks or its extension), the panel's views
    sought and the IRO told by the decision, the officer named; recorded once."""
    applied_on = irm.applied_on
    if temporary.irm_applied_on is not None:
        raise KinshipRuleError(
            f"The application to the IRM of {uk_date(temporary.irm_applied_on)} is already "
            "recorded.",
            "irm_applied_on",
        )
    for on, field in ((applied_on, "irm_applied_on"), (irm.decided_on, "irm_extended_on")):
        if on > as_of:
            raise KinshipRuleError(f"The date {uk_date(on)} is in the future.", field)
    lapses = expires_on(temporary)
    if not temporary.approved_on <= applied_on < lapses:
        raise KinshipRuleError(
            f"The temporary approval continues for an IRM review applied for while it runs "
            f"({uk_date(temporary.approved_on)} to {uk_date(lapses)}); after it lapsed, "
            "record what happened to the placement instead (reg 25(6)).",
            "irm_applied_on",
        )
    if irm.refusal_proposed_on is None or irm.refusal_proposed_on > applied_on:
        raise KinshipRuleError(
            "An extension for the IRM follows a proposal not to approve the connected person "
            "after the full assessment (a qualifying determination, reg 25(1)(b)): record the "
            "proposed refusal on the case first.",
            "irm_applied_on",
        )
    if not applied_on <= irm.decided_on < lapses:
        raise KinshipRuleError(
            f"The nominated officer decides to extend after the application to the IRM and "
            f"before the approval lapses ({uk_date(lapses)}).",
            "irm_extended_on",
        )
    if not irm.officer.strip():
        raise KinshipRuleError(
            "Name the nominated officer who approved the extension (reg 25(5)).", "irm_officer"
        )
    missing = extension_missing(
        temporary, irm.panel_views_sought_on, irm.iro_informed_on, irm.decided_on
    )
    if missing:
        raise KinshipRuleError(
            "Before extending for the IRM, reg 25(4) asks for: " + "; ".join(missing) + ".",
            "irm_panel_views_sought_on",
        )


def check_irm_outcome(temporary: Any, outcome_on: date, as_of: date) -> None:
    """The day the IRM's outcome is known and the service has made its decision
    (reg 25(3)): the temporary approval continues to that day."""
    if temporary.irm_applied_on is None:
        raise KinshipRuleError("Record the application to the IRM first.", "irm_outcome_on")
    if outcome_on > as_of:
        raise KinshipRuleError(
            f"The date {uk_date(outcome_on)} is in the future.", "irm_outcome_on"
        )
    if outcome_on < temporary.irm_applied_on:
        raise KinshipRuleError(
            f"The outcome is dated before the application ({uk_date(temporary.irm_applied_on)}).",
            "irm_outcome_on",
        )


class AfterLapse(LabelledEnum):
    """What happened to the child's placement when a temporary approval lapsed without a
    decision (reg 25(6)): it ends, or the child stays on another legal basis."""

    ENDED = "ended", "The placement ended"
    APPROVED_FOSTER_PARENT = (
        "approved_foster_parent",
        "The carer approved as a foster parent later (the child stayed on without approval)",
    )
    CHILD_ARRANGEMENTS = "child_arrangements", "Continued under a child arrangements order"
    SPECIAL_GUARDIANSHIP = "special_guardianship", "Continued under a special guardianship order"
    PLACED_WITH_PARENT = (
        "placed_with_parent",
        "The child placed with a parent (Care Planning Regulations 2010, Part 4)",
    )
    OTHER_CARERS = "other_carers", "The child moved to other carers"


def lapse_recorded(temporary: Any, as_of: date) -> bool:
    """Whether what happened to the placement after the lapse is recorded by `as_of`."""
    on = getattr(temporary, "lapse_outcome_on", None)
    return on is not None and on <= as_of


def check_lapse(temporary: Any, happened: AfterLapse, on: date, as_of: date) -> None:
    """Reg 25(6): when the temporary approval and any extension expire and the connected
    person has not been approved as a foster parent, the placement must end, or the
    child stay on another legal basis; the case records which, and the date it ended or
    changed footing. Only once the approval has lapsed, and once."""
    if getattr(temporary, "lapse_outcome_on", None) is not None:
        raise KinshipRuleError(
            "What happened after the lapse is already recorded "
            f"({uk_date(temporary.lapse_outcome_on)}).",
            "lapse_outcome_on",
        )
    lapses = expires_on(temporary)
    if lapses is None:
        raise KinshipRuleError(
            "The temporary approval has not lapsed: an IRM review is pending (reg 25(3)).",
            "lapse_outcome_on",
        )
    if as_of < lapses:
        raise KinshipRuleError(
            "The temporary approval has not lapsed: it runs to "
            f"{uk_date(lapses - timedelta(days=1))}.",
            "lapse_outcome_on",
        )
    if on > as_of:
        raise KinshipRuleError(f"The date {uk_date(on)} is in the future.", "lapse_outcome_on")
    if on < temporary.approved_on:
        raise KinshipRuleError(
            f"The date is before the temporary approval ({uk_date(temporary.approved_on)}).",
            "lapse_outcome_on",
        )
    if not isinstance(happened, AfterLapse):
        raise KinshipRuleError("Say what happened to the placement.", "lapse_outcome")


# --- Duties from the day the child is placed (issue 33, item 5) ----------------------


def temporary_carer_record(
    temporary: Any,
    state: CaseState,
    dates: dict[str, list[date]],
    as_of: date,
) -> HouseholdRecord | None:
    """What a temporarily approved connected person with the named child living with them
    is owed on `as_of`, as the duties of an approved household (crm.domain.supervision):
    a temporary approval makes them a local authority foster parent for that child
    (Care Planning Regulations 2010, reg 24(1)), and domain.md's "Connected persons" owes
    them supervision visits and the TSD standards (18 months, NMS 20) from the day the
    child is placed, and a review if the approval runs past the usual review date (reg
    28 of the Fostering Services Regulations 2011 counts a year; only an approval kept
    alive by an IRM review, reg 25(3), runs that long). `dates` holds the case's logged
    "supervision_visit", "unannounced_visit", "tsd_completed" and "temporary_review"
    days. None when nothing
    is owed on the case: no child placed by `as_of`, the assessment decided (an approved
    household's own record takes over), or the approval lapsed and what happened to
    the placement is recorded (reg 25(6))."""
    placed = temporary.placed_on
    if placed is None or placed > as_of or decided(state) or lapse_recorded(temporary, as_of):
        return None

    def latest(kind: str) -> date | None:
        return max((d for d in dates.get(kind, []) if placed <= d <= as_of), default=None)

    visits = [latest("supervision_visit"), latest("unannounced_visit")]
    reviews = [d for d in dates.get("temporary_review", []) if placed <= d <= as_of]
    return HouseholdRecord(
        approval_date=placed,
        kinship=True,
        last_visit=max(filter(None, visits), default=None),
        last_unannounced=visits[1],
        tsd_completed=latest("tsd_completed"),
        last_review=max(reviews, default=None),
        first_review=min(reviews, default=None),
        reviews=len(reviews),
        placed_from=placed,
    )


def days_without_approval(temporary: Any) -> int:
    """The days a child stayed after the temporary approval lapsed before the placement
    ended or went on under another legal basis (reg 25(6): the authority "must terminate
    the placement after first making other arrangements" at the lapse): none when what
    happened was recorded for the day it lapsed; not known (0) before it is recorded."""
    lapsed, on = expires_on(temporary), getattr(temporary, "lapse_outcome_on", None)
    if lapsed is None or on is None:
        return 0
    return max((on - lapsed).days, 0)

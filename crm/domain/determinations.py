"""Qualifying determinations and their challenge, and reviews of approval: the rules.

Fostering Services (England) Regulations 2011:
- reg 27(6): a fostering service that considers an applicant not suitable must give
  written notice that it *proposes* not to approve them, with its reasons, and advise
  them that within 28 days of the date of the notice they may make written
  representations to the service or apply to the Secretary of State (the Independent
  Review Mechanism, IRM) for a review of this qualifying determination;
- reg 27(7)-(9): if nothing comes within those 28 days the service may make its decision;
  if representations come, it must refer the case to the fostering panel for its
  consideration and decide taking account of any fresh recommendation; if the applicant
  applied to the IRM, it decides taking account of the IRM panel's recommendation;
- reg 28(7)-(11): the same steps when a review of approval leads the service to propose
  terminating an approval or changing its terms (a change of terms the carers agree to
  may take effect without the 28 days, reg 28(9A));
- reg 29(2): on notice that an IRM review was applied for, the service sends the IRM its
  reports and the notice within ten working days;
- NMS 14.9 (and statutory guidance): the decision maker decides within 7 working days of
  receiving the panel's recommendation and final minutes. No regulation sets a time for
  the decision after an IRM panel's recommendation; Hearth applies the same 7 working
  days as the service's standard, and says so on the flag.
No regulation sets a time within which the fostering panel must reconsider after
representations: the flag says the work is there, not that it is late.

A Stage 1 "not suitable" decision (reg 26) is not a qualifying determination.

Day counting, by hand: a notice dated 1 March gives until 29 March (day 28) for
representations or an IRM application; on 30 March (day 29), with nothing received, the
service may decide.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from crm.domain.households import HouseholdRuleError
from crm.domain.labelled import LabelledEnum
from crm.domain.working_days import add_working_days
from crm.formatting import uk_date

#: reg 27(6)(b), 28(7)(b): "within 28 days of the date of the notice".
RESPONSE_DAYS = 28
#: reg 29(2): the papers go to the IRM within ten working days of its notification.
IRM_PAPERS_WORKING_DAYS = 10
#: NMS 14.9: the decision within 7 working days of the recommendation and final minutes.
DECISION_WORKING_DAYS = 7


class DeterminationKind(LabelledEnum):
    REFUSAL = "refusal", "Proposed refusal of approval (reg 27)"
    TERMINATION = "termination", "Proposed termination of approval (reg 28)"
    CHANGE_OF_TERMS = "change_of_terms", "Proposed change of the terms of approval (reg 28)"


class Response(LabelledEnum):
    """What the applicant or carers chose within the 28 days (nothing: no response)."""

    REPRESENTATIONS = "representations", "Written representations to the service"
    IRM = "irm", "Application to the Independent Review Mechanism"


class Recommendation(LabelledEnum):
    """The fostering panel's fresh recommendation, or the IRM panel's."""

    AS_PROPOSED = "as_proposed", "As the service proposed"
    OTHERWISE = "otherwise", "Not as proposed (approve / keep the approval and terms)"


class FinalOutcome(LabelledEnum):
    AS_PROPOSED = "as_proposed", "Decided as proposed"
    NOT_PROCEEDED = "not_proceeded", "Not proceeded with"


class Step(LabelledEnum):
    """Where a determination stands on a day."""

    AWAITING_RESPONSE = "awaiting_response", "Within the 28 days for a response"
    MAY_DECIDE = "may_decide", "28 days passed with no response: the service may decide"
    TO_PANEL = "to_panel", "Representations received: refer to the fostering panel"
    WITH_IRM = "with_irm", "With the Independent Review Mechanism"
    DECISION_DUE = "decision_due", "Recommendation received: final decision due"
    DECIDED = "decided", "Decided"


class ReviewOutcome(LabelledEnum):
    """What a review of approval concluded (reg 28(4)); the codes the annual review
    event already stores."""

    CONTINUE = "continue", "Terms continue"
    CHANGE_TERMS = "change_terms", "Change terms"
    TERMINATE = "terminate", "Terminate approval"


#: The determination a review's outcome starts (reg 28(7)).
REVIEW_STARTS = {
    ReviewOutcome.CHANGE_TERMS: DeterminationKind.CHANGE_OF_TERMS,
    ReviewOutcome.TERMINATE: DeterminationKind.TERMINATION,
}


def last_day_to_respond(notified_on: date) -> date:
    """Day 28 after the notice (reg 27(6)(b), 28(7)(b)): the last day on which
    representations or an IRM application are in time."""
    return notified_on + timedelta(days=RESPONSE_DAYS)


def step_on(det: Any, day: date) -> Step:
    """Where a determination stands on `day`, from its own dates."""
    if det.decided_on is not None and det.decided_on <= day:
        return Step.DECIDED
    if det.response is None or det.response_received_on > day:
        if day > last_day_to_respond(det.notified_on):
            return Step.MAY_DECIDE
        return Step.AWAITING_RESPONSE
    if det.recommended_on is not None and det.recommended_on <= day:
        return Step.DECISION_DUE
    return Step.TO_PANEL if det.response is Response.REPRESENTATIONS else Step.WITH_IRM


def decision_due_on(recommended_on: date) -> date:
    """NMS 14.9: 7 working days (bank holidays excepted) after the recommendation."""
    return add_working_days(recommended_on, DECISION_WORKING_DAYS)


def irm_papers_due_on(received_on: date) -> date:
    """reg 29(2): ten working days after the IRM's notification."""
    return add_working_days(received_on, IRM_PAPERS_WORKING_DAYS)


def check_notice(kind: DeterminationKind, notified_on: date, reasons: str, as_of: date) -> None:
    """The notice is written, with reasons, and dated no later than today."""
    if notified_on > as_of:
        raise HouseholdRuleError(
            f"The notice date {uk_date(notified_on)} is in the future.", "notified_on"
        )
    if not reasons.strip():
        raise HouseholdRuleError("The notice gives the reasons (reg 27(6)(a), 28(7)(a)).")


def check_none_open(determinations: list[Any]) -> None:
    """One qualifying determination at a time on a record: a second proposal waits for
    the first's final decision."""
    for det in determinations:
        if det.decided_on is None:
            raise HouseholdRuleError(
                f"The {det.kind.label.split(' (')[0].lower()} notified on "
                f"{uk_date(det.notified_on)} awaits its final decision.",
                "notified_on",
            )


def check_response(det: Any, response: Response, received_on: date, as_of: date) -> None:
    """Representations or an IRM application, received within the 28 days: after those
    the service may decide (reg 27(7), 28(8)), and a late one is not in time."""
    if det.decided_on is not None:
        raise HouseholdRuleError("The final decision is already recorded.", "received_on")
    if det.response is not None:
        raise HouseholdRuleError(
            f"{det.response.label} was recorded on {uk_date(det.response_received_on)}.",
            "received_on",
        )
    if received_on > as_of:
        raise HouseholdRuleError(
            f"The date received {uk_date(received_on)} is in the future.", "received_on"
        )
    if received_on < det.notified_on:
        raise HouseholdRuleError(
            f"The date received is before the notice ({uk_date(det.notified_on)}).",
            "received_on",
        )
    last = last_day_to_respond(det.notified_on)
    if received_on > last:
        raise HouseholdRuleError(
            f"The 28 days for a response ended on {uk_date(last)}: this came too late "
            "(reg 27(6)(b), 28(7)(b)); the service may decide.",
            "received_on",
        )


def check_irm_papers(det: Any, on: date, as_of: date) -> None:
    """The papers go to the IRM after its notification, once (reg 29(2))."""
    if det.response is not Response.IRM:
        raise HouseholdRuleError("No IRM application is recorded.", "irm_papers_sent_on")
    if det.irm_papers_sent_on is not None:
        raise HouseholdRuleError(
            f"The papers were sent on {uk_date(det.irm_papers_sent_on)}.", "irm_papers_sent_on"
        )
    if on > as_of or on < det.response_received_on:
        raise HouseholdRuleError(
            "The papers are sent between the IRM's notification and today.", "irm_papers_sent_on"
        )


def check_recommendation(det: Any, on: date, as_of: date) -> None:
    """The fostering panel's reconsideration (reg 27(8), 28(10)) or the IRM panel's
    recommendation, after the response that led to it."""
    if det.response is None:
        raise HouseholdRuleError(
            "A recommendation follows representations or an IRM application; none is recorded.",
            "recommended_on",
        )
    if det.decided_on is not None or det.recommended_on is not None:
        raise HouseholdRuleError("The recommendation is already recorded.", "recommended_on")
    if on > as_of:
        raise HouseholdRuleError(f"The date {uk_date(on)} is in the future.", "recommended_on")
    if on < det.response_received_on:
        raise HouseholdRuleError(
            f"The date is before the response was received ({uk_date(det.response_received_on)}).",
            "recommended_on",
        )


def check_decision(det: Any, on: date, as_of: date) -> None:
    """The final decision: with no response, from day 29 after the notice (reg 27(7),
    28(8)); after representations or an IRM application, only once the panel's or the
    IRM panel's recommendation is in (reg 27(8)-(9), 28(10)-(11))."""
    if det.decided_on is not None:
        raise HouseholdRuleError(
            f"The final decision was recorded on {uk_date(det.decided_on)}.", "decided_on"
        )
    if on > as_of:
        raise HouseholdRuleError(f"The decision date {uk_date(on)} is in the future.", "decided_on")
    if det.response is None:
        last = last_day_to_respond(det.notified_on)
        if on <= last:
            raise HouseholdRuleError(
                f"The carers have until {uk_date(last)} to make representations or apply to "
                f"the IRM: with no response the service may decide from "
                f"{uk_date(last + timedelta(days=1))}.",
                "decided_on",
            )
        return
    if det.recommended_on is None:
        whose = "fostering panel's" if det.response is Response.REPRESENTATIONS else "IRM panel's"
        raise HouseholdRuleError(
            f"{det.response.label} received: record the {whose} recommendation first.",
            "decided_on",
        )
    if on < det.recommended_on:
        raise HouseholdRuleError(
            f"The decision is before the recommendation ({uk_date(det.recommended_on)}).",
            "decided_on",
        )


def check_review(
    first: bool, reviewed_on: date, presented_to_panel_on: date | None, as_of: date
) -> None:
    """A review is dated no later than today; its report goes to the panel on or after
    it (the first review always does, reg 28(5): its panel date may follow later)."""
    if reviewed_on > as_of:
        raise HouseholdRuleError(
            f"The review date {uk_date(reviewed_on)} is in the future.", "date"
        )
    if presented_to_panel_on is None:
        return
    if presented_to_panel_on > as_of:
        raise HouseholdRuleError(
            f"The panel date {uk_date(presented_to_panel_on)} is in the future.",
            "presented_to_panel_on",
        )
    if presented_to_panel_on < reviewed_on:
        raise HouseholdRuleError(
            "The panel considers the review's report: its date is on or after the review's.",
            "presented_to_panel_on",
        )


def terms_effective_from(notified_on: date, decided_on: date) -> date:
    """A change of terms takes effect on the final decision, and never before the 28
    days after the notice have passed (reg 28(7), the carer may challenge it)."""
    return max(decided_on, last_day_to_respond(notified_on) + timedelta(days=1))


def review_needed_since(
    last_review: date | None, events: list[tuple[date, str]]
) -> tuple[date, str] | None:
    """Reg 28(2): approval is reviewed at least yearly *and whenever the service considers
    it necessary*. An allegation concluded, someone joining or leaving the household, or
    a complaint upheld (each dated) suggests a review; a review recorded on or after the
    latest of them clears the suggestion. Returns the earliest event not yet followed by
    a review, with why."""
    pending = sorted((on, why) for on, why in events if last_review is None or on > last_review)
    return pending[0] if pending else None

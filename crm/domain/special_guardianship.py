"""Special guardianship and child arrangements orders as the outcome of a connected
person's case (issue 33, item 6).

Family and Friends Care: Statutory Guidance for Local Authorities (DfE 2011) asks the
local authority to consider, for a child living with a connected person, whether an
order that makes them the child's legal carers outside the care system would serve
the child better than fostering: a special guardianship order (Children Act 1989,
s.14A; the court needs the local authority's report under s.14A(8) and the Special
Guardianship Regulations 2005, reg 21 and schedule) or a child arrangements order
saying the child lives with them (s.8). The viability assessment can lead straight to
one (crm.domain.kinship.ViabilityRoute), or a fostering case (with a temporary approval
under reg 24, or an approved household) can end in one. Pure rules on anything shaped
like crm.models.special_guardianship.OrderAssessment.

How a case that ends in an order before approval is closed (domain.md, "Exits" and
"Withdrawals"): as *withdrawn by the service* with its own reason, ORDER_MADE_REASON,
never as withdrawn by the applicant. The AW codes say why an applicant gave up on
fostering (not as expected, circumstances changed, money, allegations); the
connected person did not give up: the court made them the child's legal carers, and
the service ends the fostering assessment because the child's legal basis changed
(the decision is in the child's plan, which the local authority owns). Filing it
under AW0 would hide the good outcome among the drop-outs an Ofsted return counts.
The return still counts it once among applications withdrawn by the service (the
completed applications add up), with a line of its own under them.

An approved household that leaves fostering by such an order is deregistered with the
one good-outcome reason, DeregistrationReason.CHILD_STAYS_WITH_CARERS (domain.md,
"Kinship apart"): counted apart, kept out of turnover and the retention model's label.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crm.domain.household_vocabulary import DeregistrationReason, InitiatedBy
from crm.domain.labelled import LabelledEnum
from crm.formatting import uk_date

#: The service-withdrawal reason code of a fostering case closed because the order was
#: made (crm.domain.stages.SERVICE_WITHDRAWAL_REASONS).
ORDER_MADE_REASON = "order_made"
#: The household's reason when it leaves fostering by the order, and who started it:
#: the carers applied for the order (with the authority's support and report).
ORDER_DEREGISTRATION = (DeregistrationReason.CHILD_STAYS_WITH_CARERS, InitiatedBy.CARER)


class OrderKind(LabelledEnum):
    SPECIAL_GUARDIANSHIP = (
        "special_guardianship",
        "Special guardianship order (Children Act 1989, s.14A)",
    )
    CHILD_ARRANGEMENTS = (
        "child_arrangements",
        "Child arrangements order: the child lives with them (Children Act 1989, s.8)",
    )

    @property
    def short(self) -> str:
        return "SGO" if self is OrderKind.SPECIAL_GUARDIANSHIP else "CAO"


class OrderOutcome(LabelledEnum):
    MADE = "made", "Order made"
    NOT_MADE = "not_made", "Order not made"
    WITHDRAWN = "withdrawn", "Withdrawn (the connected person or the plan)"


class OrderRuleError(ValueError):
    """An order assessment or outcome the rules refuse; `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_order_assessment(
    started_on: date, opened_on: date, existing: list[Any], as_of: date
) -> None:
    """An order assessment starts on or after the case opened, not in the future, and
    one at a time (a second one follows the first's outcome)."""
    if started_on > as_of:
        raise OrderRuleError(f"The date {uk_date(started_on)} is in the future.", "started_on")
    if started_on < opened_on:
        raise OrderRuleError(
            f"The assessment is dated before the case opened ({uk_date(opened_on)}).",
            "started_on",
        )
    running = [a for a in existing if a.outcome is None]
    if running:
        raise OrderRuleError(
            f"An assessment for a {running[0].order.short} started on "
            f"{uk_date(running[0].started_on)} has no outcome yet; record it first.",
            "order",
        )


def check_order_outcome(
    assessment: Any,
    outcome: OrderOutcome,
    decided_on: date,
    order_made_on: date | None,
    as_of: date,
) -> None:
    """The outcome of an order assessment: once, on or after it started, not in the
    future; an order made has the date the court made it (the day the child's legal
    basis changed, which is the day the fostering case or approval ends), and only
    an order made has one."""
    if assessment.outcome is not None:
        raise OrderRuleError(
            f"The assessment already has its outcome ({assessment.outcome.label.lower()}).",
            "outcome",
        )
    for field, day in (("decided_on", decided_on), ("order_made_on", order_made_on)):
        if day is not None and day > as_of:
            raise OrderRuleError(f"The date {uk_date(day)} is in the future.", field)
        if day is not None and day < assessment.started_on:
            raise OrderRuleError(
                f"The date {uk_date(day)} is before the assessment started "
                f"({uk_date(assessment.started_on)}).",
                field,
            )
    if outcome is OrderOutcome.MADE and order_made_on is None:
        raise OrderRuleError("Give the date the court made the order.", "order_made_on")
    if outcome is not OrderOutcome.MADE and order_made_on is not None:
        raise OrderRuleError(
            "Only an order that was made has the date it was made.", "order_made_on"
        )


def what_the_order_ends(case_open: bool, household_current: bool) -> str | None:
    """What an order made ends: the fostering case still being assessed ("case"), the
    household approved from it ("household"), or nothing left in fostering (None: the
    case was closed before and no household is current)."""
    if case_open:
        return "case"
    if household_current:
        return "household"
    return None

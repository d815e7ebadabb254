"""Recording a connected person's order assessment and what the court did, and what an
order made ends: the fostering case still being assessed, or the household approved
from it (crm.domain.special_guardianship)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from crm.domain.special_guardianship import (
    ORDER_DEREGISTRATION,
    ORDER_MADE_REASON,
    OrderKind,
    OrderOutcome,
    OrderRuleError,
    check_order_assessment,
    check_order_outcome,
    what_the_order_ends,
)
from crm.domain.stages import EventKind
from crm.extensions import db
from crm.models import Case, Household, OrderAssessment, User
from crm.timeutil import today


def household_of(case: Case) -> Household | None:
    """The household approved from the case (none for a case not yet written: its id
    would read as NULL, the case of every household imported without one)."""
    if case.id is None:
        return None
    return db.session.scalar(sa.select(Household).where(Household.case_id == case.id))


def start_order_assessment(
    case: Case,
    order: OrderKind,
    started_on: date,
    by: User | None,
    note: str | None = None,
    as_of: date | None = None,
) -> OrderAssessment:
    """A connected person assessed for an order (the viability's route, or later on a
    fostering case or an approved household). Does not commit."""
    if not case.is_kinship:
        raise OrderRuleError(
            "An order assessment is for a connected person (kinship) case.", "order"
        )
    as_of = as_of or today()
    check_order_assessment(started_on, case.enquiry_date, OrderAssessment.for_case(case.id), as_of)
    assessment = OrderAssessment(
        case=case, order=order, started_on=started_on, note=note or None, recorded_by=by
    )
    db.session.add(assessment)
    case.touch(started_on)
    return assessment


def record_order_outcome(
    assessment: OrderAssessment,
    outcome: OrderOutcome,
    decided_on: date,
    order_made_on: date | None,
    by: User | None,
    as_of: date | None = None,
) -> str | None:
    """Record what the court did. An order made ends the fostering case still being
    assessed (withdrawn by the service, reason "order made": a good outcome, not an AW
    code) or deregisters the household approved from it (the good-outcome reason);
    returns which ("case", "household" or None). Does not commit."""
    as_of = as_of or today()
    check_order_outcome(assessment, outcome, decided_on, order_made_on, as_of)
    case = assessment.case
    ends = None
    if outcome is OrderOutcome.MADE:
        household = household_of(case)
        current = household is not None and household.deregistration_date is None
        ends = what_the_order_ends(case.is_open, current)
        if ends == "case":
            case.record_step(
                EventKind.WITHDRAWN_BY_SERVICE,
                order_made_on,
                by,
                note=f"{assessment.order.short} made on the connected person",
                reason=ORDER_MADE_REASON,
                as_of=as_of,
            )
        elif ends == "household":
            reason, initiated_by = ORDER_DEREGISTRATION
            household.deregister(order_made_on, reason, initiated_by, as_of=as_of)
    assessment.outcome, assessment.decided_on = outcome, decided_on
    assessment.order_made_on = order_made_on
    case.touch(decided_on)
    return ends

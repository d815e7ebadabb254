"""Kinship figures measured against the kinship clock, and the connected-persons lines
of the Ofsted return (issue 33, item 7).

A connected person temporarily approved for a named child under the Care Planning,
Placement and Case Review (England) Regulations 2010, reg 24, is approved for 16 weeks;
a nominated officer may extend it once, to 24 weeks at most (reg 25). The full
fostering assessment is judged against that clock, not NMS 14.4's eight months. Every
count here comes from a list of the records it counts (`clock_rows`, `orders_made`), and
the page's links open that same list, so a figure and the list it opens cannot differ.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from crm.domain.kinship import first_expiry, latest_extension
from crm.domain.special_guardianship import ORDER_MADE_REASON, OrderKind, OrderOutcome
from crm.domain.stages import Stage
from crm.extensions import db
from crm.metrics.period import Period, ratio
from crm.models import CarerType, Case, OrderAssessment, TemporaryApproval


@dataclass(frozen=True)
class ClockRow:
    """One temporary approval whose full assessment was decided: when, and against
    which mark of the clock."""

    case_id: int
    approved_on: date
    decided_on: date
    outcome: Stage

    @property
    def days(self) -> int:
        return (self.decided_on - self.approved_on).days

    @property
    def within_16_weeks(self) -> bool:
        """Decided before the temporary approval would lapse unextended: on or before
        day 111 after it (approved 1 Apr 2025: decided by 21 Jul 2025; 22 Jul 2025 is
        the day it lapses, crm.domain.kinship.first_expiry, and is too late)."""
        return self.decided_on < first_expiry(self.approved_on)

    @property
    def within_24_weeks(self) -> bool:
        """Decided before the furthest a single extension can reach (day 167 after it)."""
        return self.decided_on < latest_extension(self.approved_on)


#: The clock figures, by name, as the page and the list filter name them.
CLOCK_FIGURES = {
    "decided": "Full assessments decided after a temporary approval",
    "within_16_weeks": "decided within 16 weeks of the temporary approval",
    "within_24_weeks": "decided within 24 weeks of the temporary approval",
    "later": "decided later than 24 weeks",
}


#: How a full assessment is decided: the agency decision, either way.
AGENCY_DECISIONS = (Stage.APPROVED, Stage.REJECTED)


def clock_rows(period: Period) -> list[ClockRow]:
    """The denominator of the kinship clock figures, exactly: every temporary approval
    under reg 24 (one per case) whose full assessment ended in an agency decision in the
    period (on or after its first day and on or before its last day, the as-of date at
    the latest): approved by the agency decision maker, or not approved (rejected at
    panel or by the decision maker). Reg 24-25's clock asks whether the service decided
    in time; a case withdrawn by the applicant or the service, or closed because a
    special guardianship or child arrangements order was made instead, was not decided
    and is counted apart (the Ofsted return's lines for orders and withdrawals). The
    decision's date is the case's outcome date (the approval date for an approval). A
    temporary approval whose case is still open, or was decided outside the period, is
    not counted; one dated after its decision (entered late) still is."""
    rows = db.session.execute(
        sa.select(Case.id, TemporaryApproval.approved_on, Case.outcome_date, Case.stage)
        .join(TemporaryApproval, TemporaryApproval.case_id == Case.id)
        .where(Case.stage.in_(AGENCY_DECISIONS), period.covers(Case.outcome_date))
        .order_by(Case.outcome_date, Case.id)
    )
    return [ClockRow(*row) for row in rows]


def clock_figure_rows(period: Period, figure: str) -> list[ClockRow]:
    """The rows one figure counts (the list its link opens)."""
    rows = clock_rows(period)
    if figure == "within_16_weeks":
        return [r for r in rows if r.within_16_weeks]
    if figure == "within_24_weeks":
        return [r for r in rows if r.within_24_weeks]
    if figure == "later":
        return [r for r in rows if not r.within_24_weeks]
    return rows


def clock_figures(period: Period) -> dict:
    """{figure: count} for CLOCK_FIGURES, and the shares of the decided ones."""
    rows = clock_rows(period)
    found = {name: len(clock_figure_rows(period, name)) for name in CLOCK_FIGURES}
    found["share_within_16_weeks"] = ratio(found["within_16_weeks"], len(rows))
    found["share_within_24_weeks"] = ratio(found["within_24_weeks"], len(rows))
    return found


def temporary_approvals_made(period: Period) -> sa.Select:
    """Temporary approvals (reg 24) dated in the period, with their cases."""
    return (
        sa.select(Case)
        .join(TemporaryApproval, TemporaryApproval.case_id == Case.id)
        .where(period.covers(TemporaryApproval.approved_on))
        .order_by(TemporaryApproval.approved_on, Case.id)
    )


def connected_persons_approved(period: Period, after_temporary: bool = False) -> sa.Select:
    """Connected persons approved as foster carers (the ADM's decision) in the period;
    `after_temporary`: only those temporarily approved first."""
    query = sa.select(Case).where(
        Case.carer_type == CarerType.KINSHIP, period.covers(Case.approval_date)
    )
    if after_temporary:
        query = query.where(Case.temporary_approval.has())
    return query.order_by(Case.approval_date, Case.id)


def orders_made(period: Period, order: OrderKind | None = None) -> sa.Select:
    """Cases whose connected person had a special guardianship or child arrangements
    order made to them in the period (the day the court made it)."""
    query = (
        sa.select(Case)
        .join(OrderAssessment, OrderAssessment.case_id == Case.id)
        .where(OrderAssessment.outcome == OrderOutcome.MADE)
        .where(period.covers(OrderAssessment.order_made_on))
    )
    if order is not None:
        query = query.where(OrderAssessment.order == order)
    return query.order_by(OrderAssessment.order_made_on, Case.id)


def closed_by_order(period: Period) -> sa.Select:
    """Fostering cases closed in the period because an order was made instead (withdrawn
    by the service with the reason "order made", not an AW code)."""
    return (
        sa.select(Case)
        .where(Case.stage == Stage.WITHDRAWN_BY_SERVICE, Case.outcome_reason == ORDER_MADE_REASON)
        .where(period.covers(Case.outcome_date))
        .order_by(Case.outcome_date, Case.id)
    )


#: The lists behind the connected-persons figures: {name: (label, query for a period)}.
CASE_FIGURES = {
    "temporary_approvals": (
        "Temporary approvals (reg 24) made",
        temporary_approvals_made,
    ),
    "approved": (
        "Connected persons approved as foster carers",
        connected_persons_approved,
    ),
    "approved_after_temporary": (
        "of whom temporarily approved first",
        lambda period: connected_persons_approved(period, after_temporary=True),
    ),
    "sgo_made": (
        "Special guardianship orders made to connected persons",
        lambda period: orders_made(period, OrderKind.SPECIAL_GUARDIANSHIP),
    ),
    "cao_made": (
        "Child arrangements orders made to connected persons",
        lambda period: orders_made(period, OrderKind.CHILD_ARRANGEMENTS),
    ),
    "closed_by_order": (
        "Fostering cases closed because an order was made instead",
        closed_by_order,
    ),
}


def count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def case_figures(period: Period) -> dict[str, int]:
    return {name: count(query(period)) for name, (_, query) in CASE_FIGURES.items()}


def ofsted_lines(period: Period) -> list[tuple[str, dict]]:
    """The return's connected-persons lines, (measure, {carer type: n}): every one is a
    kinship count (a connected person is a kinship carer by definition)."""
    cases = case_figures(period)
    clock = clock_figures(period)

    def kinship(n: int) -> dict:
        return Counter({CarerType.KINSHIP: n})

    return [
        (
            "Temporary approvals of connected persons (reg 24)",
            kinship(cases["temporary_approvals"]),
        ),
        ("Connected persons approved as foster carers", kinship(cases["approved"])),
        ("  of whom temporarily approved first", kinship(cases["approved_after_temporary"])),
        (
            "Full assessments decided after a temporary approval",
            kinship(clock["decided"]),
        ),
        ("  within 16 weeks of the temporary approval", kinship(clock["within_16_weeks"])),
        ("  within 24 weeks of the temporary approval", kinship(clock["within_24_weeks"])),
        ("Special guardianship orders made to connected persons", kinship(cases["sgo_made"])),
        ("Child arrangements orders made to connected persons", kinship(cases["cao_made"])),
        (
            "Fostering applications closed because an order was made instead",
            kinship(cases["closed_by_order"]),
        ),
    ]

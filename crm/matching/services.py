"""What the matching pages do: rank households for a described child, and record offers
and the carers' answers (audited by the session's flush, like every record)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from crm.domain.matching import (
    Child,
    DeclineReason,
    Fit,
    ReferralOutcome,
    check_answer,
    check_offer,
    rank,
)
from crm.extensions import db
from crm.models import Household, Referral, User
from crm.queries.matching import Upcoming, approved_soon, coming_back, households_on


@dataclass(frozen=True)
class Matches:
    free: list[Fit]  # households with a place free on the day, best first
    coming_back: list[Upcoming]
    approved_soon: list[Upcoming]


def find_carers(child: Child, seen_by: User | None = None) -> Matches:
    """Households with a place free on the child's day, ranked, and those that will
    have one soon (the applicants among them only those `seen_by` may open)."""
    free = [h for h in households_on(child.on) if h.vacant > 0]
    return Matches(rank(child, free), coming_back(child.on), approved_soon(child.on, seen_by))


def record_offer(
    household: Household,
    child: Child,
    offered_on: date,
    by: User,
    today: date,
    child_reference: str | None = None,
    note: str | None = None,
) -> Referral:
    """The child offered to the household. Does not commit."""
    check_offer(offered_on, today)
    referral = Referral(
        household=household,
        offered_on=offered_on,
        child_reference=child_reference or None,
        child_age=child.age,
        siblings=child.siblings,
        needs=sorted(n.value for n in child.needs),
        outcome=ReferralOutcome.OFFERED,
        recorded_by=by,
        note=note or None,
    )
    db.session.add(referral)
    return referral


def record_answer(
    referral: Referral,
    outcome: ReferralOutcome,
    answered_on: date,
    today: date,
    reason: DeclineReason | None = None,
    note: str | None = None,
) -> None:
    """The carers' answer. Does not commit."""
    check_answer(outcome, referral.offered_on, answered_on, reason, referral.outcome, today)
    referral.outcome, referral.answered_on, referral.decline_reason = outcome, answered_on, reason
    if note:
        referral.note = f"{referral.note}\n{note}" if referral.note else note


def declines_by_reason(since: date) -> list[tuple[DeclineReason, int]]:
    """Offers declined since `since`, by reason, most first: what the carers cannot take."""
    found = Counter(
        db.session.scalars(
            sa.select(Referral.decline_reason).where(
                Referral.outcome == ReferralOutcome.DECLINED, Referral.answered_on >= since
            )
        )
    )
    return found.most_common()


def waiting_for_answers() -> list[Referral]:
    """Offers the carers have not answered yet, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Referral)
            .where(Referral.outcome == ReferralOutcome.OFFERED)
            .order_by(Referral.offered_on, Referral.id)
        )
    )

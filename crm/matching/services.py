"""What the matching pages do: rank households for a described child, and record offers
and the carers' answers (audited by the session's flush, like every record)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from crm import audit
from crm.domain.geography import district
from crm.domain.matching import (
    DeclineReason,
    Fit,
    Group,
    ReferralOutcome,
    check_answer,
    check_offer,
    rank,
)
from crm.extensions import db
from crm.models import AuditAction, Carer, Household, Referral, User
from crm.queries.matching import (
    Upcoming,
    approved_soon,
    centroids_for,
    coming_back,
    households_on,
)

#: What the audit log says was read when carers' identity was weighed (s.22(5)(c)).
COMPARED = "characteristics (special category data) weighed in matching"


@dataclass(frozen=True)
class Matches:
    free: list[Fit]  # households that may be offered, with a place free on the day, best first
    not_offered: list[Fit]  # households with a place free the law or a hold bars, and why
    coming_back: list[Upcoming]
    approved_soon: list[Upcoming]


def find_carers(group: Group, seen_by: User | None = None) -> Matches:
    """Households with a place free on the group's day, ranked, those never offered
    apart with their reasons, and those that will have a place soon (the applicants
    among them only those `seen_by` may open). The carers' identity is weighed only for
    households whose characteristics `seen_by` may see (managers, and the household's
    supervising social worker), and each carer weighed is recorded in the audit log."""
    may_see = (lambda h: True) if seen_by is None else (lambda h: h.may_be_edited_by(seen_by))
    households = households_on(group.on, with_identity=may_see)
    wanted = {group.district, group.school_district} | {district(h.postcode) for h in households}
    fits = rank(group, households, centroids_for(wanted))
    if group.describes_identity:
        _record_identity_weighed([f.household.id for f in fits if f.household.identity])
    return Matches(
        [f for f in fits if f.offered],
        [f for f in fits if not f.offered],
        coming_back(group.on),
        approved_soon(group.on, seen_by),
    )


def _record_identity_weighed(household_ids: list[int]) -> None:
    """One audit entry a carer whose characteristics were weighed (the caller commits)."""
    if not household_ids:
        return
    carers = db.session.execute(
        sa.select(Carer.id).where(Carer.household_id.in_(household_ids))
    ).scalars()
    for carer_id in carers:
        audit.record(AuditAction.VIEWED, "Carer", carer_id, COMPARED)


def record_offer(
    household: Household,
    child: Group,
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
        siblings=child.size,
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

"""Workflows that span a case and another aggregate."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from crm.domain.stages import EventKind
from crm.models import ApprovalTerms, Carer, Case, Household, User


def approve_case(
    case: Case,
    on: date,
    by: User | None,
    places: int,
    min_age: int = 0,
    max_age: int = 17,
    categories: Iterable[str] = ("short_term",),
    supervising_worker: User | None = None,
    note: str | None = None,
    today_: date | None = None,
) -> Household:
    """Record the agency decision to approve and create the approved household.

    The household keeps the case's reference, so that later imports and reports
    recognise it as the same family. Raises TransitionRefused if the case is not
    awaiting a decision. Does not commit.
    """
    case.record_step(EventKind.APPROVAL, on, by, note=note, today_=today_)
    household = Household(
        reference=case.reference,
        case=case,
        carer_type=case.carer_type,
        address=case.address,
        postcode=case.postcode,
        approval_date=on,
        supervising_worker=supervising_worker,
    )
    applicants = [m for m in case.members if m.is_applicant] or []
    if applicants:
        household.carers = [
            Carer(full_name=m.full_name, birth_date=m.birth_date) for m in applicants
        ]
    else:
        household.carers = [Carer(full_name=case.display_name)]
    household.terms_history.append(
        ApprovalTerms(
            effective_from=on,
            places=places,
            min_age=min_age,
            max_age=max_age,
            categories=list(categories),
            recorded_by_id=by.id if by else None,
        )
    )
    return household

"""Due and overdue work for many households at once (a fixed number of queries)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from crm.domain.settings import Settings
from crm.domain.supervision import HouseholdRecord, Obligation, obligations
from crm.extensions import db
from crm.models import CarerEvent, CarerEventKind, CarerType, Household
from crm.models.setting import load_settings

VISITS = (CarerEventKind.SUPERVISION_VISIT, CarerEventKind.UNANNOUNCED_VISIT)


def records_on(households: Iterable[Household], as_of: date) -> dict[int, HouseholdRecord]:
    """What the rules need about each household, from its records up to `as_of`."""
    households = list(households)
    ids = [h.id for h in households]
    latest: dict[tuple[int, CarerEventKind], date] = {}
    reviews: dict[int, int] = {}
    first_review: dict[int, date] = {}
    rows = db.session.execute(
        sa.select(
            CarerEvent.household_id,
            CarerEvent.kind,
            sa.func.max(CarerEvent.occurred_on),
            sa.func.count(),
            sa.func.min(CarerEvent.occurred_on),
        )
        .where(
            CarerEvent.household_id.in_(ids),
            CarerEvent.occurred_on <= as_of,
            CarerEvent.kind.in_(
                [*VISITS, CarerEventKind.ANNUAL_REVIEW, CarerEventKind.TSD_COMPLETED]
            ),
        )
        .group_by(CarerEvent.household_id, CarerEvent.kind)
    )
    for household_id, kind, last, count, first in rows:
        latest[(household_id, kind)] = last
        if kind is CarerEventKind.ANNUAL_REVIEW:
            reviews[household_id], first_review[household_id] = count, first
    records = {}
    for h in households:
        visits = [latest.get((h.id, k)) for k in VISITS]
        records[h.id] = HouseholdRecord(
            approval_date=h.approval_date,
            kinship=h.carer_type is CarerType.KINSHIP,
            current=h.current_on(as_of),
            last_visit=max(filter(None, visits), default=None),
            last_unannounced=latest.get((h.id, CarerEventKind.UNANNOUNCED_VISIT)),
            last_review=latest.get((h.id, CarerEventKind.ANNUAL_REVIEW)),
            first_review=first_review.get(h.id),
            reviews=reviews.get(h.id, 0),
            tsd_completed=latest.get((h.id, CarerEventKind.TSD_COMPLETED)),
        )
    return records


def obligations_for(
    households: Iterable[Household], as_of: date, settings: Settings | None = None
) -> dict[int, list[Obligation]]:
    """Each household's duties on `as_of`, most pressing first."""
    settings = settings or load_settings()
    return {
        household_id: sorted(obligations(record, as_of, settings), key=lambda o: o.due_on)
        for household_id, record in records_on(households, as_of).items()
    }

"""Due and overdue work for many households at once (a fixed number of queries).

Each household's visits, reviews and TSD are read once as dated lists (`History`);
what stood on any day is then a lookup (`record_on`), so one household's page, a
caseload and the service's compliance month by month all judge the same facts
the same way.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from crm.domain.kinship import temporary_carer_record
from crm.domain.settings import Settings
from crm.domain.supervision import HouseholdRecord, Obligation, obligations
from crm.extensions import db
from crm.metrics.chasing import states_at
from crm.models import (
    Activity,
    ActivityKind,
    CarerEvent,
    CarerEventKind,
    CarerType,
    Case,
    Household,
    TemporaryApproval,
)
from crm.models.setting import load_settings
from crm.models.spans import running_on

VISITS = (CarerEventKind.SUPERVISION_VISIT, CarerEventKind.UNANNOUNCED_VISIT)
OWED_KINDS = (*VISITS, CarerEventKind.ANNUAL_REVIEW, CarerEventKind.TSD_COMPLETED)
CHUNK = 1000


@dataclass
class History:
    """One household's dated facts the duties depend on, each list in date order."""

    id: int
    approval_date: date
    deregistration_date: date | None
    kinship: bool
    supervising_worker_id: int | None = None
    #: The day the named child moved in under a temporary approval (reg 24), if any.
    placed_from: date | None = None
    dates: dict[CarerEventKind, list[date]] = field(default_factory=dict)

    def _latest(self, kind: CarerEventKind, day: date) -> tuple[date | None, int]:
        """The latest date of `kind` on or before `day`, and how many by then."""
        found = self.dates.get(kind, [])
        n = bisect_right(found, day)
        return (found[n - 1] if n else None), n


def record_on(history: History, day: date) -> HouseholdRecord:
    """What the rules need about the household as it stood on `day`."""
    visits = [history._latest(kind, day)[0] for kind in VISITS]
    last_review, reviews = history._latest(CarerEventKind.ANNUAL_REVIEW, day)
    first_reviews = history.dates.get(CarerEventKind.ANNUAL_REVIEW, [])
    return HouseholdRecord(
        approval_date=history.approval_date,
        kinship=history.kinship,
        current=running_on(history.approval_date, history.deregistration_date, day),
        last_visit=max(filter(None, visits), default=None),
        last_unannounced=history._latest(CarerEventKind.UNANNOUNCED_VISIT, day)[0],
        last_review=last_review,
        first_review=first_reviews[0] if reviews else None,
        reviews=reviews,
        tsd_completed=history._latest(CarerEventKind.TSD_COMPLETED, day)[0],
        placed_from=history.placed_from,
    )


def histories(households: Iterable[Household | History], until: date) -> dict[int, History]:
    """The duty-relevant history up to `until` of each household (ORM rows or Histories
    without their dates), in one query per thousand households."""
    found: dict[int, History] = {}
    for h in households:
        found[h.id] = (
            h
            if isinstance(h, History)
            else History(
                h.id,
                h.approval_date,
                h.deregistration_date,
                h.carer_type is CarerType.KINSHIP,
                h.supervising_worker_id,
                h.temporary_placed_on,
            )
        )
    ids = list(found)
    for start in range(0, len(ids), CHUNK):
        _add_dates(found, ids[start : start + CHUNK], until)
    return found


def _add_dates(found: dict[int, History], ids: list[int], until: date) -> None:
    """Plain columns through the Core connection, the kind and date as stored: at
    national scale SQLAlchemy's per-row conversions cost more than the query. The Core
    connection bypasses the ORM's filter of voided records, so it says so itself."""
    kinds = {kind.value: kind for kind in OWED_KINDS}
    rows = db.session.connection().execute(
        sa.select(
            CarerEvent.household_id,
            sa.type_coerce(CarerEvent.kind, sa.String),
            sa.type_coerce(CarerEvent.occurred_on, sa.String),
        )
        .where(
            CarerEvent.household_id.in_(ids),
            CarerEvent.occurred_on <= until,
            CarerEvent.kind.in_(OWED_KINDS),
            CarerEvent.live(),
        )
        .order_by(CarerEvent.household_id, CarerEvent.occurred_on)
    )
    for household_id, kind, on in rows:  # SQLite gives the date as its ISO text
        day = on if isinstance(on, date) else date.fromisoformat(on)
        found[household_id].dates.setdefault(kinds[kind], []).append(day)


def records_on(households: Iterable[Household], as_of: date) -> dict[int, HouseholdRecord]:
    """What the rules need about each household, from its records up to `as_of`."""
    return {
        household_id: record_on(history, as_of)
        for household_id, history in histories(households, as_of).items()
    }


def obligations_for(
    households: Iterable[Household], as_of: date, settings: Settings | None = None
) -> dict[int, list[Obligation]]:
    """Each household's duties on `as_of`, most pressing first."""
    settings = settings or load_settings()
    return {
        household_id: sorted(obligations(record, as_of, settings), key=lambda o: o.due_on)
        for household_id, record in records_on(households, as_of).items()
    }


TEMPORARY_CARER_KINDS = (
    ActivityKind.SUPERVISION_VISIT,
    ActivityKind.UNANNOUNCED_VISIT,
    ActivityKind.TSD_COMPLETED,
    ActivityKind.TEMPORARY_REVIEW,
)


def temporary_carer_records(
    as_of: date, among: sa.ColumnElement[bool] | None = None
) -> dict[int, HouseholdRecord]:
    """What each temporarily approved connected person with the named child placed is
    owed on `as_of` (crm.domain.kinship.temporary_carer_record), by case: three queries
    (only cases matching `among`, when given)."""
    query = sa.select(TemporaryApproval).where(
        TemporaryApproval.placed_on.isnot(None), TemporaryApproval.placed_on <= as_of
    )
    if among is not None:
        query = query.join(Case, Case.id == TemporaryApproval.case_id).where(among)
    temporary = {t.case_id: t for t in db.session.scalars(query)}
    dates: dict[int, dict[str, list[date]]] = {case_id: {} for case_id in temporary}
    rows = db.session.execute(
        sa.select(Activity.case_id, Activity.kind, Activity.occurred_on).where(
            Activity.case_id.in_(list(temporary)),
            Activity.kind.in_(TEMPORARY_CARER_KINDS),
            Activity.occurred_on <= as_of,
        )
    )
    for case_id, kind, on in rows:
        dates[case_id].setdefault(kind.value, []).append(on)
    found = {}
    for case_id, state in states_at(list(temporary), as_of).items():
        record = temporary_carer_record(temporary[case_id], state, dates[case_id], as_of)
        if record is not None:
            found[case_id] = record
    return found

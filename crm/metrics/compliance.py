"""Compliance at service level, now and month by month, and supervising social workers'
caseloads: the percentages a manager reports, each traceable to its households."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from crm.domain.compliance import Certificates, Measure, Person, judge
from crm.domain.settings import Settings
from crm.extensions import db
from crm.metrics.period import ratio
from crm.metrics.supervision import records_on
from crm.models import Carer, CarerType, Household, Resident, User
from crm.models.setting import load_settings


@dataclass
class Tally:
    """One measure on one day: households in its scope, how many comply, and which
    do not (the drill-down)."""

    in_scope: int = 0
    compliant: int = 0
    not_compliant: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return ratio(self.compliant, self.in_scope)


def _households(as_of: date, carer_type: CarerType | None) -> list[Household]:
    query = sa.select(Household).where(Household.current_on(as_of))
    if carer_type is not None:
        query = query.where(Household.carer_type == carer_type)
    return list(db.session.scalars(query.order_by(Household.reference)))


def compliance_on(
    as_of: date, carer_type: CarerType | None = None, settings: Settings | None = None
) -> dict[Measure, Tally]:
    """Every measure over the households current on `as_of` (of one type, if given)."""
    settings = settings or load_settings()
    households = _households(as_of, carer_type)
    people = certificates([h.id for h in households])
    tallies = {measure: Tally() for measure in Measure}
    for household_id, record in records_on(households, as_of).items():
        verdicts = judge(record, as_of, settings, people.get(household_id))
        for measure, verdict in verdicts.items():
            if verdict is None:
                continue
            tally = tallies[measure]
            tally.in_scope += 1
            if verdict:
                tally.compliant += 1
            else:
                tally.not_compliant.append(household_id)
    return tallies


def certificates(household_ids: list[int]) -> dict[int, Certificates]:
    """Each household's carers and residents with their DBS and medical dates (2 queries)."""
    found: dict[int, Certificates] = {}
    for c in db.session.scalars(sa.select(Carer).where(Carer.household_id.in_(household_ids))):
        found.setdefault(c.household_id, Certificates()).people.append(
            Person(c.full_name, True, c.birth_date, c.dbs_issued_on, c.medical_on)
        )
    for r in db.session.scalars(
        sa.select(Resident).where(Resident.household_id.in_(household_ids))
    ):
        found.setdefault(r.household_id, Certificates()).people.append(
            Person(r.full_name, False, r.birth_date, r.dbs_issued_on)
        )
    return found


def month_ends(as_of: date, months: int = 12) -> list[date]:
    """The last day of each of the `months` months to `as_of` (`as_of` itself last)."""
    first_of_month = as_of.replace(day=1)
    ends = [
        first_of_month - relativedelta(months=n) - relativedelta(days=1) for n in range(months - 1)
    ]
    return sorted(ends) + [as_of]


def compliance_by_month(
    as_of: date, carer_type: CarerType | None = None, months: int = 12
) -> list[tuple[date, dict[Measure, Tally]]]:
    """The trend: each measure at the end of each of the last `months` months."""
    settings = load_settings()
    return [(day, compliance_on(day, carer_type, settings)) for day in month_ends(as_of, months)]


@dataclass(frozen=True)
class Caseload:
    worker_id: int | None
    worker: str
    mainstream: int
    kinship: int

    @property
    def total(self) -> int:
        return self.mainstream + self.kinship


def caseloads(as_of: date) -> list[Caseload]:
    """Households current on `as_of` per supervising social worker, largest first, and
    those no one supervises last."""
    rows = db.session.execute(
        sa.select(Household.supervising_worker_id, Household.carer_type, sa.func.count())
        .where(Household.current_on(as_of))
        .group_by(Household.supervising_worker_id, Household.carer_type)
    ).all()
    counts: Counter[tuple[int | None, CarerType]] = Counter()
    for worker_id, carer_type, n in rows:
        counts[(worker_id, carer_type)] += n
    ids = {worker_id for worker_id, _ in counts if worker_id is not None}
    names = dict(
        db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids))).all()
    )
    loads = [
        Caseload(
            worker_id,
            names.get(worker_id, "Not allocated") if worker_id else "Not allocated",
            counts[(worker_id, CarerType.MAINSTREAM)],
            counts[(worker_id, CarerType.KINSHIP)],
        )
        for worker_id in {w for w, _ in counts}
    ]
    return sorted(loads, key=lambda c: (c.worker_id is None, -c.total, c.worker))

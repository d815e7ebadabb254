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
from crm.metrics.supervision import (
    CHUNK,
    History,
    histories,
    record_on,
    temporary_carer_records,
)
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


def _service(first: date, last: date, carer_type: CarerType | None) -> dict[int, History]:
    """Every household current on some day from `first` to `last`, with its history: read
    once, however many days are then judged."""
    query = sa.select(
        Household.id,
        Household.approval_date,
        Household.deregistration_date,
        Household.carer_type,
        Household.supervising_worker_id,
        Household.temporary_placed_on,
    ).where(
        Household.approval_date <= last,
        sa.or_(Household.deregistration_date.is_(None), Household.deregistration_date > first),
    )
    if carer_type is not None:
        query = query.where(Household.carer_type == carer_type)
    rows = db.session.execute(query.order_by(Household.reference)).all()
    bare = [History(r.id, r.approval_date, r.deregistration_date, r.carer_type is CarerType.KINSHIP,
                    r.supervising_worker_id, r.temporary_placed_on) for r in rows]  # fmt: skip
    return histories(bare, last)


def compliance_on_days(
    days: list[date], carer_type: CarerType | None = None, settings: Settings | None = None
) -> dict[date, dict[Measure, Tally]]:
    """Every measure on each of `days`, over the households current that day (of one
    type, if given). The households' histories are read once for all the days."""
    settings = settings or load_settings()
    service = _service(min(days), max(days), carer_type)
    people = certificates(list(service))
    found = {}
    for day in days:
        tallies = {measure: Tally() for measure in Measure}
        for household_id, history in service.items():
            record = record_on(history, day)
            if not record.current:
                continue
            for measure, verdict in judge(record, day, settings, people.get(household_id)).items():
                if verdict is None:
                    continue
                tally = tallies[measure]
                tally.in_scope += 1
                if verdict:
                    tally.compliant += 1
                else:
                    tally.not_compliant.append(household_id)
        found[day] = tallies
    return found


def compliance_on(
    as_of: date, carer_type: CarerType | None = None, settings: Settings | None = None
) -> dict[Measure, Tally]:
    """Every measure over the households current on `as_of` (of one type, if given)."""
    return compliance_on_days([as_of], carer_type, settings)[as_of]


def certificates(household_ids: list[int]) -> dict[int, Certificates]:
    """Each household's carers and residents with their DBS and medical dates (two
    queries per thousand households)."""
    found: dict[int, Certificates] = {}
    for start in range(0, len(household_ids), CHUNK):
        chunk = household_ids[start : start + CHUNK]
        carers = sa.select(
            Carer.household_id, Carer.full_name, Carer.birth_date, Carer.dbs_issued_on,
            Carer.medical_on,
        ).where(Carer.household_id.in_(chunk))  # fmt: skip
        for household_id, name, born, dbs, medical in db.session.execute(carers):
            found.setdefault(household_id, Certificates()).people.append(
                Person(name, True, born, dbs, medical)
            )
        residents = sa.select(
            Resident.household_id, Resident.full_name, Resident.birth_date, Resident.dbs_issued_on
        ).where(Resident.household_id.in_(chunk))
        for household_id, name, born, dbs in db.session.execute(residents):
            found.setdefault(household_id, Certificates()).people.append(
                Person(name, False, born, dbs)
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
    return list(compliance_on_days(month_ends(as_of, months), carer_type).items())


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


#: The measures owed to a temporarily approved carer with the child placed (reg 24).
TEMPORARY_CARER_MEASURES = (Measure.SUPERVISION, Measure.UNANNOUNCED, Measure.REVIEWS, Measure.TSD)


def temporary_carer_compliance(
    as_of: date, carer_type: CarerType | None = None, settings: Settings | None = None
) -> dict[Measure, Tally]:
    """The visit, review and TSD measures over the temporarily approved connected persons
    with the named child living with them on `as_of` (crm.domain.kinship
    .temporary_carer_record), judged as the households' are; `not_compliant` holds case
    ids (they have no household until full approval). Kinship only: none for mainstream."""
    tallies = {measure: Tally() for measure in TEMPORARY_CARER_MEASURES}
    if carer_type is CarerType.MAINSTREAM:
        return tallies
    settings = settings or load_settings()
    for case_id, record in temporary_carer_records(as_of).items():
        judged = judge(record, as_of, settings)
        for measure, tally in tallies.items():
            verdict = judged[measure]
            if verdict is None:
                continue
            tally.in_scope += 1
            if verdict:
                tally.compliant += 1
            else:
                tally.not_compliant.append(case_id)
    return tallies

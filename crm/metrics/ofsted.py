"""The figures a fostering service returns to Ofsted each year, for one financial year.

Laid out as Ofsted's fostering data collection groups them (recruitment: enquiries,
applications and their outcomes, with applicant withdrawals by AW code; households
and places at 31 March; deregistrations by who initiated them and why; allegations),
with mainstream and family-and-friends (kinship) carers apart as Ofsted counts them.
Counts come from the engine's own definitions; nothing is counted a second way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from crm.domain.characteristics import Disability, Ethnicity, Sex
from crm.domain.stages import APPLICANT_WITHDRAWAL_REASONS
from crm.extensions import db
from crm.metrics.determinations import FIGURES as DETERMINATION_FIGURES
from crm.metrics.determinations import determination_counts
from crm.metrics.engine import Period, case_counts, make_period
from crm.metrics.joining import joining_and_leaving
from crm.metrics.kinship import ofsted_lines
from crm.metrics.places import places_by_household
from crm.models import (
    Carer,
    CarerEvent,
    CarerEventKind,
    CarerType,
    Case,
    DeregistrationReason,
    Household,
    InitiatedBy,
)

TYPES = tuple(CarerType)


@dataclass(frozen=True)
class ReturnRow:
    section: str
    measure: str
    by_type: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_type.values())

    def cells(self) -> list:
        return [self.section, self.measure, *(self.by_type[t.value] for t in TYPES), self.total]


def _row(section: str, measure: str, counts: dict) -> ReturnRow:
    return ReturnRow(section, measure, {t.value: int(counts.get(t, 0)) for t in TYPES})


def _case_counts(period: Period) -> dict[str, dict]:
    """{figure: {carer type: count}} from the engine's own grouped pass over cases, so
    the return and the dashboard count with one query."""
    by_group = case_counts(period)
    return {name: {t: by_group[t][name] for t in CarerType} for name in by_group[None]}


def _grouped(query: sa.Select) -> dict:
    """{(key...): {carer_type: n}} from rows of (carer_type, key..., count)."""
    found: dict = defaultdict(Counter)
    for carer_type, *key, n in db.session.execute(query):
        found[tuple(key) if len(key) != 1 else key[0]][carer_type] += n
    return found


def ofsted_return(year: int, as_of: date | None = None) -> list[ReturnRow]:
    """Every row of the return for the financial year starting 1 April `year`."""
    period = make_period(date(year, 4, 1), date(year + 1, 3, 31), as_of)
    end = period.last_day
    events = _case_counts(period)
    rows = [
        _row("Recruitment", "Enquiries received", events["enquiries"]),
        _row("Recruitment", "Initial visits", events["initial_visits"]),
        _row("Recruitment", "Applications received", events["applications"]),
        _row("Recruitment", "Households approved", events["approvals"]),
        *_joining_rows(period),
        _row(
            "Recruitment",
            "Applications withdrawn by the applicant",
            events["applicant_after_application"],
        ),
        *(
            _row("Recruitment", f"  of which before panel, {code}: {label}", events[code])
            for code, label in APPLICANT_WITHDRAWAL_REASONS.items()
        ),
        _row(
            "Recruitment",
            "Applications withdrawn by the service",
            events["service_after_application"],
        ),
        _row("Recruitment", "Applications not approved (rejected)", events["rejected"]),
        _row("Recruitment", f"Applications in progress on {end:%d %B %Y}", _in_progress(end)),
    ]
    rows += _households_and_places(end)
    rows += carers_by_characteristic(end)
    rows += _deregistrations(period)
    rows.append(_leaving_row(period))
    allegations = _grouped(
        sa.select(Household.carer_type, sa.func.count())
        .select_from(CarerEvent)
        .join(Household, CarerEvent.household_id == Household.id)
        .where(CarerEvent.kind == CarerEventKind.ALLEGATION, period.covers(CarerEvent.occurred_on))
        .group_by(Household.carer_type)
    )
    rows.append(
        _row(
            "Allegations",
            "Allegations made against foster carers",
            {t: sum(c.get(t, 0) for c in allegations.values()) for t in TYPES},
        )
    )
    determinations = determination_counts(period)
    rows += [
        _row("Qualifying determinations", label, {t: determinations[t][key] for t in TYPES})
        for key, label in DETERMINATION_FIGURES.items()
    ]
    rows += _connected_persons(period)
    return rows


def _joining(period: Period) -> dict[str, dict]:
    found = joining_and_leaving(period)
    return {name: {t: found[t][name] for t in TYPES} for name in found[None]}


def _joining_rows(period: Period) -> list[ReturnRow]:
    """Approvals of new carers apart from carers transferring in from another service
    (the transfer protocol): the two add up to the households approved."""
    found = _joining(period)
    return [
        _row("Recruitment", "  of which new carers", found["new_approvals"]),
        _row(
            "Recruitment",
            "  of which transferred in from another fostering service",
            found["transfers_in"],
        ),
    ]


def _leaving_row(period: Period) -> ReturnRow:
    """Resignations: carers' notice taking effect in the year (reg 28(13))."""
    return _row(
        "Deregistrations",
        "  resignations by the carers' notice (reg 28(13))",
        _joining(period)["resignations"],
    )


def _connected_persons(period: Period) -> list[ReturnRow]:
    """Temporary approvals, connected persons approved, the kinship clock and the orders
    made, from the kinship records (crm.metrics.kinship, where each is defined)."""
    return [_row("Connected persons", measure, n) for measure, n in ofsted_lines(period)]


def _in_progress(day: date) -> dict:
    """Applications made on or before `day` with no decision or withdrawal by then."""
    return dict(
        (carer_type, n)
        for carer_type, n in db.session.execute(
            sa.select(Case.carer_type, sa.func.count())
            .where(Case.application_open_on(day))
            .group_by(Case.carer_type)
        )
    )


def _households_and_places(day: date) -> list[ReturnRow]:
    types = dict(
        (household_id, carer_type)
        for household_id, carer_type in db.session.execute(
            sa.select(Household.id, Household.carer_type).where(Household.current_on(day))
        )
    )
    households = Counter(types.values())
    places: dict[str, Counter] = defaultdict(Counter)
    for household_id, found in places_by_household(day).items():
        for name, n in found.as_dict().items():
            places[name][types.get(household_id)] += n
    section = f"Households and places on {day:%d %B %Y}"
    return [
        _row(section, "Approved fostering households", households),
        _row(section, "Approved places", places["approved"]),
        _row(section, "  filled", places["filled"]),
        _row(section, "  vacant", places["vacant"]),
        _row(section, "  not available", places["not_available"]),
    ]


#: Ofsted's age bands for foster carers, (label, youngest, oldest).
CARER_AGES = [
    ("under 25", 0, 24),
    ("25 to 34", 25, 34),
    ("35 to 44", 35, 44),
    ("45 to 54", 45, 54),
    ("55 to 64", 55, 64),
    ("65 and over", 65, 200),
]
NOT_RECORDED = "not recorded"


def _age_band(birth_date: date | None, day: date) -> str:
    if birth_date is None:
        return NOT_RECORDED
    age = day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
    return next(label for label, low, high in CARER_AGES if low <= age <= high)


def carers_by_characteristic(day: date) -> list[ReturnRow]:
    """Foster carers in the households current on `day`, by age, sex, ethnic group and
    disability, as far as Hearth holds them (every answer is optional, so "not
    recorded" is a row of its own, and the counts say how complete the record is)."""
    carers = db.session.execute(
        sa.select(Household.carer_type, Carer)
        .join(Carer, Carer.household_id == Household.id)
        .where(Household.current_on(day))
    ).all()
    found: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for carer_type, carer in carers:
        for measure, value in (
            ("Age", _age_band(carer.birth_date, day)),
            ("Sex", carer.sex.label.lower() if carer.sex else NOT_RECORDED),
            ("Ethnic group", carer.ethnicity.group if carer.ethnicity else NOT_RECORDED),
            ("Disability", carer.disability.label.lower() if carer.disability else NOT_RECORDED),
        ):
            found[(measure, value)][carer_type] += 1
    order = {
        "Age": [label for label, _, _ in CARER_AGES],
        "Sex": [s.label.lower() for s in Sex],
        "Ethnic group": list(dict.fromkeys(e.group for e in Ethnicity)),
        "Disability": [d.label.lower() for d in Disability],
    }
    section = f"Foster carers on {day:%d %B %Y}"
    rows = [_row(section, "Foster carers", Counter(t for t, _ in carers))]
    for measure, values in order.items():
        for value in [*values, NOT_RECORDED]:
            if (measure, value) in found:
                rows.append(_row(section, f"  {measure}: {value}", found[(measure, value)]))
    return rows


def _deregistrations(period: Period) -> list[ReturnRow]:
    found = _grouped(
        sa.select(
            Household.carer_type,
            Household.deregistration_initiated_by,
            Household.deregistration_reason,
            sa.func.count(),
        )
        .where(period.covers(Household.deregistration_date))
        .group_by(
            Household.carer_type,
            Household.deregistration_initiated_by,
            Household.deregistration_reason,
        )
    )

    def total(keep) -> dict:
        return {t: sum(c.get(t, 0) for key, c in found.items() if keep(*key)) for t in TYPES}

    section = "Deregistrations"
    rows = [_row(section, "Households deregistered", total(lambda who, why: True))]
    for who in InitiatedBy:
        rows.append(
            _row(section, f"  at the {who.value}'s instigation", total(lambda w, _, x=who: w == x))
        )
    rows.append(_row(section, "  instigator not recorded", total(lambda w, _: w is None)))
    for reason in DeregistrationReason:
        rows.append(
            _row(section, f"  reason: {reason.label}", total(lambda _, r, x=reason: r == x))
        )
    rows.append(_row(section, "  reason: not recorded", total(lambda _, r: r is None)))
    return rows

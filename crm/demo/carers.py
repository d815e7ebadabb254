"""Demo approved households: supervision, reviews, training, placements and leaving.

Month by month over the demo window each current household gets visits,
training, support and placements, and may leave (crm/demo/leaving.py says who
and why). Who leaves follows the research summarised in domain.md, as a
monthly hazard of deregistration:

    base 0.5% a month (with the factors below, about 13% a year, as nationally)
    x 2.0 if the eldest carer is 60-64, x 3.5 if 65 or over (retirement)
    x 3.0 in the 12 months after an allegation
    x 2.5 if the household is neglected (visits every 8-14 weeks, not 4-6)
    x 2.0 in the 12 months after a placement disruption
    x 1.8 if the household never has respite or a support group
    x 0.8 for kinship carers (caring for a named child)

Neglected households also complain more (2% a month against 0.5%).

The reason recorded follows the strongest factor (retirement, allegation,
unhappy with support...) with some noise. Issue 7's risk model is tested on
whether it can find these effects.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from faker import Faker

from crm.demo.leaving import Life
from crm.demo.staff import DemoStaff
from crm.demo.staff import age_range as _age_range
from crm.domain.households import HouseholdRuleError
from crm.domain.placements import Emergency, judge_fit
from crm.extensions import db
from crm.models import (
    ApprovalTerms,
    Carer,
    CarerEvent,
    CarerEventKind,
    CarerType,
    DeregistrationReason,
    Household,
    HouseholdBreak,
    HouseholdStatus,
    PlacementEnding,
)

LEGACY_HOUSEHOLDS = 145
P_ALLEGATION_PER_MONTH = 0.035 / 12
P_ON_BREAK = 0.05
#: Placement starts made in an emergency outside the terms (Care Planning Regulations
#: 2010, reg 23): a child a year or two older than the terms allow, for a few days.
P_EMERGENCY = 0.03

EXIT_INTERVIEWS = {
    DeregistrationReason.RETIREMENT: "We have loved it but it is time to stop.",
    DeregistrationReason.UNHAPPY_WITH_SUPPORT: (
        "More regular visits and someone to call out of hours."
    ),
    DeregistrationReason.ALLEGATION: "Better support during the investigation.",
    DeregistrationReason.FINANCIAL: "An allowance that covered what it costs.",
    DeregistrationReason.HEALTH_OR_PERSONAL: "Nothing; our circumstances changed.",
    DeregistrationReason.TRANSFER_TO_IFA: "Higher allowances and more support from the agency.",
}


def _legacy_household(
    rng: random.Random, fake: Faker, staff: DemoStaff, number: int, window_start: date
) -> Household:
    approved = window_start - timedelta(days=rng.randint(60, 365 * 18))
    last = fake.last_name()
    household = Household(
        reference=f"HL-{approved.year}-{number:04d}",
        carer_type=CarerType.KINSHIP if rng.random() < 0.12 else CarerType.MAINSTREAM,
        address=fake.street_address(),
        postcode=fake.postcode(),
        approval_date=approved,
        supervising_worker=rng.choice(staff.ssws),
    )
    household.carers.append(
        Carer(
            full_name=f"{fake.first_name()} {last}",
            birth_date=_birth(rng, window_start, 34, 72, 54),
        )
    )
    if rng.random() < 0.65:
        household.carers.append(
            Carer(
                full_name=f"{fake.first_name()} {last}",
                birth_date=_birth(rng, window_start, 34, 72, 54),
            )
        )
    household.terms_history.append(
        ApprovalTerms(
            effective_from=approved,
            places=rng.choice([1, 1, 2, 2, 2, 3, 3]),
            **_age_range(rng),
            categories=rng.sample(
                ["short_term", "long_term", "respite", "emergency", "sibling_group", "specialist"],
                k=2,
            ),
        )
    )
    return household


def _birth(rng: random.Random, on: date, low: int, high: int, mode: int) -> date:
    return on - timedelta(days=int(rng.triangular(low, high, mode) * 365.25))


def _event(
    household: Household,
    kind: CarerEventKind,
    on: date,
    by,
    value=None,
    outcome: str | None = None,
    note: str | None = None,
) -> None:
    if getattr(household, "demo_unrecorded", False):
        return
    db.session.add(
        CarerEvent(
            household=household,
            kind=kind,
            occurred_on=on,
            recorded_by=by,
            value=None if value is None else Decimal(str(value)),
            outcome=outcome,
            note=note,
        )
    )


def _supervise(life: Life, month_end: date) -> None:
    """Supervision visits, a yearly unannounced visit and the annual review."""
    rng, household = life.rng, life.household
    worker = household.supervising_worker
    while life.next_visit <= month_end:
        _event(household, CarerEventKind.SUPERVISION_VISIT, life.next_visit, worker)
        gap = (56, 98) if life.neglected else (25, 42)
        life.next_visit += timedelta(days=rng.randint(*gap))
    if life.next_unannounced <= month_end:
        _event(household, CarerEventKind.UNANNOUNCED_VISIT, life.next_unannounced, worker)
        gap = (300, 480) if life.neglected else (240, 360)  # neglected ones slip past a year
        life.next_unannounced += timedelta(days=rng.randint(*gap))
    if life.next_review <= month_end:
        late = rng.randint(0, 70) if life.neglected else rng.randint(-20, 10)
        on = min(life.next_review + timedelta(days=late), month_end)
        if on >= household.approval_date:
            _event(household, CarerEventKind.ANNUAL_REVIEW, on, worker, outcome="continue")
        life.next_review += timedelta(days=365)


def _simulate_month(life: Life, month_start: date, today: date) -> bool:
    """One month of a household's life; True when it deregistered."""
    rng, household = life.rng, life.household
    worker = household.supervising_worker
    month_end = min(month_start + timedelta(days=30), today)

    def day(offset: int) -> date:
        return min(month_start + timedelta(days=offset), month_end)

    _supervise(life, month_end)
    if rng.random() < 0.22:
        _event(
            household,
            CarerEventKind.TRAINING,
            day(14),
            worker,
            value=rng.choice([3, 3, 6, 6, 12]),
            note=rng.choice(
                [
                    "Safer caring",
                    "Trauma-informed care",
                    "Paediatric first aid",
                    "Managing allegations",
                    "Life story work",
                ]
            ),
        )
    if not life.unsupported and rng.random() < 0.12:
        _event(
            household,
            rng.choice(
                [
                    CarerEventKind.RESPITE,
                    CarerEventKind.SUPPORT_GROUP,
                    CarerEventKind.SUPPORT_GROUP,
                    CarerEventKind.BUDDY,
                ]
            ),
            day(20),
            worker,
        )
    if rng.random() < P_ALLEGATION_PER_MONTH:
        life.last_allegation = day(rng.randint(0, 27))
        _event(
            household,
            CarerEventKind.ALLEGATION,
            life.last_allegation,
            worker,
            outcome=rng.choice(["unsubstantiated", "unfounded", "substantiated"]),
        )
    if rng.random() < (0.02 if life.neglected else 0.005):
        _event(
            household,
            CarerEventKind.COMPLAINT,
            day(rng.randint(0, 27)),
            worker,
            outcome="ongoing",
            note="Complaint about support received",
        )
    if rng.random() < 0.03:
        _event(household, CarerEventKind.OUT_OF_HOURS_CALL, day(rng.randint(0, 27)), worker)
    if month_start.month == 10 and rng.random() < 0.6:
        score = rng.choice([2, 3, 3, 4] if life.neglected or life.unsupported else [3, 4, 4, 5, 5])
        _event(household, CarerEventKind.SURVEY, day(3), worker, value=score)
    _placements(life, month_start, month_end, today)
    if rng.random() < life.hazard(month_start):
        reason, initiated = life.reason(month_start)
        on = day(rng.randint(0, 27))
        _end_placements(household, on)
        household.deregister(on, reason, initiated, EXIT_INTERVIEWS.get(reason))
        return True
    return False


def _placements(life: Life, month_start: date, month_end: date, today: date) -> None:
    rng, household = life.rng, life.household
    terms = household.terms_on(month_start)
    open_placements = [p for p in household.placements if p.end_date is None]
    for placement in open_placements:
        if rng.random() < 0.07:
            disrupted = rng.random() < 0.15
            placement.end_date = max(month_end, placement.start_date)
            placement.ending = PlacementEnding.DISRUPTION if disrupted else PlacementEnding.PLANNED
            if disrupted:
                life.last_disruption = placement.end_date
    filled = sum(1 for p in household.placements if p.end_date is None)
    if terms and filled < terms.places and rng.random() < 0.18:
        _place(
            life,
            f"CH{rng.randint(100000, 999999)}",
            rng.randint(terms.min_age, min(terms.max_age, 17)),
            min(month_start + timedelta(days=rng.randint(0, 27)), month_end),
            today,
        )


def _place(life: Life, child: str, age: int, on: date, today: date) -> None:
    """A child placed through the rules (crm/domain/placements.py), so never past the
    approved places: a child leaving at the month's end still shares the home with one
    who would arrive earlier in the month, so the new child comes the day the place is
    free (or not at all). Now and then (P_EMERGENCY) the child is older than the terms
    allow and placed in an emergency under reg 23; they move on within its six working
    days (a placement still running today is left for the worker's clock)."""
    rng, household = life.rng, life.household
    terms = household.terms_on(on)
    kind = rng.choice(terms.categories) if terms.categories else None
    # A child leaving at the month's end frees the place that day, not before: the next
    # child arrives then (the demo never over-fills, even in an emergency).
    leaving = {p.end_date for p in household.placements if p.end_date and on < p.end_date <= today}
    on = next(
        (d for d in [on, *sorted(leaving)] if judge_fit(household, d, age, kind).within), None
    )
    if on is None:
        return
    emergency = None
    if terms.max_age < 17 and rng.random() < P_EMERGENCY:
        age, emergency = (
            min(terms.max_age + rng.randint(1, 2), 17),
            Emergency(rng.choice(["Duty team manager", "Out-of-hours service manager"]), on),
        )
    try:
        placement = household.start_placement(
            child, on, age, as_of=today, care_kind=kind, emergency=emergency
        )
    except HouseholdRuleError:
        return
    moved_on = placement.emergency_until and placement.emergency_until + timedelta(days=1)
    if moved_on and moved_on <= today:
        placement.end_date, placement.ending = moved_on, PlacementEnding.PLANNED


def _end_placements(household: Household, on: date) -> None:
    """Before leaving on `on`: children placed later this month never came, and
    everyone still there (or due to leave later this month) leaves that day."""
    household.placements[:] = [p for p in household.placements if p.start_date <= on]
    for placement in household.placements:
        if placement.end_date is None or placement.end_date > on:
            placement.end_date = on
            placement.ending = PlacementEnding.PLANNED


def _tsd(rng: random.Random, household: Household, today: date) -> None:
    months = 18 if household.carer_type is CarerType.KINSHIP else 12
    on = household.approval_date + timedelta(days=rng.randint(120, 30 * months + 120))
    if on <= today:
        _event(household, CarerEventKind.TSD_COMPLETED, on, household.supervising_worker)


def _history_before_window(rng: random.Random, household: Household, window_start: date) -> None:
    """Carers approved before the demo window bring their last unannounced visit and
    review with them, as a council's import of existing carers would."""
    worker = household.supervising_worker
    years_approved = (window_start - household.approval_date).days // 365
    if years_approved >= 1:
        review = household.approval_date + timedelta(days=365 * years_approved)
        _event(household, CarerEventKind.ANNUAL_REVIEW, review, worker, outcome="continue")
    earliest = max(household.approval_date, window_start - timedelta(days=330))
    if earliest < window_start:
        on = earliest + timedelta(days=rng.randint(0, (window_start - earliest).days - 1))
        _event(household, CarerEventKind.UNANNOUNCED_VISIT, on, worker)


def generate_households(
    rng: random.Random,
    fake: Faker,
    staff: DemoStaff,
    approved: list[Household],
    today: date,
    years: int,
) -> list[Household]:
    """Legacy carers plus those approved through the pipeline, and their last years."""
    window_start = today - timedelta(days=365 * years)
    legacy = [
        _legacy_household(rng, fake, staff, n, window_start)
        for n in range(1, LEGACY_HOUSEHOLDS + 1)
    ]
    db.session.add_all(legacy)
    households = legacy + approved
    for household in legacy:
        _history_before_window(rng, household, window_start)
    for household in households:
        if household.case is not None and household.placements:
            # A connected person's household already caring for the child placed under
            # the temporary approval (crm/demo/kinship.py): it lives by its own draws,
            # and the draws it took before it had that child are taken as they were, so
            # every other household's life stays as the seed has always made it.
            _live(rng, _as_it_was(household), window_start, today)
            _live(random.Random(f"life:{household.reference}"), household, window_start, today)
        else:
            _live(rng, household, window_start, today)
    return households


def _live(rng: random.Random, household: Household, window_start: date, today: date) -> None:
    """A household's months in the demo window, and whether it is on a break today."""
    start = max(household.approval_date, window_start)
    life = Life(rng, household, start)
    _tsd(rng, household, today)
    month = start
    while month <= today:
        if _simulate_month(life, month, today):
            break
        month += timedelta(days=30)
    if household.status is HouseholdStatus.ACTIVE and rng.random() < P_ON_BREAK:
        household.status = HouseholdStatus.ON_BREAK
        started = max(today - timedelta(days=rng.randint(7, 90)), household.approval_date)
        household.breaks.append(HouseholdBreak(start_date=started, reason="Carer's health"))


def _as_it_was(household: Household) -> Household:
    """A copy, never added to the session, of the household as the demo approved it
    before temporary approvals: no child placed yet, no temporary approval."""
    copy = Household(
        reference=household.reference,
        carer_type=household.carer_type,
        approval_date=household.approval_date,
        status=household.status,
        supervising_worker=household.supervising_worker,
    )
    copy.carers = [Carer(full_name=c.full_name, birth_date=c.birth_date) for c in household.carers]
    copy.terms_history = [
        ApprovalTerms(
            effective_from=t.effective_from,
            places=t.places,
            min_age=t.min_age,
            max_age=t.max_age,
            categories=list(t.categories),
        )
        for t in household.terms_history
    ]
    copy.demo_unrecorded = True  # its life takes the draws and records nothing
    return copy

"""Who leaves the demo service and why: each household's monthly hazard of
deregistration and the reason recorded (see crm/demo/carers.py for the factors)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from crm.models import (
    CarerEventKind,
    CarerType,
    DeregistrationReason,
    Household,
    InitiatedBy,
)

BASE_MONTHLY_HAZARD = 0.005
P_NEGLECTED = 0.2
P_UNSUPPORTED = 0.35


def eldest_age(household: Household, on: date) -> int:
    ages = [(on - c.birth_date).days // 365 for c in household.carers if c.birth_date]
    return max(ages, default=45)


class Life:
    """One household's simulated months: what happened and what raises its hazard."""

    def __init__(self, rng: random.Random, household: Household, start: date):
        self.rng = rng
        self.household = household
        self.neglected = rng.random() < P_NEGLECTED
        self.unsupported = rng.random() < P_UNSUPPORTED
        self.next_visit = start + timedelta(days=rng.randint(0, 30))
        self.next_review = next_anniversary(household.approval_date, start)
        last_unannounced = max(
            (e.occurred_on for e in household.events if e.kind is CarerEventKind.UNANNOUNCED_VISIT),
            default=start,
        )
        self.next_unannounced = max(start, last_unannounced + timedelta(days=rng.randint(240, 360)))
        self.last_allegation: date | None = None
        self.last_disruption: date | None = None

    def hazard(self, on: date) -> float:
        h = BASE_MONTHLY_HAZARD
        age = eldest_age(self.household, on)
        h *= 3.5 if age >= 65 else 2.0 if age >= 60 else 1.0
        if self.last_allegation and (on - self.last_allegation).days <= 365:
            h *= 3.0
        if self.neglected:
            h *= 2.5
        if self.last_disruption and (on - self.last_disruption).days <= 365:
            h *= 2.0
        if self.unsupported:
            h *= 1.8
        if self.household.carer_type is CarerType.KINSHIP:
            h *= 0.8
        return h

    def reason(self, on: date) -> tuple[DeregistrationReason, InitiatedBy]:
        usual = self._usual_reason(on)
        # Family and friends carers most often leave because an order made them the
        # child's legal carers: a good outcome. Drawn from the household's own stream,
        # so the service's other histories stay as the seed has always made them.
        own = random.Random(f"sgo:{self.household.reference}")
        if self.household.carer_type is CarerType.KINSHIP and own.random() < 0.5:
            return DeregistrationReason.CHILD_STAYS_WITH_CARERS, InitiatedBy.CARER
        return usual

    def _usual_reason(self, on: date) -> tuple[DeregistrationReason, InitiatedBy]:
        rng = self.rng
        if self.last_allegation and (on - self.last_allegation).days <= 365 and rng.random() < 0.6:
            return DeregistrationReason.ALLEGATION, InitiatedBy.SERVICE
        if eldest_age(self.household, on) >= 62 and rng.random() < 0.75:
            return DeregistrationReason.RETIREMENT, InitiatedBy.CARER
        if (self.neglected or self.unsupported) and rng.random() < 0.5:
            return rng.choice(
                [DeregistrationReason.UNHAPPY_WITH_SUPPORT, DeregistrationReason.TRANSFER_TO_IFA]
            ), InitiatedBy.CARER
        reason = rng.choice(
            [
                DeregistrationReason.HEALTH_OR_PERSONAL,
                DeregistrationReason.HEALTH_OR_PERSONAL,
                DeregistrationReason.CHILD_STAYS_WITH_CARERS,
                DeregistrationReason.FINANCIAL,
                DeregistrationReason.TRANSFER_TO_OTHER_LA,
                DeregistrationReason.OTHER,
            ]
        )
        return reason, InitiatedBy.SERVICE if rng.random() < 0.15 else InitiatedBy.CARER


def next_anniversary(approved: date, after: date) -> date:
    years = max(1, (after - approved).days // 365 + 1)
    return approved + timedelta(days=365 * years)

"""Demo data: a realistic council fostering service with about three years of history.

`seed_demo(seed, today)` is deterministic for a given seed and date. The rates
follow ../shared/domain.md's national figures (see each module's constants),
so dashboards on demo data look like a real local authority's, but nothing
measured on demo data says anything about real carers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from faker import Faker

from crm import audit
from crm.demo.carers import generate_households
from crm.demo.certificates import record_certificates
from crm.demo.characteristics import describe_carers
from crm.demo.decisions import add_decisions
from crm.demo.demand import generate_demand
from crm.demo.determinations import add_determinations
from crm.demo.kinship import orders_for_households
from crm.demo.panels import generate_panels
from crm.demo.pipeline import generate_cases
from crm.demo.staff import DEMO_PASSWORD, DemoStaff, create_staff
from crm.enquiry_sources import ensure_default_sources
from crm.extensions import db
from crm.models.setting import mark_demo_service


@dataclass(frozen=True)
class DemoSummary:
    logins: list[tuple[str, str, str]]  # (role, email, password)
    cases: int
    households: int
    deregistrations: int


class DemoRefused(RuntimeError):
    """Demo data (with its known passwords) must never reach a production database."""


def add_plans(rng: random.Random, today: date) -> None:
    """Campaign costs and this year's approval targets, as a council would set them."""
    from crm.demo.pipeline import CAMPAIGNS
    from crm.domain.periods import financial_year
    from crm.models import ApprovalTarget, Campaign, CarerType

    for name in sorted({c for c in CAMPAIGNS if c}):
        db.session.add(Campaign(name=name, cost=rng.choice([2500, 4000, 6500, 12000])))
    year = financial_year(today)[0].year
    db.session.add(
        ApprovalTarget(financial_year=year, carer_type=CarerType.MAINSTREAM, approvals=30)
    )
    db.session.add(ApprovalTarget(financial_year=year, carer_type=CarerType.KINSHIP, approvals=10))


def seed_demo(seed: int = 1, today: date | None = None, years: int = 3) -> DemoSummary:
    """Fill an empty database with demo staff, cases and households, and commit."""
    from flask import current_app

    from crm.timeutil import today as uk_today

    if not current_app.config.get("ALLOW_DEMO_USERS"):
        raise DemoRefused("Demo data and demo logins are refused under the production config.")
    today = today or uk_today()
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    with audit.suspended(), audit.acting_as("seed-demo"):
        ensure_default_sources()  # the list a new service starts with (the migrations seed it)
        staff: DemoStaff = create_staff()
        db.session.flush()
        cases, approved = generate_cases(rng, fake, staff, today, years)
        # Carers get five years of history (or more, when asked for more): enough to
        # train and honestly test the retention model on later years.
        households = generate_households(rng, fake, staff, approved, today, max(years, 5))
        orders_for_households(households, today)  # the orders behind kinship good outcomes
        add_plans(rng, today)
        db.session.flush()
        generate_demand(rng, today)
        describe_carers()
        record_certificates(today)
        db.session.flush()
        add_decisions(today)
        generate_panels(seed, today)
        mark_demo_service()
        add_determinations(staff, today)
        db.session.commit()
    deregistered = sum(1 for h in households if h.deregistration_date)
    return DemoSummary(
        logins=[(label, user.email, DEMO_PASSWORD) for label, user in staff.logins()],
        cases=len(cases),
        households=len(households),
        deregistrations=deregistered,
    )

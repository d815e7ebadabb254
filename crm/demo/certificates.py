"""DBS checks and medicals for the demo's carers and adult residents, so the renewal
clocks and the compliance page show a service that mostly keeps them in date.

Each person's dates come from a generator of their own (by id), so the rest of the demo
draws what it always did (and every figure `flask metrics` gives is unchanged)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Carer, Household, Resident

#: The share of people whose certificate has run past its three years.
LATE = 0.04
YEARS = 3


def _issued(rng: random.Random, approved: date, today: date) -> date:
    """The latest certificate: renewed within the three years, now and then late."""
    if rng.random() < LATE:
        ago = YEARS * 365 + rng.randint(5, 120)
    else:
        ago = rng.randint(0, YEARS * 365 - 30)
    issued = today - timedelta(days=ago)
    if issued < approved:  # checked during the assessment, before approval
        issued = approved - timedelta(days=rng.randint(30, 150))
    return issued


def record_certificates(today: date) -> None:
    """Give every carer a DBS check and a medical, and every adult resident a DBS check."""
    carers = db.session.execute(
        sa.select(Carer, Household.approval_date)
        .join(Household, Household.id == Carer.household_id)
        .order_by(Carer.id)
    )
    for carer, approved in carers:
        rng = random.Random(f"certificates-carer-{carer.id}")
        carer.dbs_issued_on = _issued(rng, approved, today)
        carer.medical_on = _issued(rng, approved, today)
    residents = db.session.execute(
        sa.select(Resident, Household.approval_date)
        .join(Household, Household.id == Resident.household_id)
        .order_by(Resident.id)
    )
    adult_born_by = today.replace(year=today.year - 18, day=min(today.day, 28))
    for resident, approved in residents:
        if resident.birth_date is not None and resident.birth_date > adult_born_by:
            continue  # a child of the household needs no DBS check
        rng = random.Random(f"certificates-resident-{resident.id}")
        resident.dbs_issued_on = _issued(rng, approved, today)

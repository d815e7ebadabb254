"""The demo's allegations, resignations and transfers in (issue 34, items 5-8), laid on
the households and cases already generated so that every figure they were counted in
stays as it was: a carer's resignation already in the history gets the notice that
started it (28 days before, reg 28(13)); approvals already made are marked as transfers
in; the allegations already recorded get their LADO referral, conclusion and Working
Together's five outcomes. Then what a service has on the day: one household's notice
running, one transfer being assessed, and one allegation open (a hold on new
placements)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from crm.domain.household_vocabulary import GOOD_OUTCOME_EXITS, CarerEventKind, InitiatedBy
from crm.domain.resignation import effective_on
from crm.domain.stages import Stage
from crm.domain.working_days import add_working_days
from crm.extensions import db
from crm.models import CarerEvent, Case, Household, ResignationNotice, TransferIn

#: Previous services transferring carers came from (made up, for the demo).
PREVIOUS_SERVICES = ("Oak Tree Fostering (IFA)", "Northshire County Council Fostering")
#: Working Together's five outcomes, in turn over the allegations concluded.
OUTCOMES = ("unsubstantiated", "unfounded", "substantiated", "false", "malicious")


def add_decisions(today: date) -> dict[str, int]:
    """Resignation notices, transfers in and allegations' conclusions. Does not commit."""
    return {
        "resignations": _resignations(today),
        "transfers_in": _transfers(today),
        "allegations": _allegations(today),
    }


def _resignations(today: date) -> int:
    """Carers who left of their own accord in the last year gave notice 28 days before;
    one current household has notice running today."""
    left = db.session.scalars(
        sa.select(Household)
        .where(
            Household.deregistration_initiated_by == InitiatedBy.CARER,
            Household.deregistration_date > today - timedelta(days=365),
            Household.deregistration_reason.not_in(GOOD_OUTCOME_EXITS),
        )
        .order_by(Household.deregistration_date.desc(), Household.id)
        .limit(4)
    ).all()
    made = 0
    for household in left:
        received = household.deregistration_date - timedelta(days=28)
        if received < household.approval_date:
            continue
        db.session.add(
            ResignationNotice(
                household=household,
                received_on=received,
                effective_on=household.deregistration_date,
                reason=household.deregistration_reason,
                note="Written notice from both carers.",
            )
        )
        made += 1
    resigning = db.session.scalar(
        sa.select(Household)
        .where(Household.current_on(today), Household.approval_date < today - timedelta(days=400))
        .order_by(Household.approval_date, Household.id)
        .limit(1)
    )
    if resigning is not None:
        received = today - timedelta(days=9)
        db.session.add(
            ResignationNotice(
                household=resigning,
                received_on=received,
                effective_on=effective_on(received),
                note="Retiring after many years; no children placed after this month.",
            )
        )
        made += 1
    return made


def _transfers(today: date) -> int:
    """The two quickest approvals of the last year were carers transferring in; one
    case in Stage 2 is a transfer whose records have not yet arrived."""
    approved = db.session.scalars(
        sa.select(Case)
        .join(Household, Household.case_id == Case.id)
        .where(Case.approval_date > today - timedelta(days=365), Case.application_date.isnot(None))
        .order_by(Case.id)
    ).all()
    quickest = sorted(approved, key=lambda c: (c.approval_date - c.application_date, c.id))[:2]
    assessing = db.session.scalar(
        sa.select(Case).where(Case.stage == Stage.STAGE2).order_by(Case.id.desc()).limit(1)
    )
    made = 0
    for n, case in enumerate([*quickest, assessing]):
        if case is None or case.application_date is None:
            continue
        arrived = case.application_date + timedelta(days=21)
        done = case.approval_date is not None
        db.session.add(
            TransferIn(
                case=case,
                previous_service=PREVIOUS_SERVICES[n % 2],
                previous_reference=f"PS-{4100 + case.id}",
                reference_received_on=arrived if arrived <= today else None,
                records_received_on=arrived + timedelta(days=7) if done else None,
            )
        )
        made += 1
    return made


def _allegations(today: date) -> int:
    """Each allegation was referred to the LADO the next working day and concluded some
    weeks later with one of the five outcomes in turn; the latest on a current household
    is still open (the household is held)."""
    found = db.session.scalars(
        sa.select(CarerEvent)
        .where(CarerEvent.kind == CarerEventKind.ALLEGATION)
        .order_by(CarerEvent.occurred_on, CarerEvent.id)
    ).all()
    for n, allegation in enumerate(found):
        allegation.lado_referred_on = min(add_working_days(allegation.occurred_on, 1), today)
        allegation.outcome = OUTCOMES[n % len(OUTCOMES)]
        allegation.concluded_on = min(
            allegation.occurred_on + timedelta(days=21 + 7 * (n % 6)), today
        )
    open_one = next((a for a in reversed(found) if a.household.current_on(today)), None)
    if open_one is not None:
        open_one.outcome, open_one.concluded_on = "ongoing", None
        open_one.note = "Referred to the LADO; strategy discussion held. No new placements."
    return len(found)

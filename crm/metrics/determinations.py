"""Qualifying determinations in a period: proposals notified, what the applicants and
carers chose, and the final decisions (regs 27-29), for the dashboard and the Ofsted
return, counted from the determinations themselves.

Each is counted on the day of its own step: a proposal on its notice, a response
(representations, an IRM application) on the day it was received, a final decision on
its date. A refusal decided as proposed is also the case's rejected step, which the
pipeline's "rejected" figure already counts from the case; this counts the ones that
went through a qualifying determination."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from crm.domain.determinations import DeterminationKind, FinalOutcome, Response
from crm.extensions import db
from crm.metrics.period import Period
from crm.models import CarerType, Case, Household
from crm.models.determination import Determination

#: The figures, in the order the dashboard and the return show them.
FIGURES = {
    "notified": "Proposals notified (refusal, termination or change of terms)",
    "representations": "Representations received",
    "irm_applications": "Applications to the Independent Review Mechanism",
    "refusals": "Applications refused after a qualifying determination",
    "terminations": "Approvals terminated after a qualifying determination",
    "changes_of_terms": "Terms changed after a qualifying determination",
    "not_proceeded": "Proposals not proceeded with",
}

_DECIDED = {
    DeterminationKind.REFUSAL: "refusals",
    DeterminationKind.TERMINATION: "terminations",
    DeterminationKind.CHANGE_OF_TERMS: "changes_of_terms",
}


def determination_counts(period: Period) -> dict[CarerType, Counter]:
    """{carer type: {figure: count}} for the period (all carer types; the caller picks)."""
    carer_type = sa.func.coalesce(Case.carer_type, Household.carer_type)
    rows = db.session.execute(
        sa.select(
            carer_type,
            Determination.kind,
            Determination.notified_on,
            Determination.response,
            Determination.response_received_on,
            Determination.outcome,
            Determination.decided_on,
        )
        .select_from(Determination)
        .outerjoin(Case, Determination.case_id == Case.id)
        .outerjoin(Household, Determination.household_id == Household.id)
    )
    counts: dict[CarerType, Counter] = {t: Counter() for t in CarerType}
    first, last = period.start, period.last_day
    for kind_of_carer, kind, notified, response, received, outcome, decided in rows:
        found = counts[CarerType(kind_of_carer)]
        if first <= notified <= last:
            found["notified"] += 1
        if received is not None and first <= received <= last:
            found["irm_applications" if response is Response.IRM else "representations"] += 1
        if decided is not None and first <= decided <= last:
            found[_DECIDED[kind] if outcome is FinalOutcome.AS_PROPOSED else "not_proceeded"] += 1
    return counts


def determination_figures(period: Period) -> dict[str, int]:
    """The period's figures for its carer type (or all), every figure present."""
    counts = determination_counts(period)
    chosen = [period.carer_type] if period.carer_type is not None else list(CarerType)
    return {name: sum(counts[t][name] for t in chosen) for name in FIGURES}

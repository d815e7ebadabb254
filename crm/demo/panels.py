"""Demo fostering panel: the central list, a year of monthly sittings (the second
Thursday of each month, where the demo's cases go to panel) with who attended, one
extra sitting that was not quorate, each panel case's recommendation with the chair's
feedback, the final minutes and the agency decision, as the cases' own steps say.

Told as a service's year: one application deferred for more information and heard again
the next month, one the panel did not recommend that the decision maker approved, with
the reason, and the cases still waiting for the decision. Drawn from its own random
generator, so the rest of the demo is as it was."""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from crm.domain.panel import Decision, PanelItemKind, PanelRole, Recommendation
from crm.domain.stages import EventKind, Stage, Step, replay
from crm.domain.working_days import add_working_days
from crm.extensions import db
from crm.models import Case, Household, PanelItem, PanelMember, PanelSitting, StageEvent

#: The weekday the panel sits (Thursday) and which of the month's (the second).
SITTING_WEEKDAY = 3
SITTING_WEEK = 2

MEMBERS = (
    ("Margaret Hollis", PanelRole.CHAIR, 2019),
    ("David Okafor", PanelRole.VICE_CHAIR, 2020),
    ("Priya Raman", PanelRole.VICE_CHAIR, 2022),
    ("Gareth Lewis", PanelRole.SOCIAL_WORKER, 2018),
    ("Sian Murray", PanelRole.SOCIAL_WORKER, 2023),
    ("Ruth Adeyemi", PanelRole.INDEPENDENT, 2021),
    ("Tom Whitfield", PanelRole.INDEPENDENT, 2020),
    ("Hannah Price", PanelRole.INDEPENDENT, 2024),
    ("Cllr Joan Baxter", PanelRole.OTHER, 2022),
)
DECISION_MAKER = "Alison Carter, Head of Service (agency decision maker)"
FEEDBACK = (
    "A clear, well-evidenced Form F; the analysis of the couple's own childhoods was strong.",
    "Good assessment; the support network section needed more detail on respite.",
    "Thorough; references were well analysed. The safer caring plan could be more specific.",
    "A balanced report that let the applicants' voices come through.",
)
APPROVE_REASONS = (
    "The panel was satisfied the applicants can meet the needs of children in care, with "
    "a strong support network and a realistic understanding of the task."
)


def sitting_day(on: date) -> date:
    """The panel's sitting on or after `on`: the second Thursday of its month, or of the
    next month when that has passed."""
    first = on.replace(day=1)
    day = _nth_weekday(first)
    return day if day >= on else _nth_weekday(first + relativedelta(months=1))


def _nth_weekday(first: date) -> date:
    offset = (SITTING_WEEKDAY - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (SITTING_WEEK - 1))


def generate_panels(seed: int, today: date) -> list[PanelSitting]:
    """The panel's last year, from the demo's cases (their panel and decision dates)."""
    rng = random.Random(f"panel-{seed}")
    members = _central_list(rng, today)
    sittings = _sittings(rng, members, today)
    by_day = {s.sits_on: s for s in sittings}
    cases = db.session.scalars(
        sa.select(Case).where(Case.panel_date.in_(list(by_day))).order_by(Case.panel_date, Case.id)
    ).all()
    items = [_item(rng, case, by_day[case.panel_date]) for case in cases]
    _minutes(rng, sittings, today)
    _against_the_recommendation(items)
    _defer_one(items, by_day, today)
    _inquorate_sitting(members, today)
    return sittings


def _central_list(rng: random.Random, today: date) -> list[PanelMember]:
    members = []
    for n, (name, role, year) in enumerate(MEMBERS):
        joined = date(year, 1 + n, 1 + n)
        # Appraised within the year, one of them overdue (NMS 14: yearly).
        appraised = today - timedelta(days=rng.randint(30, 330))
        if n == len(MEMBERS) - 2:
            appraised = today - timedelta(days=400)
        members.append(
            PanelMember(name=name, role=role, joined_on=joined, last_appraised_on=appraised)
        )
    # A social worker who left the list in the year, on notice (reg 23(2)).
    members.append(
        PanelMember(
            name="Mark Benton",
            role=PanelRole.SOCIAL_WORKER,
            joined_on=date(2017, 5, 1),
            left_on=today - timedelta(days=150),
            last_appraised_on=today - timedelta(days=420),
        )
    )
    db.session.add_all(members)
    return members


def _sittings(rng: random.Random, members: list[PanelMember], today: date) -> list[PanelSitting]:
    """A sitting each month of the last year, each quorate: the chair (or a vice chair
    when the chair is away), a social worker, two independent members, and others."""
    sittings = []
    day = sitting_day(today - relativedelta(years=1) + timedelta(days=1))
    while day <= today:
        on_list = [m for m in members if m.on_list(day)]
        chair = [m for m in on_list if m.role is PanelRole.CHAIR]
        if rng.random() < 0.2:  # the chair is away: a vice chair chairs
            chair = [m for m in on_list if m.role is PanelRole.VICE_CHAIR][:1]
        workers = [m for m in on_list if m.role is PanelRole.SOCIAL_WORKER]
        independents = [m for m in on_list if m.role is PanelRole.INDEPENDENT]
        others = [m for m in on_list if m.role in (PanelRole.OTHER, PanelRole.VICE_CHAIR)]
        attended = {
            *chair,
            rng.choice(workers),
            *rng.sample(independents, 2),
            *rng.sample(others, min(2, len(others))),
        }
        sittings.append(PanelSitting(sits_on=day, attended=sorted(attended, key=lambda m: m.name)))
        day = sitting_day(day + timedelta(days=1))
    db.session.add_all(sittings)
    return sittings


def _item(rng: random.Random, case: Case, sitting: PanelSitting) -> PanelItem:
    kind = PanelItemKind.CONNECTED_PERSON if case.is_kinship else PanelItemKind.APPLICATION
    item = PanelItem(kind=kind, case=case, quality_feedback=rng.choice(FEEDBACK))
    household = _household_of(case)
    if case.stage is Stage.REJECTED:
        item.recommendation = Recommendation.NOT_APPROVE
        item.reasons = "The panel was not satisfied the applicants could keep a child safe."
        item.decision, item.decided_on = Decision.NOT_APPROVE, case.outcome_date
    else:
        item.recommendation = Recommendation.APPROVE
        item.reasons = APPROVE_REASONS
        terms = household.terms_history[0] if household and household.terms_history else None
        item.places = terms.places if terms else rng.choice([1, 2, 2, 3])
        item.min_age = terms.min_age if terms else 0
        item.max_age = terms.max_age if terms else 17
        item.categories = list(terms.categories) if terms else ["short_term"]
        if case.approval_date:
            item.decision, item.decided_on = Decision.APPROVE, case.approval_date
    if item.decision:
        item.decision_maker = DECISION_MAKER
    case.panel_recommendation = item.recommendation.value
    sitting.items.append(item)
    return item


def _household_of(case: Case) -> Household | None:
    if case.approval_date is None:
        return None
    return db.session.scalar(sa.select(Household).where(Household.reference == case.reference))


def _minutes(rng: random.Random, sittings: list[PanelSitting], today: date) -> None:
    """The final minutes reach the decision maker 2 to 9 working days after a sitting
    (not after any decision made on them); the latest sitting's may not have come yet."""
    for sitting in sittings:
        received = add_working_days(sitting.sits_on, rng.randint(2, 9))
        decided = [i.decided_on for i in sitting.items if i.decided_on]
        if decided:
            received = min(received, min(decided))
        sitting.minutes_received_on = received if received <= today else None


def _against_the_recommendation(items: list[PanelItem]) -> None:
    """One approval the panel did not recommend: the decision maker decided otherwise,
    and says why."""
    approved = [i for i in items if i.decision is Decision.APPROVE]
    if len(approved) < 3:
        return
    item = approved[len(approved) // 2]
    item.recommendation = Recommendation.NOT_APPROVE
    item.reasons = (
        "The panel was concerned the applicants' support network was untested and the "
        "second applicant's health needed a fuller medical opinion."
    )
    item.places = item.min_age = item.max_age = None
    item.categories = []
    item.reason_against = (
        "The adviser's updated medical, received after panel, is clear, and the applicants "
        "have since named two supporters who have been interviewed; I am satisfied they "
        "are suitable, on the terms the assessment proposed."
    )
    item.case.panel_recommendation = item.recommendation.value


def _defer_one(items: list[PanelItem], by_day: dict[date, PanelSitting], today: date) -> None:
    """One application deferred at the sitting before the one that recommended it: the
    case's first panel step, through the stage rules (a deferred case sits again)."""
    days = sorted(by_day)
    for item in items:
        if item.decision is not Decision.APPROVE or item.against_recommendation:
            continue
        case, sat = item.case, item.sitting.sits_on
        earlier = [d for d in days if d < sat]
        if not earlier:
            continue
        deferred_on = earlier[-1]
        steps = sorted([*case.steps(), Step(EventKind.PANEL, deferred_on)], key=lambda s: s.on)
        try:
            replay(steps, today)
        except ValueError:
            continue  # its Stage 2 had not started then
        position = sum(1 for e in case.events if e.occurred_on <= deferred_on)
        case.events.insert(
            position,
            StageEvent(kind=EventKind.PANEL, occurred_on=deferred_on, note="Panel deferred"),
        )
        case._cache(case.state())
        by_day[deferred_on].items.append(
            PanelItem(
                kind=item.kind,
                case=case,
                recommendation=Recommendation.DEFER,
                reasons="The panel could not yet be satisfied about the household's health.",
                asked_for="An updated medical for the second applicant and a second "
                "personal reference.",
                quality_feedback="The health section relied on an out-of-date medical.",
            )
        )
        return


def _inquorate_sitting(members: list[PanelMember], today: date) -> None:
    """An extra sitting called in the year that was not quorate (no social worker could
    come): it made no recommendation (reg 24(1)), and its business went to the next."""
    day = sitting_day(today - relativedelta(months=5)) + timedelta(days=14)
    if day > today:
        return
    attended = [
        m
        for m in members
        if m.on_list(day) and m.role in (PanelRole.CHAIR, PanelRole.INDEPENDENT, PanelRole.OTHER)
    ]
    household = db.session.scalar(
        sa.select(Household)
        .where(Household.approval_date < day - timedelta(days=300))
        .order_by(Household.approval_date.desc(), Household.id)
        .limit(1)
    )
    sitting = PanelSitting(sits_on=day, attended=attended)
    if household is not None:
        sitting.items.append(PanelItem(kind=PanelItemKind.OTHER_REVIEW, household=household))
    db.session.add(sitting)

"""Demo connected persons: referred by the child's social worker, assessed for viability,
temporarily approved with the child placed (reg 24), extended once (reg 25), approved,
or living with the child under a special guardianship or child arrangements order
instead (issue 33, item 8).

Rates, as a kinship team would recognise them (Family and Friends Care statutory
guidance 2011; Family Rights Group and Nuffield FJO studies of connected-person and
special guardianship assessments: about half of viability assessments are negative,
special guardianship is the commonest permanent outcome for a child placed with
family, and most reg 24 assessments that are decided end within the 16 weeks):

- every kinship case arrives as a referral by the child's social worker, never as a
  website, event or social-media enquiry (the referral takes the enquiry's date);
- of the referrals that did not end in an approval: 45% negative viability (closed by
  the service, unable to meet the child's needs / safeguarding / accommodation), 8%
  withdrawn at viability (household circumstances changed), 17% a special guardianship
  (13%) or child arrangements (4%) order assessed instead (85% of those made, 3-7
  months on), 20% temporarily approved with the child placed and then ended otherwise
  (45% an SGO made before approval, 25% withdrawn by the applicant, 15% by the service,
  15% not approved at panel), 10% a full assessment with no child placed, withdrawn;
- of those approved as foster carers: 80% temporarily approved first (child placed
  the same day, or 1-5 days later in one in five), of which 80% decided within 16
  weeks, 16% extended once by a nominated officer and decided within 24, 4% decided
  after the approval lapsed; 20% assessed without a child placed;
- a temporary approval whose decision falls after 16 weeks is extended once, decided
  at 13-15 weeks with the panel's views sought and the IRO told, to a few days past
  the decision (24 weeks at most), or, in 15%, runs on while the IRM reviews a
  proposed refusal (decided after the review: approval); one whose decision falls
  after 24 weeks lapses (extended to 24 weeks, and decided later: the carer approved
  as a foster parent, recorded as what happened to the placement);
- about half of the connected persons approved as foster carers have an order made
  to them 9-18 months later (special guardianship in 80%, child arrangements in 20%),
  which ends their approval for a good outcome, the child staying with them; a kinship
  household that leaves with the good-outcome reason had such an order made.

The service's other histories stay exactly as the seed has always made them: the case's
main draws are taken as before (`shadow_draws`) and each kinship case draws its own
history from a generator of its own, and an approved kinship household keeps its
approval date and terms (so `flask metrics --carer-type mainstream` is unchanged).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from crm.cases.services import REFERRAL_SOURCE
from crm.cases.special_guardianship import record_order_outcome, start_order_assessment
from crm.demo.staff import DemoStaff, age_range
from crm.domain.determinations import DeterminationKind, FinalOutcome, Recommendation, Response
from crm.domain.household_vocabulary import DeregistrationReason
from crm.domain.kinship import (
    AfterLapse,
    IrmExtension,
    ReferralUrgency,
    ViabilityOutcome,
    ViabilityRoute,
    first_expiry,
    latest_extension,
)
from crm.domain.special_guardianship import OrderKind, OrderOutcome
from crm.domain.stages import EventKind
from crm.extensions import db
from crm.models import (
    CarerType,
    Case,
    Check,
    CheckKind,
    Determination,
    Household,
    KinshipReferral,
    OrderAssessment,
    PlacementEnding,
    TemporaryApproval,
    ViabilityAssessment,
)

#: Steps that close a case (the old plan's, to take its draws as before).
CLOSING = frozenset(
    {
        EventKind.APPROVAL,
        EventKind.WITHDRAWN_BY_APPLICANT,
        EventKind.WITHDRAWN_BY_SERVICE,
        EventKind.REJECTED,
    }
)
CONNECTIONS = ["Grandmother", "Grandparents", "Aunt", "Uncle", "Older sister", "Family friend"]
SOCIAL_WORKERS = ["Sunita Patel", "Mark Ellis", "Grace Adeyemi", "Tom Barker", "Ruth Kaur"]
OFFICERS = ["Helen Marsh (Head of Service)", "Dev Rao (Service Manager, Children in Care)"]


@dataclass
class Approval:
    """The approval the old plan made, with what it drew: kept as it was."""

    on: date
    panel: date
    application: date
    stage2: date
    args: dict


def shadow_draws(rng: random.Random, plan, today: date, staff: DemoStaff, log_contacts):
    """Take from the main generator what recording `plan` took before (the assessing
    worker, the approval's terms and worker, the contact log), so every later case and
    household draws what it always did; return the approval it made, if any."""
    found: dict = {}
    last_on, is_open = plan[0][1], True
    for kind, on, _ in plan:
        if on > today:
            break
        found[kind] = on
        if kind is EventKind.STAGE2_START:
            rng.choice(staff.ssws)
        if kind is EventKind.APPROVAL:
            args = dict(
                places=rng.choice([1, 1, 2, 2, 2, 3]),
                **staff_age_range(rng),
                categories=rng.sample(
                    [
                        "short_term",
                        "long_term",
                        "respite",
                        "emergency",
                        "sibling_group",
                        "parent_and_child",
                    ],
                    k=2,
                ),
                supervising_worker=rng.choice(staff.ssws),
            )
            approval = Approval(
                on, found[EventKind.PANEL], found[EventKind.APPLICATION],
                found.get(EventKind.STAGE2_START, found[EventKind.APPLICATION]), args,
            )  # fmt: skip
            found["approval"] = approval
        if kind in CLOSING:
            is_open = False
        last_on = on
    if is_open:
        log_contacts(rng, None, last_on, today, quiet=rng.random() < 0.15)
    return found.get("approval")


def staff_age_range(rng):
    return age_range(rng)


#: Of the temporary approvals decided after their 16 weeks, those carried on by an IRM
#: review of a proposed refusal rather than a nominated officer's extension.
IRM_SHARE = 0.15


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


class KinshipCase:
    """One connected person's history, recorded through the case's own rules, cut at
    today (a step after today is not recorded: a recent case is open)."""

    def __init__(self, rng: random.Random, case: Case, staff: DemoStaff, today: date):
        self.rng, self.case, self.staff, self.today = rng, case, staff, today
        self.done = False

    def step(self, kind: EventKind, on: date, reason: str | None = None) -> bool:
        if self.done or on > self.today:
            self.done = True
            return False
        self.case.record_step(kind, on, self.case.owner, reason=reason, as_of=self.today)
        return True

    def refer(self, on: date) -> None:
        case, rng = self.case, self.rng
        case.enquiry_date = on
        case.source, case.channel, case.campaign = REFERRAL_SOURCE, None, None
        case.referral = KinshipReferral(
            referred_on=on,
            social_worker=rng.choice(SOCIAL_WORKERS),
            child_reference=f"CH{rng.randint(100000, 999999)}",
            connection=rng.choice(CONNECTIONS),
            urgency=rng.choice(list(ReferralUrgency)),
        )
        self.step(EventKind.REFERRAL, on)

    def viability(self, on: date, outcome: ViabilityOutcome, leads_to=None) -> bool:
        if self.done or on > self.today:
            self.done = True
            return False
        self.case.viability_assessments.append(
            ViabilityAssessment(
                assessed_on=on,
                worker=self.rng.choice(self.staff.ssws),
                outcome=outcome,
                leads_to=leads_to,
                accommodation_seen_on=on if outcome is ViabilityOutcome.POSITIVE else None,
                welfare_considered=outcome is ViabilityOutcome.POSITIVE,
            )
        )
        self.case.touch(on)
        return True

    def temporary_approval(self, on: date, decided: date | None) -> TemporaryApproval | None:
        """Reg 24: the checks first (an enhanced DBS for each adult, a worker allocated),
        the child placed that day or within days; extended once when the decision falls
        after 16 weeks (lapsing when it falls after 24)."""
        if self.done or on > self.today:
            self.done = True
            return None
        case, rng = self.case, self.rng
        for member in case.members:
            case.checks.append(Check(kind=CheckKind.DBS, member=member, requested_on=on,
                                     received_on=on))  # fmt: skip
        case.assessing_worker = rng.choice(self.staff.ssws)
        moved = on + (_days(rng, 1, 5) if rng.random() < 0.2 else timedelta(0))
        temporary = TemporaryApproval(
            child_reference=case.referral.child_reference,
            approved_on=on,
            most_appropriate_found=True,
            necessary_now_found=True,
            placed_on=moved if moved <= self.today else None,
        )
        case.temporary_approval = temporary
        if decided is not None and decided >= first_expiry(on):
            decided_on = on + _days(rng, 91, 108)
            until = min(latest_extension(on), decided + _days(rng, 1, 14))
            if decided < latest_extension(on) and rng.random() < IRM_SHARE:
                self.irm_review(temporary, decided_on, decided)
            elif decided_on <= self.today:
                # reg 25(4): the fostering panel's views sought and the child's IRO told
                # in the week or two before the nominated officer decides
                temporary.extend(
                    until,
                    rng.choice(OFFICERS),
                    decided_on,
                    self.today,
                    panel_views_sought_on=decided_on - _days(rng, 7, 14),
                    iro_informed_on=decided_on - _days(rng, 1, 6),
                )
            lapsed = temporary.expires_on
            if lapsed is not None and lapsed <= decided <= self.today:  # reg 25(6): the child
                # stayed, and the carer was approved as a foster parent on the decision day
                temporary.record_lapse(AfterLapse.APPROVED_FOSTER_PARENT, decided, self.today)
        return temporary

    def irm_review(self, temporary: TemporaryApproval, extended_on: date, decided: date) -> None:
        """The service proposed not to approve (a qualifying determination, reg 27(4)); the
        connected person asked the IRM to review it within the 28 days; the panel's views
        sought and the IRO told, a nominated officer extended the approval until the
        outcome (reg 25(1)(b), (4), (5)); the IRM panel recommended approval and the
        service decided so, `decided` (the refusal not proceeded with)."""
        applied = extended_on - timedelta(days=3)
        if extended_on > self.today:  # not yet: the demo's today comes first
            return
        proposal = Determination(
            kind=DeterminationKind.REFUSAL,
            case=self.case,
            notified_on=applied - timedelta(days=7),
            reasons="The assessment does not show the connected person can meet the child's "
            "needs as they grow (the panel's recommendation).",
        )
        db.session.add(proposal)
        proposal.receive_response(Response.IRM, applied, as_of=self.today)
        temporary.apply_to_irm(
            IrmExtension(
                applied_on=applied,
                decided_on=extended_on,
                officer=self.rng.choice(OFFICERS),
                panel_views_sought_on=extended_on - timedelta(days=2),
                iro_informed_on=extended_on - timedelta(days=1),
                refusal_proposed_on=proposal.notified_on,
            ),
            self.today,
        )
        papers = applied + timedelta(days=6)
        if papers <= self.today:
            proposal.send_irm_papers(papers, as_of=self.today)
        recommended = decided - timedelta(days=5)
        if papers < recommended <= self.today:
            proposal.recommend(Recommendation.OTHERWISE, recommended, as_of=self.today)
        if decided <= self.today and proposal.recommended_on is not None:
            proposal.decide(FinalOutcome.NOT_PROCEEDED, decided, None, as_of=self.today)
            temporary.irm_decided(decided, self.today)

    def order(self, kind: OrderKind, started: date, made: date | None) -> None:
        if self.done or started > self.today:
            self.done = True
            return
        assessment = start_order_assessment(self.case, kind, started, None, as_of=self.today)
        decided = made or started + _days(self.rng, 90, 200)
        if decided > self.today:
            self.done = True
            return
        outcome = OrderOutcome.MADE if made else OrderOutcome.NOT_MADE
        record_order_outcome(assessment, outcome, decided, made, None, as_of=self.today)
        if not made:
            self.step(EventKind.WITHDRAWN_BY_SERVICE, decided, "other")


def approved_history(k: KinshipCase, approval: Approval) -> None:
    """A connected person approved on the old plan's day, after a temporary approval
    decided mostly within 16 weeks (or assessed without a child placed)."""
    rng = k.rng
    if rng.random() < 0.2:  # a full assessment without a placement
        referred = approval.application - _days(rng, 10, 30)
        k.refer(referred)
        k.viability(referred + _days(rng, 3, 9), ViabilityOutcome.POSITIVE,
                    ViabilityRoute.FULL_ASSESSMENT)  # fmt: skip
        k.case.assessing_worker = rng.choice(k.staff.ssws)
        k.step(EventKind.APPLICATION, approval.application)
        k.step(EventKind.STAGE2_START, approval.stage2)
        k.step(EventKind.PANEL, approval.panel)
        return
    fate = rng.random()
    days = rng.randint(70, 111) if fate < 0.8 else rng.randint(113, 166) if fate < 0.96 else 0
    if not days:  # decided after the approval lapsed
        days = rng.randint(170, 200)
    on = approval.on - timedelta(days=days)
    on = min(on, approval.panel - timedelta(days=30))
    referred = on - _days(rng, 0, 10)
    k.refer(referred)
    k.viability(referred + timedelta(days=(on - referred).days // 2), ViabilityOutcome.POSITIVE,
                ViabilityRoute.TEMPORARY_APPROVAL)  # fmt: skip
    k.temporary_approval(on, approval.on)
    application = on + _days(rng, 0, 3)
    k.step(EventKind.APPLICATION, application)
    k.step(EventKind.STAGE2_START, application + _days(rng, 7, 21))
    k.step(EventKind.PANEL, approval.panel)


def other_history(k: KinshipCase, referred: date) -> None:
    """A connected person not approved: negative or withdrawn at viability, an order
    instead, a temporary approval ended otherwise, or still being assessed."""
    rng, P = k.rng, ViabilityOutcome.POSITIVE
    k.refer(referred)
    viable = referred + _days(rng, 2, 20)
    fate = rng.random()
    if fate < 0.45:
        if k.viability(viable, ViabilityOutcome.NEGATIVE):
            reason = rng.choice(["capacity", "capacity", "safeguarding", "accommodation"])
            k.step(EventKind.WITHDRAWN_BY_SERVICE, viable + _days(rng, 0, 7), reason)
    elif fate < 0.53:
        if k.viability(viable, ViabilityOutcome.WITHDRAWN):
            k.step(EventKind.WITHDRAWN_BY_APPLICANT, viable, rng.choice(["AW3", "AW3", "AW0"]))
    elif fate < 0.70:
        kind = OrderKind.SPECIAL_GUARDIANSHIP if fate < 0.66 else OrderKind.CHILD_ARRANGEMENTS
        route = ViabilityRoute(kind.value)
        if k.viability(viable, P, route):
            started = viable + _days(rng, 7, 21)
            made = started + _days(rng, 90, 210) if rng.random() < 0.85 else None
            k.order(kind, started, made)
    elif fate < 0.90:
        _temporary_then_otherwise(k, viable)
    elif k.viability(viable, P, ViabilityRoute.FULL_ASSESSMENT):
        k.case.assessing_worker = rng.choice(k.staff.ssws)
        application = viable + _days(rng, 5, 20)
        if k.step(EventKind.APPLICATION, application):
            k.step(EventKind.STAGE2_START, application + _days(rng, 10, 30))
            reason = rng.choice(["AW2", "AW3", "AW4", "AW0"])
            k.step(EventKind.WITHDRAWN_BY_APPLICANT, application + _days(rng, 40, 200), reason)


def _temporary_then_otherwise(k: KinshipCase, viable: date) -> None:
    rng = k.rng
    if not k.viability(viable, ViabilityOutcome.POSITIVE, ViabilityRoute.TEMPORARY_APPROVAL):
        return
    on = viable + _days(rng, 0, 3)
    end = rng.random()
    if end < 0.45:  # special guardianship made before the fostering approval
        made = on + _days(rng, 75, 150)
        closes = made
    elif end < 0.85:
        closes = on + _days(rng, 30, 110)
    else:  # to panel, not approved
        closes = on + _days(rng, 85, 108)
    lapses = STORY.lapse_to_tell and end >= 0.45 and first_expiry(on) < k.today - timedelta(30)
    if lapses:  # not decided in time: no extension sought, the approval lapses
        STORY.lapse_to_tell = False
        closes = first_expiry(on) + _days(rng, 2, 20)
    temporary = k.temporary_approval(on, None if lapses else closes)
    if temporary is None:
        return
    application = on + _days(rng, 0, 3)
    if not k.step(EventKind.APPLICATION, application):
        return
    k.step(EventKind.STAGE2_START, application + _days(rng, 7, 21))
    if lapses:  # reg 25(6): the child moved to other carers; the assessment ends
        temporary.record_lapse(AfterLapse.OTHER_CARERS, closes, k.today)
        k.step(EventKind.WITHDRAWN_BY_SERVICE, closes, "other")
    elif end < 0.45:
        k.order(OrderKind.SPECIAL_GUARDIANSHIP, on + _days(rng, 20, 45), made)
    else:
        _closed_otherwise(k, end, closes)


def _closed_otherwise(k: KinshipCase, end: float, closes: date) -> None:
    """A temporarily approved connected person's assessment ending without approval."""
    rng = k.rng
    if end < 0.70:
        k.step(EventKind.WITHDRAWN_BY_APPLICANT, closes, rng.choice(["AW2", "AW3", "AW3", "AW4"]))
    elif end < 0.85:
        k.step(EventKind.WITHDRAWN_BY_SERVICE, closes, rng.choice(["safeguarding", "capacity"]))
    elif k.step(EventKind.PANEL, closes):
        k.step(EventKind.REJECTED, closes)


@dataclass
class _Story:
    """What the demo tells once whatever the seed: a temporary approval that lapsed
    undecided (reg 25(6)), with what happened to the child's placement recorded (at the
    rates above a service of the demo's size may see none in three years)."""

    lapse_to_tell: bool = True


STORY = _Story()


def story_begins() -> None:
    """A new demo: its once-told events are still to tell."""
    STORY.lapse_to_tell = True


def kinship_history(
    number: int, case: Case, staff: DemoStaff, today: date, approval: Approval | None
) -> KinshipCase:
    """Record a connected person's referral and what followed, from its own generator."""
    k = KinshipCase(random.Random(f"kinship:{number}"), case, staff, today)
    if approval is not None:
        approved_history(k, approval)
    else:
        other_history(k, case.enquiry_date)
    return k


#: Approved connected persons whose child stays with them by an order later on (the
#: commonest permanence for a child placed with family), 9-18 months after approval.
P_ORDER_AFTER_APPROVAL = 0.5


def orders_for_households(households: list[Household], today: date) -> int:
    """The orders behind kinship good outcomes. An approved kinship household that left
    with the good-outcome reason had an order made that day (its assessment started 4-7
    months before); and about half of the connected persons approved through the
    pipeline have a special guardianship (80%) or child arrangements order made 9-18
    months on, which deregisters them for a good outcome (crm.cases.special_guardianship),
    their placed child staying with them. Each household draws from its own generator."""
    made = 0
    for household in households:
        if household.case is None or household.carer_type is not CarerType.KINSHIP:
            continue
        own = random.Random(f"order:{household.reference}")
        kind = (
            OrderKind.SPECIAL_GUARDIANSHIP if own.random() < 0.8 else OrderKind.CHILD_ARRANGEMENTS
        )
        if household.deregistration_reason is DeregistrationReason.CHILD_STAYS_WITH_CARERS:
            on = household.deregistration_date
            started = max(household.approval_date, on - _days(own, 120, 210))
            db.session.add(
                OrderAssessment(
                    case=household.case, order=kind, started_on=started,
                    outcome=OrderOutcome.MADE, decided_on=on, order_made_on=on,
                )
            )  # fmt: skip
            made += 1
            continue
        on = household.approval_date + _days(own, 270, 540)
        if household.deregistration_date or on > today or own.random() >= P_ORDER_AFTER_APPROVAL:
            continue
        _life_ends(household, on)
        started = max(household.approval_date, on - _days(own, 120, 210))
        assessment = start_order_assessment(household.case, kind, started, None, as_of=today)
        record_order_outcome(assessment, OrderOutcome.MADE, on, on, None, as_of=today)
        made += 1
    return made


def _life_ends(household: Household, on: date) -> None:
    """The household's fostering ends on `on`: what its simulated life recorded after
    that day never happened (delete-orphan drops it), the child placed stays with them
    outside fostering (the placement ends that day, planned), and a break ends."""
    household.events[:] = [e for e in household.events if e.occurred_on <= on]
    household.placements[:] = [p for p in household.placements if p.start_date <= on]
    household.breaks[:] = [b for b in household.breaks if b.start_date <= on]
    for placement in household.placements:
        if placement.end_date is None or placement.end_date > on:
            placement.end_date, placement.ending = on, PlacementEnding.PLANNED
    for pause in household.breaks:
        if pause.end_date is None or pause.end_date > on:
            pause.end_date = on

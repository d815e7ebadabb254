"""Generated histories for testing the retention model without a database."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

from jobs.retention.features import History

START = date(2019, 1, 1)


def synthetic_history(
    households: int = 500,
    months: int = 60,
    signal: bool = True,
    seed: int = 0,
    base_hazard: float = 0.008,
) -> History:
    """Households visited monthly, or every three months when neglected. With `signal`,
    neglected households are seven times as likely to leave each month; without it,
    leaving is random. Carer age never matters here, so the age baseline is weak."""
    rng = random.Random(seed)
    rows = {
        "households": [],
        "carers": [],
        "terms": [],
        "placements": [],
        "events": [],
        "breaks": [],
    }
    for hid in range(1, households + 1):
        approved = START - timedelta(days=rng.randint(30, 3000))
        lapses_at = rng.randint(0, months) if rng.random() < 0.5 else months + 1
        left = None
        day = START + timedelta(days=rng.randint(0, 20))
        for month in range(months):
            on = START + timedelta(days=30 * month)
            neglected = month >= lapses_at
            while day <= on and not neglected:
                rows["events"].append((hid, "supervision_visit", day, None))
                day += timedelta(days=30 + rng.randint(-5, 5))
            hazard = base_hazard * (15 if neglected else 1) if signal else base_hazard * 4
            if rng.random() < hazard:
                left = on + timedelta(days=rng.randint(1, 29))
                break
        rows["households"].append((hid, f"S{hid}", approved, left, "mainstream", None))
        rows["carers"].append((hid, approved - timedelta(days=365 * rng.randint(30, 65))))
        rows["terms"].append((hid, approved, 2))
    return make_history(rows)


def make_history(rows: dict) -> History:
    columns = {
        "households": [
            "id",
            "reference",
            "approval_date",
            "deregistration_date",
            "carer_type",
            "supervising_worker_id",
        ],
        "carers": ["household_id", "birth_date"],
        "terms": ["household_id", "effective_from", "places"],
        "placements": ["household_id", "start_date", "end_date", "ending"],
        "events": ["household_id", "kind", "occurred_on", "value"],
        "breaks": ["household_id", "start_date", "end_date"],
    }
    frames = {}
    for name, names in columns.items():
        frame = pd.DataFrame(rows.get(name, []), columns=names)
        for column in names:
            if column.endswith(("_date", "_on", "_from")):
                frame[column] = pd.to_datetime(frame[column])
        frames[name] = frame
    frames["events"]["value"] = frames["events"]["value"].astype(float)
    return History(**frames)

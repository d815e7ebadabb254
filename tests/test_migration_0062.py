"""Migration 0062 keeps every allegation's outcome (issue 34, item 5): the three recorded
until now were already three of Working Together's five and keep their codes; one typed
with other capitals or spaces around it takes the code's form; anything else stays as
it was typed; no conclusion date is invented."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent


def upgrade(url: str, to: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py", "HEARTH_ENV": "development"}
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade", to],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def test_allegation_outcomes_keep_their_meaning(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url, "0061")
    engine = sa.create_engine(url)
    recorded = [
        (1, "allegation", "unfounded"),
        (2, "allegation", " Substantiated "),
        (3, "allegation", "ongoing"),
        (4, "allegation", "Closed by LADO, no further action"),
        (5, "allegation", None),
        (6, "annual_review", "Continue"),
    ]
    with engine.begin() as db:
        for n, kind, outcome in recorded:
            db.execute(
                sa.text(
                    "INSERT INTO carer_events (id, household_id, kind, occurred_on, outcome,"
                    " recorded_at) VALUES (:n, 1, :k, '2025-05-01', :o, '2025-05-01 09:00:00')"
                ),
                {"n": n, "k": kind, "o": outcome},
            )
    upgrade(url, "0062")
    with engine.connect() as db:
        rows = db.execute(
            sa.text("SELECT id, outcome, concluded_on FROM carer_events ORDER BY id")
        ).all()
    engine.dispose()
    assert [(n, outcome) for n, outcome, _ in rows] == [
        (1, "unfounded"),
        (2, "substantiated"),
        (3, "ongoing"),
        (4, "Closed by LADO, no further action"),
        (5, None),
        (6, "Continue"),
    ]
    assert {concluded for _, _, concluded in rows} == {None}

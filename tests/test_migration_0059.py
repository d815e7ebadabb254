"""Migration 0059 carries a service's complaint timescale from calendar days to the
working days the regulations count (crm.domain.complaints): five in every seven."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent


def migrate(url: str, command: str, to: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py", "HEARTH_ENV": "development"}
    subprocess.run(
        [sys.executable, "-m", "flask", "db", command, to],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def settings(engine) -> dict[str, int]:
    with engine.connect() as db:
        return dict(db.execute(sa.text("SELECT key, value FROM settings")).all())


def test_fourteen_calendar_days_become_ten_working_days_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url, "upgrade", "0058")
    engine = sa.create_engine(url)
    with engine.begin() as db:
        db.execute(
            sa.text("INSERT INTO settings (key, value) VALUES ('complaint_response_days', 14)")
        )
    migrate(url, "upgrade", "0059")
    assert settings(engine) == {"complaint_response_working_days": 10}
    migrate(url, "downgrade", "0058")
    assert settings(engine) == {"complaint_response_days": 14}

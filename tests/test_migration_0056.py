"""Migration 0056 moves what older enquiries hold sensibly (issue 32, item 7): "Phone
call" and "Council website form" were ways of getting in touch, not sources, so they
become the enquiry's channel and its source "Not recorded"; an enquiry waiting for
first contact with a call logged gets its first contact on that call's day."""

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


def case(n: int, source: str, stage: str = "enquiry") -> dict:
    return {
        "id": n,
        "reference": f"M-{n}",
        "carer_type": "mainstream",
        "first_name": "A",
        "last_name": f"Person {n}",
        "source": source,
        "stage": stage,
        "on_hold": False,
        "enquiry_date": "2025-06-02",
        "created_at": "2025-06-02 09:00:00",
        "updated_at": "2025-06-02 09:00:00",
        "version": 1,
    }


def test_channels_leave_the_sources_and_logged_calls_become_first_contacts(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url, "0055")
    engine = sa.create_engine(url)
    with engine.begin() as db:
        for row in (case(1, "phone"), case(2, "website"), case(3, "event"), case(4, "event")):
            db.execute(
                sa.text(
                    "INSERT INTO cases (id, reference, carer_type, first_name, last_name, source,"
                    " stage, on_hold, enquiry_date, created_at, updated_at, version) VALUES (:id,"
                    " :reference, :carer_type, :first_name, :last_name, :source, :stage, :on_hold,"
                    " :enquiry_date, :created_at, :updated_at, :version)"
                ),
                row,
            )
        logged = [
            (3, "note", "2025-06-03"),
            (3, "call", "2025-06-05"),
            (3, "email", "2025-06-09"),
            (4, "note", "2025-06-03"),
        ]
        for case_id, kind, on in logged:
            db.execute(
                sa.text(
                    "INSERT INTO activities (case_id, kind, occurred_on, recorded_at)"
                    " VALUES (:c, :k, :o, '2025-06-09 10:00:00')"
                ),
                {"c": case_id, "k": kind, "o": on},
            )
    upgrade(url, "head")
    with engine.connect() as db:
        rows = db.execute(
            sa.text("SELECT id, source, channel, stage, first_contact_date FROM cases ORDER BY id")
        ).all()
        retired = dict(db.execute(sa.text("SELECT code, retired FROM enquiry_sources")).all())
        events = db.execute(
            sa.text("SELECT case_id, occurred_on FROM stage_events WHERE kind = 'first_contact'")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        (1, "not_recorded", "phone", "enquiry", None),
        (2, "not_recorded", "web_form", "enquiry", None),
        (3, "event", None, "contacted", "2025-06-05"),
        (4, "event", None, "enquiry", None),
    ]
    assert retired["phone"] and retired["website"] and not retired["not_recorded"]
    assert [tuple(e) for e in events] == [(3, "2025-06-05")]

"""Benchmark: import a 100,000-row recruitment tracker (issue 3's target: under 60 s).

    .venv/bin/python bench/import_tracker.py [--rows N] [--database-url URL]
        [--path bulk|plain]

Generates a realistic tracker CSV (about 12% of enquiries reach application,
outcomes as domain.md's national figures), imports it into an empty database
(SQLite file by default) and prints rows per second and peak memory. Then
re-imports the same file, which must create nothing.

--path bulk (the default) imports as `flask import-tracker` run by the tables' owner
does: a first load's indexes set aside and built afterwards, the cycle collector seldom
run. --path plain imports as the upload page does: no schema change, the collector as
it was.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crm import create_app  # noqa: E402
from crm.enquiry_sources import ensure_default_sources  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.imports.bulk import collector_paused  # noqa: E402
from crm.imports.reading import read_table  # noqa: E402
from crm.imports.tracker import COLUMNS, import_tracker, refresh_statistics  # noqa: E402

TODAY = date(2026, 3, 31)


def tracker_row(rng: random.Random, n: int) -> dict[str, str]:
    enquiry = TODAY - timedelta(days=rng.randint(1, 5 * 365))
    row = {
        "reference": f"B-{n:06d}",
        "enquiry_date": enquiry.strftime("%d/%m/%Y"),
        "source": rng.choice(["website", "event", "social_media", "referral"]),
        "first_name": "Alex",
        "last_name": f"Sample{n}",
        "email": f"b{n}@example.com",
        "phone": f"07700 9{n % 100000:05d}",
        "postcode": "LE1 6ZG",
    }
    dates = [enquiry]
    for column, gap, chance in [
        ("first_contact_date", 3, 0.92),
        ("initial_visit_date", 30, 0.38),
        ("application_date", 30, 0.36),
        ("stage2_start_date", 40, 0.95),
        ("panel_date", 180, 0.6),
        ("approval_date", 14, 0.9),
    ]:
        nxt = dates[-1] + timedelta(days=rng.randint(0, gap))
        if nxt > TODAY or rng.random() > chance:
            break
        row[column] = nxt.isoformat()
        dates.append(nxt)
    if "approval_date" in row:
        row["outcome"] = "approved"
    elif len(dates) > 1 and dates[-1] + timedelta(days=30) < TODAY and rng.random() < 0.8:
        row.update(
            outcome="withdrawn_by_applicant",
            withdrawal_reason="AW1",
            outcome_date=(dates[-1] + timedelta(days=20)).isoformat(),
        )
    row["last_contact_date"] = dates[-1].isoformat()
    return row


def write_tracker(path: Path, rows: int) -> None:
    rng = random.Random(42)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for n in range(rows):
            writer.writerow(tracker_row(rng, n))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--path", choices=["bulk", "plain"], default="bulk")
    args = parser.parse_args()
    bulk = args.path == "bulk"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tracker.csv"
        write_tracker(path, args.rows)
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.drop_all()
            db.create_all()
            ensure_default_sources()
            db.session.commit()  # the council's lists exist before any import, as in use
            print(
                f"{args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB CSV, "
                f"database {db.engine.dialect.name}, {args.path} path"
            )
            for label in ("first import", "re-import"):
                started = time.perf_counter()
                table = read_table(path)
                with collector_paused() if bulk else contextlib.nullcontext():
                    result = import_tracker(table, TODAY, bulk=bulk)
                db.session.commit()
                refresh_statistics()
                db.session.commit()
                seconds = time.perf_counter() - started
                assert not result.errors, result.errors[:5]
                print(
                    f"{label}: {seconds:.1f} s, {args.rows / seconds:,.0f} rows/s "
                    f"(created {result.created:,}, updated {result.updated:,}, "
                    f"unchanged {result.unchanged:,})"
                )
                db.session.expunge_all()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"peak memory (whole process): {peak:,.0f} MB")
            db.session.remove()
            db.drop_all()


if __name__ == "__main__":
    main()

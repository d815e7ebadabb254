"""Benchmark: the manager's dashboard, 50 requests, median and 95th percentile.

    .venv/bin/python bench/dashboard.py [--pg-demo-url URL] [--pg-national-url URL] [--reuse]

For the demo service and the national-scale data set (bench/national.py: 600,000
enquiries, 45,000 households), on SQLite under bench/out/ and, when given, on
PostgreSQL: runs the snapshot job once (timed: that is what the scheduler does
every 15 minutes), then requests the dashboard for the financial year so far 50
times through the app (Flask's test client, signed in as a manager; no network),
and a custom period (last year, which the snapshot does not cover, so it is
computed on request) 10 times. Issue 6's target: 95th percentile under 300 ms at
national scale.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.national import TODAY as NATIONAL_TODAY  # noqa: E402
from bench.national import build  # noqa: E402
from crm import create_app  # noqa: E402
from crm.auth.services import create_user  # noqa: E402
from crm.demo import seed_demo  # noqa: E402
from crm.enquiry_sources import ensure_default_sources  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.metrics.dashboard import store_snapshot  # noqa: E402
from crm.models import Role, User  # noqa: E402
from crm.timeutil import today  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
APP_SETTINGS = {
    "PASSWORD_HASH_TIME_COST": 1,
    "PASSWORD_HASH_MEMORY_COST": 8,
    "MFA_REQUIRED_ROLES": (),  # the bench signs in by session; no second factor to give
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _has_national_data(url: str) -> bool:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            return connection.scalar(sa.text("SELECT count(*) FROM cases")) >= 600_000
    except sa.exc.SQLAlchemyError:
        return False


def prepare_demo(url: str) -> date:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **APP_SETTINGS})
    with app.app_context():
        db.drop_all()
        db.create_all()
        ensure_default_sources()
        seed_demo(seed=1)
    return today()


def measure(label: str, url: str, as_of: date, runs: int = 50) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **APP_SETTINGS})
    with app.app_context():
        email = "bench-manager@example.org"
        manager = db.session.scalar(sa.select(User).where(User.email == email)) or create_user(
            email, "Bench Manager", "bench-password-not-secret", [Role.MANAGER]
        )
        db.session.commit()
        started = time.perf_counter()
        store_snapshot(as_of)
        db.session.commit()
        snapshot_seconds = time.perf_counter() - started
        token = manager.session_token
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = token, True

    def timed(path: str, n: int, expect: bytes = b"") -> list[float]:
        timings = []
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            assert expect in response.data, (path, expect)
        return timings

    year = timed(f"/dashboard/?as_of={as_of.isoformat()}", runs, b"Worked out at")
    last_year = date(as_of.year - 1 if as_of.month >= 4 else as_of.year - 2, 4, 1)
    custom = timed(
        f"/dashboard/?date_from={last_year.isoformat()}"
        f"&date_to={date(last_year.year + 1, 3, 31).isoformat()}&as_of={as_of.isoformat()}",
        10,
    )
    compliance = timed(f"/dashboard/compliance?as_of={as_of.isoformat()}", 5, b"Compliance on")
    print(
        f"{label}: compliance page (now and 12 month-ends, worked out on request) median "
        f"{statistics.median(compliance):.0f} ms over 5"
    )
    print(
        f"{label}: snapshot job {snapshot_seconds:.2f} s; dashboard (year so far, from the "
        f"snapshot) median {statistics.median(year):.0f} ms, p95 {percentile(year, 95):.0f} ms "
        f"over {runs}; custom period (computed on request) median "
        f"{statistics.median(custom):.0f} ms, p95 {percentile(custom, 95):.0f} ms over 10"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg-demo-url")
    parser.add_argument("--pg-national-url")
    parser.add_argument(
        "--reuse", action="store_true", help="Keep national data already built by a past run."
    )
    parser.add_argument("--only-national", action="store_true", help="Skip the demo service.")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    demo_file, national_file = OUT / "dashboard-demo.sqlite", OUT / "dashboard-national.sqlite"
    demos = [("SQLite demo", f"sqlite:///{demo_file}")] + (
        [("PostgreSQL demo", args.pg_demo_url)] if args.pg_demo_url else []
    )
    for label, url in [] if args.only_national else demos:
        measure(label, url, prepare_demo(url))
    national = [("SQLite national", f"sqlite:///{national_file}")]
    if args.pg_national_url:
        national.append(("PostgreSQL national", args.pg_national_url))
    for label, url in national:
        if not (args.reuse and _has_national_data(url)):
            print(f"building the national data set in {label.split()[0]} ...")
            build(url)
        measure(label, url, NATIONAL_TODAY)


if __name__ == "__main__":
    main()

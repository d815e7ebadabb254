"""Benchmark: Hearth under gunicorn with 16 concurrent users (locust, headless).

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/load.py [--database-url URL] [--users 16] [--seconds 60]

Uses a database built by bench/dashboard.py (the national data set by default:
bench/out/dashboard-national.sqlite). Gives 300 open cases to a bench officer and
20 households to a bench supervising social worker, stores the dashboard snapshot,
signs each role in once (through the real login form, CSRF and all), starts
gunicorn on loopback (2 workers x 4 threads on this 2-core machine), runs locust
for the given time, stops everything and prints requests per second and
p50/p95/p99 per page, and the error count (which must be 0). Locust runs on the
same two cores, so the figures are pessimistic.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.national import TODAY  # noqa: E402
from crm import create_app  # noqa: E402
from crm.auth.services import change_password, create_user  # noqa: E402
from crm.clocks import sync_flags  # noqa: E402
from crm.domain.stages import OPEN_STAGES  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.metrics.dashboard import store_snapshot  # noqa: E402
from crm.models import Case, Household, Role, User  # noqa: E402

PASSWORD = "bench plum kettle orbit sandal"
ROLES = {
    "officer": Role.RECRUITMENT_OFFICER,
    "ssw": Role.SUPERVISING_SOCIAL_WORKER,
    "manager": Role.MANAGER,
}


def missing_columns() -> list[str]:
    """Columns the models have and the database does not (a data set built before a
    migration): measuring on it would answer 500s, not figures."""
    inspector = sa.inspect(db.engine)
    missing = []
    for table in db.metadata.sorted_tables:
        if not inspector.has_table(table.name):
            missing.append(table.name)
            continue
        held = {c["name"] for c in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in held]
    return missing


def prepare(url: str, as_of: str | None = None) -> list[int]:
    """Bench users with work of their own; returns case ids for the case pages."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if missing := missing_columns():
            sys.exit(
                "This database predates the current schema (it lacks "
                f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}): rebuild it "
                "without --reuse."
            )
        users = {}
        for name, role in ROLES.items():
            email = f"bench-{name}@example.org"
            user = db.session.scalar(sa.select(User).where(User.email == email))
            if user is None:
                user = create_user(email, f"Bench {name}", PASSWORD, [role])
            else:
                change_password(user, PASSWORD)
                user.set_roles({role})
            users[name] = user
        db.session.flush()
        open_ids = db.session.scalars(
            sa.select(Case.id).where(Case.stage.in_(OPEN_STAGES)).order_by(Case.id).limit(300)
        ).all()
        db.session.execute(
            sa.update(Case).where(Case.id.in_(open_ids)).values(owner_id=users["officer"].id)
        )
        household_ids = db.session.scalars(
            sa.select(Household.id).where(Household.deregistration_date.is_(None)).limit(20)
        ).all()
        db.session.execute(
            sa.update(Household)
            .where(Household.id.in_(household_ids))
            .values(supervising_worker_id=users["ssw"].id)
        )
        day = date.fromisoformat(as_of) if as_of else TODAY
        store_snapshot(day)
        started = time.perf_counter()
        judged = sync_flags(day)  # the flags every write and the nightly run keep
        db.session.commit()
        print(
            f"  flags judged for the whole service in {time.perf_counter() - started:.1f} s: "
            f"{judged['open']} open"
        )
        return list(db.session.scalars(sa.select(Case.id).order_by(sa.func.random()).limit(2000)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(base: str, role: str) -> str:
    """The session cookie after signing in through the real form."""
    session = requests.Session()
    page = session.get(f"{base}/auth/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/auth/login",
        data={"csrf_token": token, "email": f"bench-{role}@example.org", "password": PASSWORD},
        allow_redirects=False,
    )
    assert response.status_code == 302, (role, response.status_code)
    return session.cookies["session"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--database-url", default=f"sqlite:///{ROOT / 'bench/out/dashboard-national.sqlite'}"
    )
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--label", default=None)
    args = parser.parse_args()
    case_ids = prepare(args.database_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "HEARTH_ENV": "development",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/auth/login", timeout=10)
                break
            except requests.RequestException:
                time.sleep(0.2)
        cookies = {role: sign_in(base, role) for role in ROLES}
        with tempfile.TemporaryDirectory() as out:
            subprocess.run(
                [
                    str(ROOT / ".venv/bin/locust"),
                    "-f",
                    str(ROOT / "bench/locustfile.py"),
                    "--headless",
                    "-u",
                    str(args.users),
                    "-r",
                    str(args.users),
                    "-t",
                    f"{args.seconds}s",
                    "--host",
                    base,
                    "--csv",
                    f"{out}/run",
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                env={
                    **os.environ,
                    "HEARTH_BENCH_COOKIES": json.dumps(cookies),
                    "HEARTH_BENCH_CASE_IDS": json.dumps(case_ids),
                    "HEARTH_BENCH_AS_OF": TODAY.isoformat(),
                },
                check=False,
                stdout=subprocess.DEVNULL,
            )
            with open(f"{out}/run_stats.csv", newline="") as handle:
                rows = list(csv.DictReader(handle))
    finally:
        server.terminate()
        server.wait(timeout=30)
    label = args.label or args.database_url.split("://")[0]
    print(
        f"{label}: {args.users} users for {args.seconds} s under gunicorn (2 workers x 4 threads)"
    )
    for row in rows:
        print(
            f"  {row['Name']:<12} {float(row['Requests/s']):6.1f} req/s  "
            f"p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms  p99 {row['99%']:>5} ms  "
            f"errors {row['Failure Count']} of {row['Request Count']}"
        )


if __name__ == "__main__":
    main()

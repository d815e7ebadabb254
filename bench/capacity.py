"""Benchmark: what Hearth can carry, closed-loop, beside a bare Flask page.

    .venv/bin/python bench/capacity.py [--scale demo|national ...] [--pg-url URL]
                                       [--seconds 10] [--connections 16] [--reuse]

For each scale (the demo service; the national data set of bench/national.py) and each
database (SQLite under bench/out/; PostgreSQL when --pg-url is given), this prepares the
data (bench users, an officer with 300 open cases, a worker with 20 households, the
dashboard snapshot), starts Hearth under gunicorn with 2 sync workers and, beside it,
the bare reference page of bench/bare.py (one indexed lookup, one small template), also
2 sync workers. It signs each role in through the real form, then drives each page with
`wrk` (apt install wrk): 16 connections, each sending its next request as soon as the
last returns, for a fixed time. It prints requests a second, p50 and p99, non-2xx
answers and each page's throughput as a share of the bare page's from the same run.
wrk runs on the same two cores as the servers, so absolute figures are pessimistic;
the ratios are what compare.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard import prepare_demo  # noqa: E402
from bench.load import free_port, prepare, sign_in  # noqa: E402
from bench.national import TODAY as NATIONAL_TODAY  # noqa: E402
from bench.national import build  # noqa: E402
from crm.timeutil import today  # noqa: E402

OUT = ROOT / "bench" / "out"
TARGET_SHARE, TARGET_P99_MS, SEARCH_P99_MS = 0.20, 150, 100


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    bad: int
    total: int


def pages(case_ids: list[int], household_ids: list[int], as_of: str) -> list[tuple]:
    """(name, role, paths) for each page measured; paths rotate among real records."""
    return [
        ("case list /cases/", "officer", ["/cases/"]),
        ("case list by stage", "officer", ["/cases/?stage=stage2"]),
        ("case page", "officer", [f"/cases/{i}" for i in case_ids[:200]]),
        ("my cases /cases/mine", "officer", ["/cases/mine"]),
        ("SSW caseload", "ssw", ["/households/caseload"]),
        ("household page", "ssw", [f"/households/{i}" for i in household_ids]),
        ("households list", "manager", ["/households/"]),
        ("dashboard, year so far", "manager", [f"/dashboard/?as_of={as_of}"]),
        ("search ?q=smith", "officer", ["/cases/?q=smith"]),
    ]


def lua(paths: list[str], cookie: str | None) -> str:
    quoted = ", ".join(f'"{p}"' for p in paths)
    header = f'wrk.headers["Cookie"] = "session={cookie}"\n' if cookie else ""
    return (
        f"{header}local paths = {{{quoted}}}\nlocal i = 0\n"
        "request = function()\n  i = i + 1\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
    )


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def drive(name: str, base: str, paths: list[str], cookie: str | None, args) -> Result:
    """Closed loop: `connections` connections for `seconds`, through wrk."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua(paths, cookie))
    run = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{args.connections}",
            f"-d{args.seconds}s",
            "--timeout",
            "30s",
            "--latency",
            "-s",
            script.name,
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(script.name)
    text = run.stdout
    total = int(re.search(r"(\d+) requests in", text).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return Result(
        name,
        float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        _ms(re.search(r"\s50%\s+(\S+)", text).group(1)),
        _ms(re.search(r"\s99%\s+(\S+)", text).group(1)),
        (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0),
        total,
    )


def serve(app: str, port: int, url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "HEARTH_ENV": "development",
    }
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}"]
        + ["--log-level", "warning", app],
        cwd=ROOT,
        env=env,
    )


def wait_for(url: str) -> None:
    for _ in range(300):
        try:
            requests.get(url, timeout=30)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} never answered")


def measure(label: str, url: str, as_of: str, args) -> list[Result]:
    case_ids = prepare(url, as_of=as_of)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        household_ids = list(
            connection.scalars(
                sa.text(
                    "SELECT h.id FROM households h JOIN users u ON u.id = h.supervising_worker_id "
                    "WHERE u.email = 'bench-ssw@example.org'"
                )
            )
        )
    engine.dispose()
    hearth_port, bare_port = free_port(), free_port()
    servers = [serve("wsgi:app", hearth_port, url), serve("bench.bare:app", bare_port, url)]
    hearth, bare = f"http://127.0.0.1:{hearth_port}", f"http://127.0.0.1:{bare_port}"
    try:
        wait_for(f"{hearth}/auth/login")
        wait_for(f"{bare}/case/{case_ids[0]}")
        cookies = {role: sign_in(hearth, role) for role in ("officer", "ssw", "manager")}
        results = [drive("bare reference page", bare, [f"/case/{i}" for i in case_ids], None, args)]
        for name, role, paths in pages(case_ids, household_ids, as_of):
            check = requests.get(
                hearth + paths[0], cookies={"session": cookies[role]}, allow_redirects=False
            )
            if check.status_code != 200:
                raise SystemExit(f"{name}: {paths[0]} answered {check.status_code}")
            results.append(drive(name, hearth, paths, cookies[role], args))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=60)
    report(label, results, args)
    return results


def report(label: str, results: list[Result], args) -> None:
    bare = results[0].rps
    print(
        f"\n{label}: {args.connections} connections, closed loop, {args.seconds} s a page; "
        "gunicorn 2 sync workers each"
    )
    print(f"  {'page':<26} {'req/s':>8} {'p50':>9} {'p99':>9} {'of bare':>8}  bad/total  target")
    for r in results:
        share = r.rps / bare if bare else 0
        limit = SEARCH_P99_MS if r.name.startswith("search") else TARGET_P99_MS
        met = r is results[0] or (share >= TARGET_SHARE and r.p99_ms <= limit)
        print(
            f"  {r.name:<26} {r.rps:8.1f} {r.p50_ms:7.1f}ms {r.p99_ms:7.1f}ms {share:8.1%}  "
            f"{r.bad}/{r.total}  {'' if r is results[0] else ('met' if met else 'NOT met')}"
        )
    sys.stdout.flush()


def database(scale: str, kind: str, args) -> tuple[str, str]:
    """The URL of a prepared database for a scale, and its as-of date."""
    if kind == "sqlite":
        url = f"sqlite:///{OUT / f'{scale}.sqlite'}"
    else:
        url = args.pg_url.rstrip("/") + ("" if scale == "national" else "_demo")
    if scale == "demo":
        if not args.reuse or not _has_cases(url):
            prepare_demo(url)
        return url, today().isoformat()
    if not args.reuse or not _has_cases(url, 600_000):
        build(url)
    return url, NATIONAL_TODAY.isoformat()


def _has_cases(url: str, at_least: int = 1) -> bool:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("cases")}
            return (
                "search_name" in columns
                and connection.scalar(sa.text("SELECT count(*) FROM cases")) >= at_least
            )
    except sa.exc.SQLAlchemyError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", choices=["demo", "national"])
    parser.add_argument("--pg-url", help="PostgreSQL URL for the national data; demo adds _demo")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--pg-only", action="store_true", help="Only the --pg-url database.")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--reuse", action="store_true", help="Keep data built by a past run.")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: sudo apt-get install wrk")
    OUT.mkdir(exist_ok=True)
    kinds = ["sqlite"] + ([] if args.sqlite_only or not args.pg_url else ["postgresql"])
    if args.pg_only and args.pg_url:
        kinds = ["postgresql"]
    for scale in args.scale or ["demo", "national"]:
        for kind in kinds:
            url, as_of = database(scale, kind, args)
            measure(f"{scale}, {kind}", url, as_of, args)


if __name__ == "__main__":
    main()

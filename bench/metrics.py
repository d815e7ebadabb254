"""Benchmark: `flask metrics` at national scale (issue 5's target: under 10 s each).

    .venv/bin/python bench/metrics.py [--pg-url URL] [--enquiries N] [--households N] [--reuse]

Builds the national data set (bench/national.py) into a SQLite file under
bench/out/ and, when --pg-url is given, into that PostgreSQL database, then
times the metrics engine for a financial year five times on each and prints
the median and the slowest run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.national import TODAY, build  # noqa: E402
from crm import create_app  # noqa: E402
from crm.metrics.engine import compute_metrics  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def time_metrics(url: str, runs: int = 5) -> tuple[list[float], dict]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    timings, figures = [], {}
    with app.app_context():
        for _ in range(runs):
            started = time.perf_counter()
            figures = compute_metrics(date(2025, 4, 1), date(2026, 3, 31), TODAY)
            timings.append(time.perf_counter() - started)
    return timings, figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg-url")
    parser.add_argument("--enquiries", type=int, default=600_000)
    parser.add_argument("--households", type=int, default=45_000)
    parser.add_argument("--reuse", action="store_true", help="Keep an existing SQLite file.")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    sqlite_file = OUT / f"national-{args.enquiries}.sqlite"
    targets = [("SQLite", f"sqlite:///{sqlite_file}")]
    if args.pg_url:
        targets.append(("PostgreSQL", args.pg_url))
    for name, url in targets:
        if not (args.reuse and name == "SQLite" and sqlite_file.exists()):
            print(
                f"building {args.enquiries:,} enquiries, {args.households:,} households "
                f"in {name} ..."
            )
            build(url, args.enquiries, args.households)
        timings, figures = time_metrics(url)
        print(
            f"{name}: metrics for 2025-26 median {statistics.median(timings):.2f} s, "
            f"slowest {max(timings):.2f} s over {len(timings)} runs "
            f"({figures['counts']['enquiries']:,} enquiries in the year, "
            f"{figures['households']['at_end']:,} households at the end, "
            f"{figures['stalled']['count']:,} stalled)"
        )


if __name__ == "__main__":
    main()

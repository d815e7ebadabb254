"""Benchmark: the case list's search, its first page and its count, at national scale.

    .venv/bin/python bench/search_list.py --database-url URL [--runs 7]

On a data set from bench/national.py, times what the case list asks of the database for
`?q=...` (the page of 25, best first, and the pager's count), in-process, for common
surnames (about 5,000 matches each), a full name, a postcode district and a miss.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crm import create_app  # noqa: E402
from crm.pagination import paginate  # noqa: E402
from crm.queries.cases import case_list  # noqa: E402

SEARCHES = ["smith", "jones", "patel", "sarah smith", "LE1", "zzzz"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url})
    print(f"{'search':<14} {'median':>8} {'slowest':>8}  found")
    with app.app_context():
        for q in SEARCHES:
            times = []
            for _ in range(args.runs):
                with app.test_request_context("/cases/", query_string={"q": q}):
                    started = time.perf_counter()
                    page = paginate(case_list(q=q))
                    shown, total = len(page.items), page.total
                    times.append(time.perf_counter() - started)
            print(
                f"{q!r:<14} {statistics.median(times) * 1000:>6.0f} ms "
                f"{max(times) * 1000:>6.0f} ms  {shown} of {total}"
            )


if __name__ == "__main__":
    main()

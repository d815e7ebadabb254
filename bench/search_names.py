"""Benchmark: search for a misspelled name at national scale (issue 32, item 5).

    .venv/bin/python bench/search_names.py --database-url URL [--runs 5]

Times, on a national data set (bench/national.py; a copy of an older one is brought up
to date first, as migration 0048 would: its names' codes filled in and indexed, timed),
the case list's search as it was (exact text: the first page and its count) and the
"did you mean" lookup added beside it (names that sound alike, ranked), for full names
misspelled as officers misspell them and for a common surname alone, whose sound-alikes
are thousands. Prints each query's median and slowest run, and how many it offered.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from crm import create_app  # noqa: E402
from crm.domain.names import name_sounds  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.models.search import sounds_statements  # noqa: E402
from crm.queries.cases import case_list, similar_cases  # noqa: E402

#: (what an officer typed, what the record says): national.py's names misspelled.
SEARCHES = [
    "Shiobhan Tailor",
    "Mohamed Patell",
    "Clare Harrisson",
    "Isabela Grifiths",
    "Sofia Jons",
    "Smyth",
]


def bring_up_to_date(echo=print) -> None:
    """What migration 0048 does to a data set made before it, timed."""
    connection = db.session.connection()
    columns = {c["name"] for c in sa.inspect(connection).get_columns("cases")}
    if "name_sounds" in columns:
        return
    started = time.perf_counter()
    connection.exec_driver_sql("ALTER TABLE cases ADD COLUMN name_sounds VARCHAR(200)")
    rows = connection.exec_driver_sql("SELECT id, first_name, last_name FROM cases").all()
    connection.execute(
        sa.text("UPDATE cases SET name_sounds = :s WHERE id = :i"),
        [{"i": i, "s": name_sounds(f, la)} for i, f, la in rows],
    )
    filled = time.perf_counter() - started
    for statement in sounds_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)
    db.session.commit()
    echo(
        f"  migration 0048 on {len(rows):,} cases: codes filled in {filled:.1f} s, "
        f"indexed in {time.perf_counter() - started - filled:.1f} s"
    )


def _timed(work, runs: int) -> tuple[float, float, object]:
    timings, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        timings.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    return statistics.median(timings), max(timings), result


def _exact(q: str):
    query = case_list(q=q)
    page = db.session.scalars(query.limit(25)).unique().all()
    counted = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    return len(page), counted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url})
    with app.app_context():
        bring_up_to_date()
        cases = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("cases")))
        print(f"{db.engine.dialect.name}, {cases:,} cases")
        print(f"{'search':<20} {'exact (page+count)':>22} {'did you mean':>16}  offered")
        for q in SEARCHES:
            exact_median, exact_worst, (_, counted) = _timed(lambda q=q: _exact(q), args.runs)
            median, worst, offered = _timed(lambda q=q: similar_cases(q, case_list()), args.runs)
            best = offered[0][0].display_name if offered else "-"
            print(
                f"{q:<20} {exact_median:>7.0f} ms ({exact_worst:.0f}) {counted:>5}"
                f" {median:>8.0f} ms ({worst:.0f})  {len(offered)}: {best}"
            )


if __name__ == "__main__":
    main()

"""Benchmark: import approved households and 15 years of their history (issue 13's
target: carer events at 5,000 rows/s or more, bounded memory).

    .venv/bin/python bench/import_history.py [--households N] [--database-url URL]

Generates messy council files with tests/messy_data.py (2,500 households give
about 150,000 events over 15 years), imports the households and then their
history into an empty database (a SQLite file by default), and prints rows per
second and peak memory for each; then imports the events file again, which must
change nothing.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crm import create_app  # noqa: E402
from crm.enquiry_sources import ensure_default_sources  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.imports.bulk import collector_paused  # noqa: E402
from crm.imports.carer_events import COLUMNS as EVENT_COLUMNS  # noqa: E402
from crm.imports.carer_events import import_carer_events  # noqa: E402
from crm.imports.households import COLUMNS as HOUSEHOLD_COLUMNS  # noqa: E402
from crm.imports.households import import_households  # noqa: E402
from crm.imports.reading import read_table  # noqa: E402
from tests.messy_data import TODAY, generate  # noqa: E402


def write(path: Path, columns: list[str], rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def timed(importer, path: Path) -> tuple[object, float]:
    """One import as `flask import-*` runs it (the cycle collector seldom run)."""
    started = time.perf_counter()
    with collector_paused():
        result = importer(read_table(path), TODAY)
    db.session.commit()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2500)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hearth-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    files = generate(seed=11, cases=0, legacy=args.households)
    households = write(folder / "households.csv", HOUSEHOLD_COLUMNS, files.households)
    events = write(folder / "events.csv", EVENT_COLUMNS, files.events)
    print(f"files generated; peak RSS so far {peak_mb():,.0f} MB")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        ensure_default_sources()
        db.session.commit()  # the council's lists exist before any import, as in use
        for name, importer, path, rows in (
            ("households", import_households, households, len(files.households)),
            ("carer events", import_carer_events, events, len(files.events)),
        ):
            result, seconds = timed(importer, path)
            assert not result.errors, [str(e) for e in result.errors[:5]]
            print(
                f"{name:<13} {rows:>9,} rows  {seconds:8.1f} s  {rows / seconds:9,.0f} rows/s"
                f"  peak RSS so far {peak_mb():,.0f} MB"
            )
        result, seconds = timed(import_carer_events, events)
        print(
            f"{'re-import':<13} {len(files.events):>9,} rows  {seconds:8.1f} s  "
            f"created {result.created}, unchanged {result.unchanged}"
        )
        db.drop_all()
    print(f"peak memory (whole process) {peak_mb():,.0f} MB; database {url.split('@')[-1]}")


def peak_mb() -> float:
    """The process's peak resident memory so far (the generated files included)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()

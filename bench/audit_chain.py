"""Benchmark: sealing and verifying the audit trail's hash chain (issue 18).

    .venv/bin/python bench/audit_chain.py [--entries N] [--database-url URL]

Writes N audit entries the way the app does (a view, a change with its before and
after values), seals them all as the first run of `seal_audit_trail` would after the
upgrade, seals a few more as the five-minute job does, then verifies the whole chain
as the nightly job does; prints entries per second and peak memory for each.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from crm import audit_chain, create_app  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.models import AuditAction, AuditEvent  # noqa: E402
from crm.timeutil import utcnow  # noqa: E402


def entries(count: int) -> list[dict]:
    now = utcnow()
    rows = []
    for n in range(count):
        changed = n % 3 == 0
        rows.append(
            {
                "at": now,
                "user_id": None,
                "actor": "user",
                "action": AuditAction.CHANGED if changed else AuditAction.VIEWED,
                "entity_type": "Case",
                "entity_id": str(n % 50_000),
                "summary": f"HF-{n % 50_000:06d}",
                "changes": {"postcode": ["LE1 1AA", "LE2 2BB"], "version": [n, n + 1]}
                if changed
                else None,
                "ip_address": "10.0.0.1",
            }
        )
    return rows


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, count: int, work) -> None:
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(
        f"{label:<34} {count:>9,} entries  {seconds:7.2f} s  "
        f"{count / seconds:>9,.0f} entries/s  peak {peak_mb():,.0f} MB  ({result})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hearth-audit-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    anchor = folder / "audit-anchor.jsonl"  # not the instance folder's
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "AUDIT_ANCHOR_PATH": str(anchor)})
    with app.app_context():
        db.drop_all()
        db.create_all()
        rows = entries(args.entries)
        for start in range(0, len(rows), 10_000):
            db.session.execute(sa.insert(AuditEvent.__table__), rows[start : start + 10_000])
        db.session.commit()
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
        timed("first seal (after the upgrade)", args.entries, audit_chain.seal)
        db.session.execute(sa.insert(AuditEvent.__table__), entries(1_000))
        db.session.commit()
        timed("five-minute seal (1,000 new)", 1_000, audit_chain.seal)
        verdict = None

        def verify():
            nonlocal verdict
            verdict = audit_chain.verify()
            return "intact" if verdict.intact else verdict.describe()

        timed("nightly verify (whole chain)", args.entries + 1_000, verify)
        db.session.remove()
        db.drop_all()


if __name__ == "__main__":
    main()

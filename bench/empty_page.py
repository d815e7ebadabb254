"""Benchmark: what a signed-in page costs before it shows anything (issue 36, item 3).

The cheapest signed-in page Hearth has (an officer's notifications, none to show: the
layout, the menu, the notification count, the roles, the session) is asked for N times
in-process through Flask's test client, beside bench/bare.py's reference page on the
same SQLite file, so the network and the server are out of it and what is left is
Python's cost per request. Then the signed-in page is profiled and the functions that
take the most time are printed (cumulative), which says where the cost is.

    python -m bench.empty_page [--requests 2000] [--profile-top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import tempfile
import time
from datetime import date

from flask.testing import FlaskClient

from crm import create_app
from crm.extensions import db


def _timed(client: FlaskClient, path: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return times


def _describe(label: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p99 = ms[int(len(ms) * 0.99) - 1]
    return (
        f"  {label:<38} {len(ms) / sum(times):>8.0f} req/s  "
        f"median {statistics.median(ms):6.2f} ms  p99 {p99:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile-top", type=int, default=25)
    parser.add_argument(
        "--page",
        default="/notifications",
        help="the signed-in page: /notifications (none to show: the layout alone) or "
        "/auth/password (the layout and a three-field form)",
    )
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="hearth-empty-page-")
    url = f"sqlite:///{os.path.join(folder, 'bench.db')}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        from crm.models import Role
        from tests.factories import CaseFactory, UserFactory

        db.create_all()
        officer = UserFactory(roles=[Role.RECRUITMENT_OFFICER])
        CaseFactory(enquiry_date=date(2026, 1, 5))
        db.session.commit()
        officer_id = officer.get_id()

    os.environ["DATABASE_URL"] = url
    from bench.bare import app as bare_app

    hearth = app.test_client()
    with hearth.session_transaction() as session:
        session["_user_id"], session["_fresh"] = officer_id, True
        session["signed_in_at"] = int(time.time())
    bare = bare_app.test_client()

    page = args.page
    for client, path in ((hearth, page), (bare, "/case/1")):
        _timed(client, path, 50)  # warm: templates compiled, connections open
    bare_times = _timed(bare, "/case/1", args.requests)
    hearth_times = _timed(hearth, page, args.requests)
    print(f"In-process, {args.requests} requests each, one thread:")
    print(_describe("bare reference page (bench/bare.py)", bare_times))
    print(_describe(f"signed-in empty page ({page})", hearth_times))
    ratio = statistics.median(hearth_times) / statistics.median(bare_times)
    print(f"  the signed-in page costs {ratio:.1f} times the bare page (target: 2.0 or less)")

    profile = cProfile.Profile()
    profile.enable()
    _timed(hearth, page, min(args.requests, 500))
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
    stats.print_stats(args.profile_top)
    print(out.getvalue())


if __name__ == "__main__":
    main()

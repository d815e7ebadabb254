"""One good-outcome deregistration reason: the child stays with the carers (an order
made to them, or staying put), counted apart and kept out of turnover (domain.md,
"Kinship apart" and the turnover definition). Until migration 0054 two reasons
overlapped, and "child moved to SGO, adoption or staying put" counted as a carer lost.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm.domain.household_vocabulary import (
    GOOD_OUTCOME_EXITS,
    DeregistrationReason,
    deregistration_reason,
)
from crm.metrics.engine import compute_metrics
from tests.household_files import HOUSEHOLD_COLUMNS, households, run_households, write

ROOT = Path(__file__).resolve().parent.parent

#: Twenty households approved on 1 Jan 2020, twelve of which left in 2024-25, one for
#: each reason a council's file may give (the two old good-outcome words included).
LEFT_IN_2024_25 = {
    "L01": "retirement",
    "L02": "health_or_personal",
    "L03": "Transfer to an IFA",
    "L04": "transfer_to_other_la",
    "L05": "unhappy_with_support",
    "L06": "allegation",
    "L07": "financial",
    "L08": "other",
    "L09": "",  # not recorded: a carer lost all the same
    "L10": "Child moved to SGO, adoption or staying put",  # the old words: good outcome
    "L11": "sgo_or_child_arrangements_order",  # the other old code: good outcome
    "L12": "child_stays_with_carers",  # today's code
}


def _row(reference: str, reason: str | None) -> dict[str, str]:
    row = {"reference": reference, "approval_date": "2020-01-01", "carer1_name": "A Carer"}
    if reason is not None:
        row.update(status="deregistered", deregistration_date="2024-10-01")
        row.update(deregistration_reason=reason, deregistration_initiated_by="carer")
    return row


@pytest.fixture
def service(db, tmp_path):
    staying = [_row(f"S{n:02d}", None) for n in range(1, 9)]
    left = [_row(ref, reason) for ref, reason in LEFT_IN_2024_25.items()]
    result = run_households(write(tmp_path / "h.csv", HOUSEHOLD_COLUMNS, *staying, *left))
    assert result.errors == []
    db.session.commit()


def test_turnover_leaves_out_every_child_who_stays_with_their_carers(service):
    # By hand: 20 households on 31 Mar 2024; 12 left in 2024-25; L10, L11 and L12 left
    # because the child stays with them (an order, or staying put): 9 carers lost, and
    # turnover is 9 / 20 = 45%. Today's code counted L10 as lost (and refused L12's code).
    found = compute_metrics(date(2024, 4, 1), date(2025, 3, 31), date(2025, 6, 30))
    assert found["households"] == {
        "at_start": 20,
        "approved_in_period": 0,
        "deregistered_in_period": 12,
        "left_for_a_good_outcome": 3,
        "lost_in_period": 9,
        "at_end": 8,
        "net_gain": -12,
        "turnover_rate": 0.45,
    }


def test_the_old_words_and_codes_import_as_the_one_good_outcome(service, db):
    found = households(db)
    assert {found[ref].deregistration_reason for ref in ("L10", "L11", "L12")} == {
        DeregistrationReason.CHILD_STAYS_WITH_CARERS
    }


def test_one_reason_is_the_good_outcome_and_the_old_codes_still_mean_it():
    assert {DeregistrationReason.CHILD_STAYS_WITH_CARERS} == GOOD_OUTCOME_EXITS
    for former in ("child_sgo_adoption_staying_put", "sgo_or_child_arrangements_order"):
        assert deregistration_reason(former) is DeregistrationReason.CHILD_STAYS_WITH_CARERS
    assert deregistration_reason("retirement") is DeregistrationReason.RETIREMENT
    with pytest.raises(ValueError):
        deregistration_reason("moved_abroad")


def test_the_dashboard_says_why_a_good_outcome_is_not_a_loss(service, manager_client):
    page = manager_client.get(
        "/dashboard/?section=carers&date_from=2024-04-01&date_to=2025-03-31&as_of=2025-06-30"
    ).get_data(as_text=True)
    assert "9 carers lost; 3 left because the child stays with them" in page


def _alembic(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py", "HEARTH_ENV": "development"}
    subprocess.run(
        [sys.executable, "-m", "flask", "db", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def test_migration_0054_maps_both_old_codes_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    _alembic(url, "upgrade", "0053")
    engine = sa.create_engine(url)
    old = {
        1: "child_sgo_adoption_staying_put",
        2: "sgo_or_child_arrangements_order",
        3: "retirement",
    }
    try:
        with engine.begin() as connection:
            for number, reason in old.items():
                connection.execute(
                    sa.text(
                        "INSERT INTO households (id, reference, approval_date, carer_type, "
                        "status, deregistration_date, deregistration_reason, created_at, "
                        "version) VALUES (:id, :ref, '2020-01-01', 'mainstream', "
                        "'deregistered', '2024-10-01', :reason, '2024-10-01 00:00:00', 1)"
                    ),
                    {"id": number, "ref": f"M{number}", "reason": reason},
                )

        def reasons() -> dict[int, str]:
            with engine.connect() as connection:
                rows = connection.execute(
                    sa.text("SELECT id, deregistration_reason FROM households ORDER BY id")
                )
                return dict(rows.all())

        _alembic(url, "upgrade", "0054")
        assert reasons() == {
            1: "child_stays_with_carers",
            2: "child_stays_with_carers",
            3: "retirement",
        }
        _alembic(url, "downgrade", "0053")
        # Back to the old code the old figures kept out of turnover.
        assert reasons() == {
            1: "sgo_or_child_arrangements_order",
            2: "sgo_or_child_arrangements_order",
            3: "retirement",
        }
    finally:
        engine.dispose()

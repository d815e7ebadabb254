"""The approvals forecast: history counted exactly, nothing from after as-of, and targets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.cases.services import approve_case
from crm.domain.stages import EventKind as K
from crm.metrics.forecast import (
    CaseHistory,
    back_test,
    forecast_approvals,
    load_history,
    verdict,
)
from crm.models import ApprovalTarget, CarerType
from tests.factories import CaseFactory, advance

AS_OF = date(2025, 1, 1)  # 89 days to the year end
LATER = date(2030, 1, 1)


def applied(ref: str, on: date):
    enquired = on - timedelta(days=60)
    return advance(
        CaseFactory(reference=ref, enquiry_date=enquired),
        (K.FIRST_CONTACT, enquired + timedelta(days=1)),
        (K.INITIAL_VISIT, enquired + timedelta(days=20)),
        (K.APPLICATION, on),
        today=LATER,
    )


@pytest.fixture
def history(db):
    """40 applications on 1 May 2023: 20 approved 100 days later, 20 withdrawn after 50;
    and one open application of 1 Dec 2024 (31 days old on as-of)."""
    start = date(2023, 5, 1)
    for n in range(20):
        case = applied(f"OK-{n}", start)
        advance(
            case,
            (K.STAGE2_START, start + timedelta(days=30)),
            (K.PANEL, start + timedelta(days=90)),
            today=LATER,
        )
        approve_case(case, start + timedelta(days=100), None, places=1, as_of=LATER)
    for n in range(20):
        advance(
            applied(f"NO-{n}", start),
            (K.WITHDRAWN_BY_APPLICANT, start + timedelta(days=50), "AW3"),
            today=LATER,
        )
    db.session.commit()
    return applied("OPEN", date(2024, 12, 1))


def test_an_open_case_counts_as_the_share_of_similar_past_cases_approved_in_time(history):
    forecast = forecast_approvals(load_history(), CarerType.MAINSTREAM, AS_OF)
    # 28 days in Stage 1 (to the week): all 40 still open then; 20 approved by day 117.
    assert forecast.open_cases == 1
    assert forecast.from_open_cases == 0.5
    assert forecast.approved_so_far == 0
    assert forecast.from_new_enquiries == 0.0  # no past enquiry was approved within 89 days
    assert forecast.expected == 0.5
    assert (forecast.low, forecast.high) == (0, 1)


def test_past_cases_already_gone_by_that_age_do_not_count(history):
    # At 70 days in Stage 1 the 20 withdrawn (day 50) are no longer comparable: all 20
    # left were approved by day 100, within 70 + the days left.
    forecast = forecast_approvals(load_history(), CarerType.MAINSTREAM, date(2025, 2, 9))
    assert forecast.from_open_cases == 1.0


def test_nothing_after_as_of_changes_the_forecast(history):
    before = forecast_approvals(load_history(), CarerType.MAINSTREAM, AS_OF)
    advance(history, (K.STAGE2_START, date(2025, 1, 10)), today=LATER)
    advance(history, (K.PANEL, date(2025, 3, 1)), today=LATER)
    approve_case(history, date(2025, 3, 10), None, places=1, as_of=LATER)
    after = forecast_approvals(load_history(), CarerType.MAINSTREAM, AS_OF)
    assert after == before


def test_kinship_is_forecast_apart(history):
    forecast = forecast_approvals(load_history(), CarerType.KINSHIP, AS_OF)
    assert forecast.open_cases == 0 and forecast.expected == 0


def test_the_back_test_compares_each_forecast_with_what_happened(history):
    tested = back_test(date(2026, 11, 22), years=2)
    row = next(
        r
        for r in tested["rows"]
        if r["year"] == "2024-25" and r["as_of"] == "2025-01-01" and r["carer_type"] == "mainstream"
    )
    assert row["actual"] == 0  # the open case was never approved
    assert row["expected"] == 0.5 and row["in_range"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (None, None),
        (10, "On track"),
        (12, "In reach, but below the expected figure"),
        (20, "Out of reach on current trends"),
    ],
)
def test_the_verdict_compares_the_target_with_the_forecast(target, expected):
    assert verdict({"expected": 11.0, "low": 8, "high": 14}, target) == expected


def test_an_administrator_sets_targets_that_the_dashboard_measures(admin_client, db):
    response = admin_client.post(
        "/admin/targets",
        data={"financial_year": "2026", "mainstream": "30", "kinship": ""},
        follow_redirects=True,
    )
    assert b"Targets saved for 2026-27." in response.data
    targets = db.session.query(ApprovalTarget).all()
    assert [(t.financial_year, t.carer_type, t.approvals) for t in targets] == [
        (2026, CarerType.MAINSTREAM, 30)
    ]


def test_a_target_can_be_cleared(admin_client, db):
    admin_client.post("/admin/targets", data={"financial_year": "2026", "mainstream": "30"})
    admin_client.post("/admin/targets", data={"financial_year": "2026", "mainstream": ""})
    assert db.session.query(ApprovalTarget).count() == 0


def test_a_bad_target_is_explained_and_what_was_typed_kept(admin_client, db):
    response = admin_client.post(
        "/admin/targets", data={"financial_year": "26", "mainstream": "-3"}
    )
    assert response.status_code == 200
    assert b"Give a year such as 2026." in response.data
    assert b'value="-3"' in response.data
    assert db.session.query(ApprovalTarget).count() == 0


def test_a_campaign_name_is_unique(admin_client, db):
    admin_client.post("/admin/campaigns", data={"name": "Spring", "cost": "1200"})
    response = admin_client.post("/admin/campaigns", data={"name": "Spring", "cost": "99"})
    assert b"There is already a campaign with this name." in response.data


def synthetic_history(past: int, open_cases: int, as_of: date) -> CaseHistory:
    """`past` applications a year and a half ago (half approved at day 100, half withdrawn
    at day 50) and `open_cases` applications 28 days before as-of; arrays only."""
    import numpy as np

    from crm.metrics.forecast import NEVER

    t, start = as_of.toordinal(), as_of.toordinal() - 540
    stages = 6
    entries = np.full((past + open_cases, stages), NEVER, dtype=np.int64)
    entries[:past, :4] = start - 60, start - 59, start - 40, start  # up to application
    entries[past:, :4] = t - 88, t - 87, t - 68, t - 28
    approval = np.full(past + open_cases, NEVER, dtype=np.int64)
    closed = np.full(past + open_cases, NEVER, dtype=np.int64)
    approval[: past // 2] = start + 100
    closed[past // 2 : past] = start + 50
    rows = past + open_cases
    return CaseHistory(entries, approval, closed, np.array(["mainstream"] * rows), np.arange(rows))


def test_the_range_is_wider_when_the_history_behind_it_is_thinner():
    thin = forecast_approvals(synthetic_history(40, 50, AS_OF), CarerType.MAINSTREAM, AS_OF)
    rich = forecast_approvals(synthetic_history(4000, 50, AS_OF), CarerType.MAINSTREAM, AS_OF)
    assert thin.from_open_cases == rich.from_open_cases == 25.0
    assert thin.high - thin.low > rich.high - rich.low


def test_cases_with_no_comparable_history_count_as_nothing_in_the_range_too():
    """Open cases in a stage no past case reached add nothing to the expected figure, so
    they must not widen the range either (it once read "Expected 0.0, range 18–33")."""
    data = synthetic_history(0, 50, AS_OF)
    forecast = forecast_approvals(data, CarerType.MAINSTREAM, AS_OF)
    assert forecast.expected == 0.0
    assert (forecast.low, forecast.high) == (0, 0)
    assert forecast.thin_history == 50


def test_the_back_test_leaves_out_years_before_any_case(history):
    tested = back_test(date(2026, 11, 22), years=5)
    assert all(r["as_of"] >= "2023-03-02" for r in tested["rows"])  # first enquiry then
    assert tested["rows"]

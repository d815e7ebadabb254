"""Breakdowns, trends, the Ofsted return and the dashboard's tables, charts and downloads,
pinned on the hand-built service of test_metrics (its docstring lists every case)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from crm.metrics import breakdowns
from crm.metrics.dashboard import dashboard_figures, fresh_snapshot, store_snapshot
from crm.metrics.engine import compute_metrics, make_period
from crm.metrics.ofsted import ofsted_return
from crm.models import AuditAction, AuditEvent, Campaign, CarerType, Case
from crm.timeutil import utcnow
from tests.hand_built import AS_OF, FROM, TO

PERIOD = make_period(FROM, TO, AS_OF)
QUERY = f"date_from={FROM}&date_to={TO}&as_of={AS_OF}"
uses_service = pytest.mark.usefixtures("service")
MILESTONES = ("enquiries", "initial_visits", "applications", "approvals")


def set_case(reference: str, **values) -> None:
    from crm.extensions import db

    case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
    for name, value in values.items():
        setattr(case, name, value)
    db.session.commit()


@uses_service
@pytest.mark.parametrize("dimension", list(breakdowns.DIMENSIONS))
def test_each_breakdown_adds_up_to_the_engines_counts(dimension):
    set_case("B", source="phone", campaign="Spring")
    set_case("E", source="event", campaign="Spring")
    rows = breakdowns.conversion_by(PERIOD, dimension)
    engine = compute_metrics(FROM, TO, AS_OF)["counts"]
    for name in MILESTONES:
        assert sum(r[name] for r in rows) == engine[name]


@uses_service
def test_conversion_by_source_counts_each_channel_apart():
    set_case("B", source="phone")
    rows = {r["key"]: r for r in breakdowns.conversion_by(PERIOD, "source")}
    assert rows["phone"]["enquiries"] == 1
    assert rows["website"]["enquiries"] == 6
    assert rows["website"]["period_conversion"]["enquiry_to_application"] == round(4 / 6, 4)
    assert rows["phone"]["label"] == "Phone call"


@uses_service
def test_campaign_cost_is_divided_by_its_enquiries_and_approvals(db):
    set_case("A", campaign="Spring")  # approved
    set_case("B", campaign="Spring")
    db.session.add(Campaign(name="Spring", cost=Decimal("1500.00")))
    db.session.add(Campaign(name="Unpriced"))
    db.session.commit()
    costs = {c["name"]: c for c in breakdowns.campaign_costs(AS_OF)}
    assert costs["Spring"] == {
        "name": "Spring",
        "cost": 1500.0,
        "enquiries": 2,
        "approvals": 1,
        "cost_per_enquiry": 750.0,
        "cost_per_approval": 1500.0,
    }
    assert costs["Unpriced"]["cost_per_enquiry"] is None


@uses_service
def test_time_in_stage_covers_cases_that_left_the_stage_in_the_period():
    spans = {s["key"]: s for s in breakdowns.stage_durations(PERIOD)}
    # Initial visits in the period: A 19 days, C 10, E 18, F 14, H 9 after enquiry.
    assert spans["enquiry"]["count"] == 5
    assert spans["enquiry"]["median"] == 14.0
    # Panel in the period: A (1 Nov 24, approved 15 Nov 24) and C, H.
    assert spans["panel"]["count"] == 1 and spans["panel"]["median"] == 14.0


@uses_service
def test_the_approval_histogram_puts_each_approval_in_one_bin():
    bins = {b["label"]: b["count"] for b in breakdowns.approval_histogram(PERIOD)}
    assert bins["6 to 8 months"] == 1  # A: 198 days from application
    assert sum(bins.values()) == 1


@uses_service
def test_the_monthly_trend_has_every_month_and_adds_up():
    months = breakdowns.monthly_trend(PERIOD)
    engine = compute_metrics(FROM, TO, AS_OF)["counts"]
    assert [m["month"] for m in months][:2] == ["2024-04", "2024-05"]
    assert len(months) == 12
    for name in (*MILESTONES, "deregistrations"):
        assert sum(m[name] for m in months) == engine[name]
    assert months[0]["enquiries"] == 1  # A on 1 April


@uses_service
def test_quarters_follow_the_financial_year():
    quarters = breakdowns.quarterly_trend(breakdowns.monthly_trend(PERIOD))
    assert [q["label"] for q in quarters] == [f"2024-25 Q{n}" for n in (1, 2, 3, 4)]
    assert quarters[3]["enquiries"] == 2  # F on 6 Jan 25 and B on 31 Mar 25


def test_financial_quarters_wrap_at_january():
    assert breakdowns.financial_quarter(2025, 1) == "2024-25 Q4"
    assert breakdowns.financial_quarter(2025, 4) == "2025-26 Q1"
    assert breakdowns.financial_quarter(2025, 12) == "2025-26 Q3"


@uses_service
def test_deregistrations_are_broken_down_by_reason_and_who_decided():
    rows = breakdowns.deregistrations_by_reason(PERIOD)
    assert rows == [
        {
            "reason": "retirement",
            "label": "Retirement",
            "carer": 1,
            "service": 0,
            "not_recorded": 0,
            "total": 1,
        }
    ]


@uses_service
def test_a_deregistration_count_opens_exactly_the_households_counted(manager_client):
    page = manager_client.get(f"/dashboard/?{QUERY}&section=carers").get_data(as_text=True)
    table = page[page.index('id="table-deregistrations_by_reason"') :]
    link = re.search(r'<a href="(/households/\?[^"]+)">1</a>', table).group(1)
    listing = manager_client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert re.findall(r'<td><a href="/households/\d+">([^<]+)</a></td>', listing) == ["L1"]


@uses_service
def test_the_ofsted_return_counts_applications_and_households_as_the_engine_does():
    rows = {r.measure.strip(): r for r in ofsted_return(2024, AS_OF)}
    engine = compute_metrics(FROM, TO, AS_OF)
    assert rows["Enquiries received"].total == engine["counts"]["enquiries"]
    assert rows["Applications received"].total == 4
    assert rows["Households approved"].total == 1
    assert rows["Applications not approved (rejected)"].total == 1  # H
    assert rows["Applications withdrawn by the service"].total == 0  # G never applied
    assert rows["Approved fostering households"].total == engine["households"]["at_end"]
    assert rows["Approved places"].total == engine["places"]["approved"]
    assert rows["filled"].total == engine["places"]["filled"]
    assert rows["Households deregistered"].total == 1
    assert rows["reason: Retirement"].by_type == {"mainstream": 1, "kinship": 0}


@uses_service
def test_the_ofsted_return_downloads_as_csv(manager_client):
    response = manager_client.get("/dashboard/ofsted.csv?year=2024")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Section", "Measure", "Mainstream", "Family and friends (kinship)", "Total"]
    assert ["Recruitment", "Enquiries received", "7", "0", "7"] in rows


def test_a_bad_ofsted_year_is_explained(manager_client):
    response = manager_client.get("/dashboard/ofsted?year=abc")
    assert response.status_code == 200
    assert b"Not a valid integer value" in response.data or b"Give a year" in response.data


@uses_service
def test_the_headline_download_holds_the_engines_figures(manager_client, db):
    response = manager_client.get(f"/dashboard/download/summary.csv?{QUERY}")
    reader = csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
    header, *body = list(reader)
    assert header == ["Measure", "Mainstream", "Kinship", "All"]
    rows = {measure: values for measure, *values in body}
    engine = {
        "Mainstream": compute_metrics(FROM, TO, AS_OF, carer_type=CarerType.MAINSTREAM),
        "Kinship": compute_metrics(FROM, TO, AS_OF, carer_type=CarerType.KINSHIP),
        "All": compute_metrics(FROM, TO, AS_OF),
    }
    assert rows["Enquiries"] == [str(engine[t]["counts"]["enquiries"]) for t in header[1:]]
    assert rows["Period conversion: enquiry to application (%)"][2] == "57.1"
    assert db.session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.action == AuditAction.EXPORTED)
    )


@uses_service
def test_any_dashboard_table_downloads_as_excel(manager_client):
    response = manager_client.get(f"/dashboard/download/monthly.xlsx?{QUERY}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.values)
    assert rows[1][0] == "Month" and len(rows) == 14
    assert rows[2][1] == 1  # April 2024: one enquiry


@uses_service
def test_an_excel_download_says_inside_the_sheet_which_period_it_covers(manager_client):
    response = manager_client.get(f"/dashboard/download/monthly.xlsx?{QUERY}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    caption = next(iter(sheet.values))[0]
    assert caption.endswith(": 1 Apr 2024 to 31 Mar 2025")
    assert sheet.freeze_panes == "A3"  # the caption and the header row stay in view


def test_a_csv_download_keeps_one_header_row_for_programs_that_read_it(manager_client):
    response = manager_client.get(f"/dashboard/download/monthly.csv?{QUERY}")
    assert response.get_data(as_text=True).lstrip("\ufeff").startswith("Month,")


def test_an_unknown_table_is_not_found(manager_client):
    assert manager_client.get("/dashboard/download/passwords.csv").status_code == 404
    assert manager_client.get("/dashboard/download/monthly.pdf").status_code == 404


@uses_service
def test_charts_are_svg_with_a_title_and_their_numbers(manager_client):
    page = manager_client.get(f"/dashboard/?{QUERY}&section=trends").get_data(as_text=True)
    chart = page[page.index('<svg viewBox="0 0 640 220"') :]
    chart = chart[: chart.index("</svg>")]
    assert 'role="img"' in chart and 'aria-describedby="table-monthly"' in chart
    assert "<title>Approvals: 1</title>" in chart  # November 2024's approval, by name


def test_an_empty_period_draws_no_bars_and_says_so(manager_client):
    page = manager_client.get(
        "/dashboard/?date_from=2001-04-01&date_to=2002-03-31&section=trends"
    ).get_data(as_text=True)
    assert "Nothing to plot for this period." in page
    sources = manager_client.get(
        "/dashboard/?date_from=2001-04-01&date_to=2002-03-31&section=sources"
    ).get_data(as_text=True)
    assert "No cases in this period." in sources


@uses_service
def test_the_dashboard_reads_a_fresh_snapshot_of_the_year_so_far(db):
    period = make_period(date(2025, 4, 1), date(2026, 3, 31), AS_OF)
    store_snapshot(AS_OF)
    db.session.commit()
    stored = fresh_snapshot(period, timedelta(minutes=20))
    assert stored is not None
    assert stored.figures["counts"] == dashboard_figures(period)["counts"]


@uses_service
def test_a_stale_snapshot_is_not_used(db):
    period = make_period(date(2025, 4, 1), date(2026, 3, 31), AS_OF)
    store_snapshot(AS_OF)
    db.session.commit()
    later = utcnow() + timedelta(minutes=21)
    assert fresh_snapshot(period, timedelta(minutes=20), now=later) is None


@uses_service
def test_a_snapshot_is_never_used_for_another_period(db):
    store_snapshot(AS_OF)
    db.session.commit()
    assert fresh_snapshot(PERIOD, timedelta(minutes=20)) is None


@uses_service
def test_the_monthly_summary_shows_the_month_beside_the_year(manager_client):
    page = manager_client.get("/dashboard/summary?month=2024-11").get_data(as_text=True)
    november = compute_metrics(date(2024, 11, 1), date(2024, 11, 30), date(2024, 11, 30))
    assert "November 2024" in page
    assert november["counts"]["approvals"] == 1
    row = re.search(r"Approvals</th><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>", page)
    assert row.groups() == ("1", "1")


def test_a_malformed_month_is_explained_and_the_last_month_shown(manager_client):
    response = manager_client.get("/dashboard/summary?month=2024-13")
    assert response.status_code == 200
    assert b"Give the month as YYYY-MM." in response.data
    assert b'value="2024-13"' in response.data  # what was typed is kept


@uses_service
def test_another_period_reuses_the_same_days_forecast_from_the_snapshot(app, db):
    from crm.dashboard.services import figures_for

    snapshot = store_snapshot(AS_OF)
    snapshot.figures = {**snapshot.figures, "forecast": [{"marker": "from the snapshot"}]}
    db.session.commit()
    with app.test_request_context():
        figures, computed_at = figures_for(PERIOD)
    assert computed_at is None  # the period itself was computed now
    assert figures["forecast"] == [{"marker": "from the snapshot"}]
    assert figures["counts"] == compute_metrics(FROM, TO, AS_OF)["counts"]


@uses_service
def test_another_period_reuses_the_same_days_stalled_cases_from_the_snapshot(app, db):
    from crm.dashboard.services import figures_for

    snapshot = store_snapshot(AS_OF)
    marked = {**snapshot.figures["stalled"], "references": ["FROM-THE-SNAPSHOT"]}
    snapshot.figures = {**snapshot.figures, "stalled": marked}
    db.session.commit()
    with app.test_request_context():
        figures, _ = figures_for(PERIOD)
    assert figures["stalled"] == {"count": 1, "references": ["FROM-THE-SNAPSHOT"]}


@uses_service
def test_a_snapshot_stored_without_the_days_figures_is_not_reused(db):
    from crm.metrics.dashboard import as_of_figures_of

    bundle = dict(store_snapshot(AS_OF).figures)
    del bundle["oldest_by_stage"]
    assert as_of_figures_of(bundle) is None


@uses_service
def test_the_dashboard_counts_as_the_engine_does_from_its_shared_pass(db):
    """The dashboard counts its headline figures and its breakdowns in one pass;
    each must equal the engine's own pass for the period."""
    set_case("B", source="phone")
    figures = dashboard_figures(PERIOD)
    alone = compute_metrics(FROM, TO, AS_OF)
    assert figures["counts"] == alone["counts"]
    assert figures["withdrawals"] == alone["withdrawals"]
    assert figures["cohort_conversion"] == alone["cohort_conversion"]
    for rows in figures["conversion_by"].values():
        assert sum(r["enquiries"] for r in rows) == alone["counts"]["enquiries"]


@uses_service
def test_the_longest_waiting_cases_are_listed_per_stage():
    from crm.metrics.pipeline import oldest_by_stage

    oldest = oldest_by_stage()
    # Open cases: B (new enquiry, 31 Mar 25), E (Stage 1 since 1 Oct 24, on hold),
    # F (Stage 1 since 30 Apr 25).
    assert [c["reference"] for c in oldest["stage1"]] == ["E", "F"]
    assert oldest["stage1"][0] == {
        "id": oldest["stage1"][0]["id"],
        "reference": "E",
        "on_hold": True,
        "since": "2024-10-01",
    }
    assert [c["reference"] for c in oldest["enquiry"]] == ["B"]
    assert oldest["stage2"] == []


@uses_service
def test_no_breakdown_rate_reads_above_one_hundred_percent():
    """Period ratios can pass 100% (this period's applications from last period's
    enquiries); the breakdown tables show cohort rates, which cannot."""
    from crm.dashboard.kinds import PERCENT
    from crm.dashboard.tables import STEP_COLUMNS, _conversion_table

    set_case("B", source="phone")
    figures = dashboard_figures(PERIOD)
    for dimension in breakdowns.DIMENSIONS:
        table = _conversion_table(figures, dimension)
        rates = [c for c, column in enumerate(table.columns) if column.kind == PERCENT]
        assert rates and all((row[c] or 0) <= 1 for row in table.rows for c in rates)
    assert all("cohort" in c.label for c in STEP_COLUMNS if c.kind == PERCENT)

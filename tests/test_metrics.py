"""The metrics engine, pinned on the hand-built service in tests/hand_built.py (its
docstring lists every case and household, and the period)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm.domain.panel import PanelItemKind, Recommendation
from crm.metrics.engine import PeriodError, compute_metrics
from crm.models import (
    Case,
    DeregistrationReason,
    InitiatedBy,
    PanelItem,
    PanelSitting,
)
from tests.hand_built import AS_OF, COUNTS, FROM, LATER, TO, D, legacy


def metrics(start=FROM, end=TO, as_of=AS_OF):
    return compute_metrics(start, end, as_of)


def test_the_period_is_echoed(service):
    assert metrics()["period"] == {"from": "2024-04-01", "to": "2025-03-31", "as_of": "2025-06-30"}


def test_counts_include_events_on_both_ends_of_the_period(service):
    assert metrics()["counts"] == COUNTS


def test_period_conversion_is_events_over_events(service):
    assert metrics()["period_conversion"] == {
        "enquiry_to_application": 0.5714,
        "application_to_approval": 0.25,
    }


def test_cohort_conversion_follows_the_periods_enquiries_to_as_of(service):
    assert metrics()["cohort_conversion"] == {
        "enquiry_to_initial_visit": 0.5714,
        "enquiry_to_application": 0.5714,
        "enquiry_to_approval": 0.1429,
        "application_to_approval": 0.5,
    }


def test_cohort_conversion_only_counts_what_had_happened_by_as_of(service):
    # On 9 Apr 2025, C (applied in the period) was not yet approved.
    cohort = metrics(as_of=D(2025, 4, 9))["cohort_conversion"]
    assert cohort["application_to_approval"] == 0.25


def test_time_to_approval_counts_approvals_in_the_period(service):
    assert metrics()["time_to_approval_days"] == {
        "count": 1,
        "median": 198.0,
        "p75": 198.0,
        "p90": 198.0,
    }
    assert metrics()["enquiry_to_approval_days"] == {"count": 1, "median": 228.0}


def test_time_to_approval_percentiles_interpolate_linearly(service):
    # Widen the period to take in C: 198 and 360 days.
    times = metrics(end=D(2025, 6, 30))["time_to_approval_days"]
    assert times == {"count": 2, "median": 279.0, "p75": 319.5, "p90": 343.8}


def test_response_time_counts_working_days_and_misses_by_uncontacted_enquiries(service):
    assert metrics()["response_time_working_days"] == {
        "count": 6,
        "median": 1.0,
        "within_target_rate": 0.7143,
    }


def test_a_withdrawal_after_as_of_does_not_count_at_an_earlier_as_of(service):
    whole_quarter = {"start": D(2025, 4, 1), "end": D(2025, 6, 30)}
    before = metrics(**whole_quarter, as_of=D(2025, 4, 14))["counts"]["withdrawn_by_applicant"]
    after = metrics(**whole_quarter, as_of=D(2025, 4, 15))["counts"]["withdrawn_by_applicant"]
    assert (before, after) == (0, 1)


def test_stalled_lists_the_case_on_exactly_day_61_and_not_the_case_on_hold(service):
    assert metrics()["stalled"] == {"count": 1, "references": ["F"]}
    assert metrics(as_of=D(2025, 6, 29))["stalled"] == {"count": 0, "references": []}


def test_households_at_start_and_end_turnover_and_net_gain(service):
    assert metrics()["households"] == {
        "at_start": 4,
        "approved_in_period": 2,
        "deregistered_in_period": 1,
        "left_for_a_good_outcome": 0,
        "lost_in_period": 1,
        "at_end": 5,
        "net_gain": 1,
        "turnover_rate": 0.25,
    }


def test_places_at_the_end_of_the_period(service):
    assert metrics()["places"] == {
        "approved": 8,
        "filled": 2,
        "vacant": 4,
        "not_available": 2,
        "utilisation": 0.25,
    }


def test_an_empty_period_gives_zeros_and_nulls_not_errors(db):
    found = compute_metrics(D(2020, 1, 1), D(2020, 12, 31), D(2021, 1, 1))
    assert found["counts"]["enquiries"] == 0
    assert found["period_conversion"] == {
        "enquiry_to_application": None,
        "application_to_approval": None,
    }
    assert found["time_to_approval_days"] == {"count": 0, "median": None, "p75": None, "p90": None}
    assert found["households"]["turnover_rate"] is None
    assert found["places"]["utilisation"] is None


def test_a_period_that_ends_before_it_starts_is_refused(db):
    with pytest.raises(PeriodError, match="ends before it starts"):
        compute_metrics(D(2025, 1, 2), D(2025, 1, 1))


class TestTheSameFiguresEverywhere:
    def test_the_cli_prints_the_engines_json(self, service, runner):
        import json

        result = runner.invoke(
            args=[
                "metrics",
                "--from",
                "2024-04-01",
                "--to",
                "2025-03-31",
                "--as-of",
                "2025-06-30",
                "--json",
            ]
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.output) == metrics()

    def test_the_cli_explains_an_inverted_period(self, runner, db):
        result = runner.invoke(args=["metrics", "--from", "2025-04-01", "--to", "2025-03-31"])
        assert result.exit_code == 2
        assert "ends before it starts" in result.output

    def test_the_api_returns_the_engines_json(self, service, manager_client):
        response = manager_client.get("/api/metrics?from=2024-04-01&to=2025-03-31&as_of=2025-06-30")
        assert response.status_code == 200
        assert response.get_json() == metrics()

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("from=2024-04-01", "'to' is required"),
            ("from=2024-13-01&to=2025-01-01", "'from' must be a date"),
            ("from=2025-04-01&to=2025-03-31", "ends before it starts"),
            ("from=2024-04-01&to=2025-03-31&colour=blue", "Unknown parameter(s): colour"),
        ],
    )
    def test_the_api_answers_bad_requests_with_a_json_400(self, manager_client, query, message):
        response = manager_client.get(f"/api/metrics?{query}")
        assert response.status_code == 400
        assert message in response.get_json()["error"]

    def test_the_api_is_for_managers_only(self, officer_client):
        assert officer_client.get("/api/metrics?from=2024-04-01&to=2025-03-31").status_code == 403


def test_leaving_for_an_sgo_is_counted_apart_and_kept_out_of_turnover(db):
    start, end = D(2024, 4, 1), D(2025, 3, 31)
    for ref in ("K1", "K2", "K3", "K4"):
        legacy(ref, D(2020, 1, 1), 1)
    sgo = legacy("K5", D(2020, 1, 1), 1)
    sgo.deregister(D(2024, 9, 1), DeregistrationReason.CHILD_STAYS_WITH_CARERS, InitiatedBy.CARER)
    lost = legacy("K6", D(2020, 1, 1), 1)
    lost.deregister(D(2024, 10, 1), DeregistrationReason.RETIREMENT, InitiatedBy.CARER)
    households = compute_metrics(start, end, LATER)["households"]
    assert households["at_start"] == 6
    assert households["deregistered_in_period"] == 2
    assert households["left_for_a_good_outcome"] == 1
    assert households["lost_in_period"] == 1
    assert households["turnover_rate"] == round(1 / 6, 4)  # not 2 / 6
    assert households["at_start"] - households["deregistered_in_period"] == households["at_end"]


def test_panel_recommendations_within_8_months_of_application(service):
    # A: applied 1 May 24, panel 1 Nov 24 (due by 1 Jan 25): within.
    # C: applied 15 Apr 24, panel 31 Mar 25 (due by 15 Dec 24): late.
    # H: applied 3 Jun 24, panel 10 Jan 25 (due by 3 Feb 25): within.
    assert metrics()["timescales"]["panel_within_8_months"] == {
        "count": 3,
        "within": 2,
        "rate": 0.6667,
    }


def test_agency_decisions_within_7_working_days_of_the_final_minutes(service, db):
    # A: panel Fri 1 Nov, final minutes received Fri 8 Nov, approved Fri 15 Nov 24: 5
    #    working days from the minutes, on time (10 from the panel, late by the old rule).
    # H: rejected at panel on 10 Jan 25, no minutes date recorded: counted apart, neither
    #    on time nor late (NMS 14.9). C was decided after the period.
    a = db.session.scalar(sa.select(Case).where(Case.reference == "A"))
    db.session.add(
        PanelSitting(
            sits_on=D(2024, 11, 1),
            minutes_received_on=D(2024, 11, 8),
            items=[
                PanelItem(
                    kind=PanelItemKind.APPLICATION,
                    case=a,
                    recommendation=Recommendation.APPROVE,
                    reasons="Suitable",
                )
            ],
        )
    )
    db.session.commit()
    assert metrics()["timescales"]["decision_within_limit"] == {
        "count": 1,
        "within": 1,
        "rate": 1.0,
        "limit_working_days": 7,
        "minutes_not_recorded": 1,
    }


def test_enquiries_made_and_answered_on_the_same_days_each_count(db):
    from datetime import date

    from crm.domain.stages import EventKind
    from tests.factories import CaseFactory, advance

    monday, wednesday, next_monday = date(2025, 6, 2), date(2025, 6, 4), date(2025, 6, 9)
    for contacted in (wednesday, wednesday, next_monday):
        case = CaseFactory(enquiry_date=monday)
        advance(case, (EventKind.FIRST_CONTACT, contacted))
    found = compute_metrics(date(2025, 6, 1), date(2025, 6, 30), as_of=date(2025, 7, 1))
    assert found["response_time_working_days"]["count"] == 3
    assert found["response_time_working_days"]["median"] == 2
    assert found["counts"]["first_contacts"] == 3

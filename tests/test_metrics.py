"""The metrics engine, pinned on a small service whose answers were worked out by hand.

Period 1 Apr 2024 - 31 Mar 2025, as of 30 Jun 2025, unless a test says otherwise.

Cases (enquiry, then steps):
  A  1 Apr 24 (on `from`; Easter Monday) -> contact 2 Apr, visit 20 Apr, applied 1 May,
     Stage 2 3 Jun, panel 1 Nov, approved 15 Nov 2024
  B  31 Mar 25 (on `to`), never contacted
  C  31 Mar 24 (day before `from`) -> contact 1 Apr, visit 10 Apr, applied 15 Apr,
     Stage 2 1 May 2024, panel 31 Mar 25 (on `to`), approved 10 Apr 25 (after `to`)
  D  3 Jun 24 -> contact 10 Jun (5 working days), withdrawn by applicant 15 Apr 25
  E  2 Sep 24 -> contact 3 Sep, visit 20 Sep, applied 1 Oct, on hold 1 Nov 24 (still)
  F  6 Jan 25 -> contact same day, visit 20 Jan, applied 30 Apr 25, a call 20 Jun 25
  G  1 Jul 24 -> contact 2 Jul, withdrawn by service 1 Aug 24
  H  1 May 24 -> contact 2 May, visit 10 May, applied 3 Jun, Stage 2 1 Jul,
     panel 10 Jan 25, rejected 10 Jan 25

Households (approved; places; placements; breaks):
  HA  from case A, 15 Nov 24; 2 places; a child since 1 Jan 25
  HC  from case C, 10 Apr 25; 1 place
  L1  1 Jan 20; 3 places; deregistered 1 Apr 24 (on `from`)
  L2  1 May 19; 1 place; a child since 1 Jun 23; on a break since 1 Mar 25
  L3  1 Jan 18; 2 places; on a break since 20 Mar 25
  L4  31 Mar 25 (on `to`); 1 place
  L5  1 Jan 22; 2 places; a child 1 Sep 24 - 31 Mar 25; deregistered 1 May 25
"""

from __future__ import annotations

from datetime import date

import pytest

from crm.cases.services import approve_case
from crm.domain.stages import EventKind
from crm.metrics.engine import PeriodError, compute_metrics
from crm.models import (
    ActivityKind,
    ApprovalTerms,
    DeregistrationReason,
    HouseholdBreak,
    InitiatedBy,
    Placement,
)
from tests.factories import CaseFactory, HouseholdFactory, advance

K = EventKind
D = date
FROM, TO, AS_OF = D(2024, 4, 1), D(2025, 3, 31), D(2025, 6, 30)
LATER = D(2030, 1, 1)


def case(ref, enquired, *steps):
    return advance(CaseFactory(reference=ref, enquiry_date=enquired), *steps, today=LATER)


def approve(c, on, places):
    household = approve_case(c, on, None, places=places, today_=LATER)
    return household


def legacy(ref, approved, places, deregistered=None):
    household = HouseholdFactory(
        reference=ref,
        approval_date=approved,
        terms_history=[ApprovalTerms(effective_from=approved, places=places)],
    )
    if deregistered:
        household.deregister(deregistered, DeregistrationReason.RETIREMENT, InitiatedBy.CARER)
    return household


@pytest.fixture
def service(db):
    a = case(
        "A",
        D(2024, 4, 1),
        (K.FIRST_CONTACT, D(2024, 4, 2)),
        (K.INITIAL_VISIT, D(2024, 4, 20)),
        (K.APPLICATION, D(2024, 5, 1)),
        (K.STAGE2_START, D(2024, 6, 3)),
        (K.PANEL, D(2024, 11, 1)),
    )
    ha = approve(a, D(2024, 11, 15), 2)
    ha.placements.append(Placement(child_reference="C1", start_date=D(2025, 1, 1)))
    case("B", D(2025, 3, 31))
    c = case(
        "C",
        D(2024, 3, 31),
        (K.FIRST_CONTACT, D(2024, 4, 1)),
        (K.INITIAL_VISIT, D(2024, 4, 10)),
        (K.APPLICATION, D(2024, 4, 15)),
        (K.STAGE2_START, D(2024, 5, 1)),
        (K.PANEL, D(2025, 3, 31)),
    )
    approve(c, D(2025, 4, 10), 1)
    case(
        "D",
        D(2024, 6, 3),
        (K.FIRST_CONTACT, D(2024, 6, 10)),
        (K.WITHDRAWN_BY_APPLICANT, D(2025, 4, 15), "AW1"),
    )
    case(
        "E",
        D(2024, 9, 2),
        (K.FIRST_CONTACT, D(2024, 9, 3)),
        (K.INITIAL_VISIT, D(2024, 9, 20)),
        (K.APPLICATION, D(2024, 10, 1)),
        (K.ON_HOLD, D(2024, 11, 1)),
    )
    f = case(
        "F",
        D(2025, 1, 6),
        (K.FIRST_CONTACT, D(2025, 1, 6)),
        (K.INITIAL_VISIT, D(2025, 1, 20)),
        (K.APPLICATION, D(2025, 4, 30)),
    )
    f.log_activity(ActivityKind.CALL, D(2025, 6, 20), None)
    case(
        "G",
        D(2024, 7, 1),
        (K.FIRST_CONTACT, D(2024, 7, 2)),
        (K.WITHDRAWN_BY_SERVICE, D(2024, 8, 1), "no_contact"),
    )
    case(
        "H",
        D(2024, 5, 1),
        (K.FIRST_CONTACT, D(2024, 5, 2)),
        (K.INITIAL_VISIT, D(2024, 5, 10)),
        (K.APPLICATION, D(2024, 6, 3)),
        (K.STAGE2_START, D(2024, 7, 1)),
        (K.PANEL, D(2025, 1, 10)),
        (K.REJECTED, D(2025, 1, 10)),
    )
    legacy("L1", D(2020, 1, 1), 3, deregistered=D(2024, 4, 1))
    l2 = legacy("L2", D(2019, 5, 1), 1)
    l2.placements.append(Placement(child_reference="C2", start_date=D(2023, 6, 1)))
    l2.breaks.append(HouseholdBreak(start_date=D(2025, 3, 1)))
    l3 = legacy("L3", D(2018, 1, 1), 2)
    l3.breaks.append(HouseholdBreak(start_date=D(2025, 3, 20)))
    legacy("L4", D(2025, 3, 31), 1)
    l5 = legacy("L5", D(2022, 1, 1), 2, deregistered=D(2025, 5, 1))
    l5.placements.append(
        Placement(child_reference="C3", start_date=D(2024, 9, 1), end_date=D(2025, 3, 31))
    )
    db.session.commit()


def metrics(start=FROM, end=TO, as_of=AS_OF):
    return compute_metrics(start, end, as_of)


def test_the_period_is_echoed(service):
    assert metrics()["period"] == {"from": "2024-04-01", "to": "2025-03-31", "as_of": "2025-06-30"}


def test_counts_include_events_on_both_ends_of_the_period(service):
    assert metrics()["counts"] == {
        "enquiries": 7,
        "first_contacts": 7,
        "initial_visits": 5,
        "applications": 4,
        "approvals": 1,
        "withdrawn_by_applicant": 0,
        "withdrawn_by_service": 1,
        "rejected": 1,
        "deregistrations": 1,
    }


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
    sgo.deregister(
        D(2024, 9, 1), DeregistrationReason.SGO_OR_CHILD_ARRANGEMENTS_ORDER, InitiatedBy.CARER
    )
    lost = legacy("K6", D(2020, 1, 1), 1)
    lost.deregister(D(2024, 10, 1), DeregistrationReason.RETIREMENT, InitiatedBy.CARER)
    households = compute_metrics(start, end, LATER)["households"]
    assert households["at_start"] == 6
    assert households["deregistered_in_period"] == 2
    assert households["left_for_a_good_outcome"] == 1
    assert households["lost_in_period"] == 1
    assert households["turnover_rate"] == round(1 / 6, 4)  # not 2 / 6
    assert households["at_start"] - households["deregistered_in_period"] == households["at_end"]

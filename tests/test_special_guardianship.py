"""Special guardianship and child arrangements orders as the outcome of a connected
person's case (issue 33, item 6; Children Act 1989 s.14A and s.8). An order made before
approval closes the fostering case as withdrawn by the service, reason "order made",
never as an applicant's withdrawal (AW code); an order made to approved carers
deregisters them with the good-outcome reason, out of turnover. Worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from crm.cases.services import NewReferral, approve_case, create_referral, record_viability
from crm.cases.special_guardianship import record_order_outcome, start_order_assessment
from crm.domain.household_vocabulary import DeregistrationReason, InitiatedBy
from crm.domain.kinship import ReferralUrgency, ViabilityOutcome, ViabilityRoute
from crm.domain.special_guardianship import (
    OrderKind,
    OrderOutcome,
    OrderRuleError,
    check_order_outcome,
)
from crm.domain.stages import EventKind as K
from crm.domain.stages import Stage
from crm.extensions import db
from crm.metrics.engine import compute_metrics
from crm.metrics.ofsted import ofsted_return
from crm.models import CarerType, HouseholdStatus, OrderAssessment
from tests.factories import HouseholdFactory, advance

D = date
TODAY = D(2026, 3, 31)
SGO, CAO = OrderKind


REFERRED = D(2025, 5, 5)


def referred(first_name="Gwen", on=REFERRED):
    case = create_referral(
        NewReferral(
            first_name=first_name,
            last_name="Hughes",
            referred_on=on,
            social_worker="Sunita Patel",
            child_reference="C-4411",
            connection="Grandmother",
            urgency=ReferralUrgency.URGENT,
        ),
        by=None,
        as_of=TODAY,
    )
    db.session.commit()
    return case


def sgo_instead(case):
    """Viability on 12 May 2025 leads to a special guardianship assessment, started on
    19 May 2025."""
    record_viability(
        case, D(2025, 5, 12), ViabilityOutcome.POSITIVE, ViabilityRoute.SPECIAL_GUARDIANSHIP,
        None, None, as_of=TODAY,
    )  # fmt: skip
    return start_order_assessment(case, SGO, D(2025, 5, 19), None, as_of=TODAY)


def rows_of(year=2025) -> dict[str, dict]:
    return {f"{r.section}: {r.measure}": r.by_type for r in ofsted_return(year, as_of=TODAY)}


# --- The rules on their own -----------------------------------------------------------


class Assessment:
    order, started_on, outcome = SGO, D(2025, 5, 19), None


def test_an_order_made_needs_the_day_the_court_made_it():
    with pytest.raises(OrderRuleError, match="date the court made the order"):
        check_order_outcome(Assessment(), OrderOutcome.MADE, D(2025, 10, 14), None, TODAY)


def test_an_order_not_made_has_no_day_it_was_made():
    with pytest.raises(OrderRuleError, match="Only an order that was made"):
        check_order_outcome(
            Assessment(), OrderOutcome.NOT_MADE, D(2025, 10, 14), D(2025, 10, 14), TODAY
        )


def test_an_order_cannot_be_made_before_its_assessment_started():
    with pytest.raises(OrderRuleError, match="before the assessment started"):
        check_order_outcome(Assessment(), OrderOutcome.MADE, D(2025, 10, 14), D(2025, 5, 18), TODAY)


def test_an_outcome_is_recorded_once():
    done = Assessment()
    done.outcome = OrderOutcome.NOT_MADE
    with pytest.raises(OrderRuleError, match="already has its outcome"):
        check_order_outcome(done, OrderOutcome.MADE, D(2025, 10, 14), D(2025, 10, 14), TODAY)


# --- Before approval: the fostering case closes, not as an applicant's withdrawal ------


def test_a_second_assessment_waits_for_the_first_outcome(db):
    case = referred()
    sgo_instead(case)
    with pytest.raises(OrderRuleError, match="has no outcome yet"):
        start_order_assessment(case, CAO, D(2025, 6, 1), None, as_of=TODAY)


def test_an_order_made_before_approval_closes_the_case_as_withdrawn_by_the_service(db):
    """Referred 5 May 2025, viability 12 May leads to an SGO assessment from 19 May; the
    court makes the order on 14 Oct 2025: the fostering case closes that day, withdrawn
    by the service with the reason "order made"."""
    case = referred()
    assessment = sgo_instead(case)
    ends = record_order_outcome(
        assessment, OrderOutcome.MADE, D(2025, 10, 14), D(2025, 10, 14), None, as_of=TODAY
    )
    db.session.commit()
    assert ends == "case"
    assert case.stage is Stage.WITHDRAWN_BY_SERVICE
    assert (case.outcome_date, case.outcome_reason) == (D(2025, 10, 14), "order_made")
    assert OrderAssessment.for_case(case.id)[0].order_made_on == D(2025, 10, 14)


def test_an_order_made_is_not_an_applicants_withdrawal_in_the_ofsted_return(db):
    """The case had applied (20 May 2025): the return counts it once among the
    applications withdrawn by the service, none withdrawn by the applicant (AW0 stays 0),
    and on its own line among the connected persons."""
    case = referred()
    advance(case, (K.APPLICATION, D(2025, 5, 20)), today=TODAY)
    assessment = sgo_instead(case)
    record_order_outcome(
        assessment, OrderOutcome.MADE, D(2025, 10, 14), D(2025, 10, 14), None, as_of=TODAY
    )
    db.session.commit()
    rows = rows_of()
    kinship = CarerType.KINSHIP.value
    assert rows["Recruitment: Applications withdrawn by the applicant"][kinship] == 0
    assert rows["Recruitment:   of which before panel, AW0: Other or unknown"][kinship] == 0
    assert rows["Recruitment: Applications withdrawn by the service"][kinship] == 1
    closed = "Connected persons: Fostering applications closed because an order was made instead"
    assert rows[closed][kinship] == 1
    made = "Connected persons: Special guardianship orders made to connected persons"
    assert rows[made][kinship] == 1


def test_an_order_not_made_leaves_the_case_open(db):
    case = referred()
    assessment = sgo_instead(case)
    ends = record_order_outcome(
        assessment, OrderOutcome.NOT_MADE, D(2025, 10, 14), None, None, as_of=TODAY
    )
    assert ends is None and case.is_open


# --- After approval: the household leaves for a good outcome -------------------------


def test_an_order_made_to_approved_carers_deregisters_them_for_a_good_outcome(db):
    """Approved on 1 Jun 2024; a child arrangements order made on 2 Sep 2025: the
    household is deregistered that day, the carers' instigation, the good-outcome
    reason; 2025-26 has one kinship household deregistered, none lost, turnover 0."""
    case = referred(on=D(2024, 1, 8))
    advance(
        case,
        (K.APPLICATION, D(2024, 1, 15)),
        (K.STAGE2_START, D(2024, 2, 1)),
        (K.PANEL, D(2024, 5, 20)),
        today=TODAY,
    )
    household = approve_case(case, D(2024, 6, 1), None, places=1, as_of=TODAY)
    household.reference = case.reference
    db.session.add(household)
    HouseholdFactory(carer_type=CarerType.KINSHIP, approval_date=D(2023, 6, 1))
    db.session.commit()
    assessment = start_order_assessment(case, CAO, D(2025, 6, 2), None, as_of=TODAY)
    ends = record_order_outcome(
        assessment, OrderOutcome.MADE, D(2025, 9, 2), D(2025, 9, 2), None, as_of=TODAY
    )
    db.session.commit()
    assert ends == "household"
    assert household.status is HouseholdStatus.DEREGISTERED
    assert household.deregistration_date == D(2025, 9, 2)
    assert household.deregistration_reason is DeregistrationReason.CHILD_STAYS_WITH_CARERS
    assert household.deregistration_initiated_by is InitiatedBy.CARER
    found = compute_metrics(D(2025, 4, 1), D(2026, 3, 31), TODAY, carer_type=CarerType.KINSHIP)
    carers = found["households"]
    assert (carers["at_start"], carers["deregistered_in_period"]) == (2, 1)
    assert (carers["left_for_a_good_outcome"], carers["lost_in_period"]) == (1, 0)
    assert carers["turnover_rate"] == 0


def test_an_order_assessment_is_for_a_connected_person(db):
    from tests.factories import CaseFactory

    case = CaseFactory(carer_type=CarerType.MAINSTREAM)
    with pytest.raises(OrderRuleError, match="connected person"):
        start_order_assessment(case, SGO, D(2025, 5, 19), None, as_of=TODAY)


# --- On the case page ------------------------------------------------------------------


def test_the_case_page_records_an_sgo_and_the_order_closes_the_case(db, manager_client):
    case = referred()
    page = manager_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Record an order assessment" in page
    sent = manager_client.post(
        f"/cases/{case.id}/order",
        data={"order": "special_guardianship", "started_on": "2025-05-19"},
    )
    assert sent.status_code == 302
    sent = manager_client.post(
        f"/cases/{case.id}/order/outcome",
        data={"outcome": "made", "decided_on": "2025-10-14", "order_made_on": "2025-10-14"},
    )
    assert sent.status_code == 302
    db.session.expire_all()
    assert (case.stage, case.outcome_reason) == (Stage.WITHDRAWN_BY_SERVICE, "order_made")
    page = manager_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "order made on 14 Oct 2025" in page


def test_an_order_made_without_its_date_is_refused_and_keeps_what_was_typed(db, manager_client):
    case = referred()
    start_order_assessment(case, SGO, D(2025, 5, 19), None, as_of=TODAY)
    db.session.commit()
    sent = manager_client.post(
        f"/cases/{case.id}/order/outcome", data={"outcome": "made", "decided_on": "2025-10-14"}
    )
    page = sent.get_data(as_text=True)
    assert sent.status_code == 200
    assert "date the court made the order" in page and 'value="2025-10-14"' in page
    assert case.is_open


def test_a_recruitment_officer_cannot_record_an_order_that_ends_an_approval(db, as_role):
    from crm.models import Role

    case = referred()
    client = as_role(Role.RECRUITMENT_OFFICER)
    assert client.get(f"/cases/{case.id}/order/outcome").status_code == 403

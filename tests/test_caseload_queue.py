"""A supervising social worker's home page is a work queue: what is overdue first, then
what is due this week, the carers the model says to talk to, and stalled assessments,
all of them theirs; the caseload table follows."""

from __future__ import annotations

from datetime import timedelta

from crm.extensions import db
from crm.models import RiskModel, RiskScore, Role
from crm.timeutil import today
from tests.factories import CaseFactory, HouseholdFactory


def queue_part(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_an_overdue_visit_is_listed_first_under_overdue(ssw_client, ssw):
    household = HouseholdFactory(
        reference="HQ-1", approval_date=today() - timedelta(days=100), supervising_worker=ssw
    )
    page = ssw_client.get("/households/caseload").get_data(as_text=True)
    overdue = queue_part(page, "overdue-h")
    assert f"/households/{household.id}#log" in overdue
    assert "Supervision visit, " in overdue and "overdue since" in overdue
    assert page.index('id="overdue-h"') < page.index(">My caseload (")


def test_another_workers_households_are_not_in_my_queue(ssw_client, make_user):
    other = make_user(Role.SUPERVISING_SOCIAL_WORKER)
    HouseholdFactory(
        reference="HQ-OTHER", approval_date=today() - timedelta(days=100), supervising_worker=other
    )
    page = ssw_client.get("/households/caseload").get_data(as_text=True)
    assert "HQ-OTHER" not in page
    assert "Nothing overdue or due this week" in page


def scored(household, band: str, age_only: bool = False) -> None:
    model = RiskModel(
        version=f"test-{band}-{age_only}",
        trained_on=today(),
        summary={"baseline_chosen": age_only},
        payload=b"",
    )
    db.session.add(model)
    db.session.add(
        RiskScore(
            household=household,
            model=model,
            as_of=today(),
            risk=0.61,
            band=band,
            reasons=[{"text": "No supervision visit for 9 months", "action": "Visit"}],
        )
    )
    db.session.commit()


def test_my_carers_at_high_risk_are_listed_with_their_first_reason(ssw_client, ssw):
    household = HouseholdFactory(reference="HQ-RISK", supervising_worker=ssw)
    scored(household, "high")
    risk = queue_part(ssw_client.get("/households/caseload").get_data(as_text=True), "risk-h")
    assert f"/households/{household.id}" in risk
    assert "61.0% within 12 months" in risk and "No supervision visit for 9 months" in risk


def test_an_age_only_model_says_so_instead_of_giving_a_reason(ssw_client, ssw):
    scored(HouseholdFactory(supervising_worker=ssw), "high", age_only=True)
    risk = queue_part(ssw_client.get("/households/caseload").get_data(as_text=True), "risk-h")
    assert "ages alone" in risk and "No supervision visit" not in risk


def test_a_stalled_assessment_i_am_doing_is_listed(ssw_client, ssw):
    from crm.domain.stages import EventKind as K
    from tests.factories import advance

    start = today() - timedelta(days=400)
    case = advance(
        CaseFactory(reference="HQ-STALL", enquiry_date=start, assessing_worker=ssw),
        (K.FIRST_CONTACT, start + timedelta(days=1)),
        (K.INITIAL_VISIT, start + timedelta(days=10)),
        (K.APPLICATION, start + timedelta(days=20)),
    )
    stalled = queue_part(ssw_client.get("/households/caseload").get_data(as_text=True), "stalled-h")
    assert f"/cases/{case.id}" in stalled and "HQ-STALL" in stalled

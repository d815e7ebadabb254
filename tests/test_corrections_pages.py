"""The correction pages (issue 32, item 1): who may record may correct and void, a refused
correction keeps what was typed, and the pages show a voided record struck through."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from crm.domain.stages import EventKind as K
from crm.models import AuditAction, AuditEvent, CarerEventKind, Role, StageEvent
from tests.conftest import login
from tests.factories import CaseFactory, HouseholdFactory, advance


def _applied(**kwargs):
    return advance(
        CaseFactory(enquiry_date=date(2025, 4, 1), **kwargs),
        (K.FIRST_CONTACT, date(2025, 4, 3)),
        (K.INITIAL_VISIT, date(2025, 4, 10)),
        (K.APPLICATION, date(2025, 5, 1)),
    )


def _application(case) -> StageEvent:
    return next(e for e in case.events if e.kind is K.APPLICATION)


def test_an_officer_corrects_an_application_date_and_the_page_says_why_in_its_history(
    officer_client, officer
):
    case = _applied(owner=officer)
    url = f"/cases/{case.id}/steps/{_application(case).id}/correct"
    page = officer_client.get(url)
    assert page.status_code == 200
    assert 'value="2025-05-01"' in page.text
    sent = officer_client.post(
        url, data={"on": "2025-04-20", "note": "", "why": "Form dated 20 April"}
    )
    assert sent.status_code == 302
    assert case.application_date == date(2025, 4, 20)
    history = officer_client.get(url).text
    assert "1 May 2025 → 20 Apr 2025" in history
    assert "Form dated 20 April" in history


def test_a_refused_correction_keeps_what_was_typed(officer_client, officer):
    case = _applied(owner=officer)
    url = f"/cases/{case.id}/steps/{_application(case).id}/correct"
    sent = officer_client.post(url, data={"on": "2025-04-05", "why": "Typed it wrong"})
    assert sent.status_code == 400
    assert "the next step is initial home visit" in sent.text
    assert 'value="2025-04-05"' in sent.text and "Typed it wrong" in sent.text
    assert case.application_date == date(2025, 5, 1)


def test_a_void_without_a_reason_is_refused(officer_client, officer):
    case = _applied(owner=officer)
    sent = officer_client.post(f"/cases/{case.id}/steps/{_application(case).id}/void", data={})
    assert sent.status_code == 400
    assert "Say why" in sent.text


def test_a_voided_step_is_struck_through_on_the_case_page(officer_client, officer):
    case = _applied(owner=officer)
    step = _application(case)
    sent = officer_client.post(
        f"/cases/{case.id}/steps/{step.id}/void", data={"void-why": "Wrong family"}
    )
    assert sent.status_code == 302
    page = officer_client.get(f"/cases/{case.id}").text
    assert "<del><strong>1 May 2025</strong> — Application received (Stage 1)</del>" in page
    assert "(voided: Wrong family)" in page
    assert officer_client.get(f"/cases/{case.id}/steps/{step.id}/correct").status_code == 200


def test_a_record_of_another_case_is_not_found(officer_client, officer):
    case, other = _applied(owner=officer), _applied(owner=officer)
    url = f"/cases/{case.id}/steps/{_application(other).id}/correct"
    assert officer_client.get(url).status_code == 404
    assert officer_client.get(f"/cases/{case.id}/nonsense/1/correct").status_code == 404


def test_a_worker_corrects_only_the_households_they_supervise(client, ssw, make_user):
    household = HouseholdFactory(supervising_worker=ssw)
    visit = household.log_record(CarerEventKind.SUPERVISION_VISIT, date(2025, 5, 1), ssw)
    from crm.extensions import db

    db.session.commit()
    url = f"/households/{household.id}/records/{visit.id}/correct"
    login(client, make_user(Role.SUPERVISING_SOCIAL_WORKER))
    assert client.get(url).status_code == 403
    assert client.post(url.replace("correct", "void"), data={"void-why": "x"}).status_code == 403
    login(client, ssw)
    assert client.get(url).status_code == 200
    login(client, make_user(Role.MANAGER))
    sent = client.post(url.replace("correct", "void"), data={"void-why": "Visit was cancelled"})
    assert sent.status_code == 302
    page = client.get(f"/households/{household.id}").text
    assert "(voided: Visit was cancelled)" in page


def test_an_ongoing_allegation_gets_its_outcome_from_the_household_page(ssw_client, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    allegation = household.log_record(
        CarerEventKind.ALLEGATION, date(2025, 5, 1), ssw, outcome="ongoing"
    )
    from crm.extensions import db

    db.session.commit()
    page = ssw_client.get(f"/households/{household.id}").text
    url = f"/households/{household.id}/records/{allegation.id}/outcome"
    assert url in page
    sent = ssw_client.post(
        url,
        data={"outcome": "unfounded", "concluded_on": "2025-06-02", "note": "Closed by the LADO"},
    )
    assert sent.status_code == 302
    assert allegation.outcome == "unfounded"
    assert url not in ssw_client.get(f"/households/{household.id}").text
    [change] = [
        e.changes
        for e in db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.entity_type == "CarerEvent", AuditEvent.action == AuditAction.CHANGED
            )
        )
    ]
    assert change["outcome"] == ["ongoing", "unfounded"]


def test_a_placement_corrected_from_the_household_page(ssw_client, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    placement = household.start_placement("CH-1", date(2025, 2, 1))
    from crm.extensions import db

    db.session.commit()
    url = f"/households/{household.id}/placements/{placement.id}/correct"
    assert url in ssw_client.get(f"/households/{household.id}").text
    sent = ssw_client.post(
        url,
        data={
            "child_reference": "CH-1",
            "child_age": "7",
            "start_date": "2025-02-03",
            "end_date": "2025-03-01",
            "ending": "disruption",
            "why": "Dates from the placement plan",
        },
    )
    assert sent.status_code == 302
    assert (placement.start_date, placement.end_date, placement.child_age) == (
        date(2025, 2, 3),
        date(2025, 3, 1),
        7,
    )

"""Create forms act once: the same form sent twice (a double click, or Back and Save
again) adds one record and takes the second send to what the first added."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from crm.models import Activity, CarerEvent, Case, FormSubmission, HouseholdMember, Resident
from tests.factories import CaseFactory, HouseholdFactory
from tests.samples import PUBLIC_ENQUIRY as GOOD

TOKEN = "a-one-time-token-for-this-form-0001"


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_new_enquiry_form_sent_twice_creates_one_case(officer_client, db):
    data = {
        "first_name": "Ann",
        "last_name": "Lee",
        "email": "ann@example.com",
        "enquiry_date": "2025-05-01",
        "channel": "phone",
        "source": "event",
        "carer_type": "mainstream",
        "once": TOKEN,
    }
    first = officer_client.post("/cases/new", data=data)
    second = officer_client.post("/cases/new", data=data, follow_redirects=True)
    assert count(db, Case) == 1
    assert second.request.path == first.headers["Location"]
    assert b"already sent, so nothing was added twice" in second.data


def test_the_public_form_sent_twice_creates_one_enquiry(client, db):
    client.post("/foster-with-us/", data=dict(GOOD, once=TOKEN))
    response = client.post("/foster-with-us/", data=dict(GOOD, once=TOKEN))
    assert count(db, Case) == 1
    assert response.headers["Location"].endswith("/thank-you")


def test_two_different_forms_create_two_cases(client, db):
    client.post("/foster-with-us/", data=dict(GOOD, once=TOKEN))
    client.post("/foster-with-us/", data=dict(GOOD, email="b@example.com", once=TOKEN + "b"))
    assert count(db, Case) == 2


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_token(officer_client, db):
    bad = {
        "first_name": "",
        "last_name": "Lee",
        "enquiry_date": "2025-05-01",
        "channel": "phone",
        "source": "event",
        "carer_type": "mainstream",
        "once": TOKEN,
    }
    assert officer_client.post("/cases/new", data=bad).status_code == 200
    officer_client.post("/cases/new", data=dict(bad, first_name="Ann", email="a@example.com"))
    assert count(db, Case) == 1


def test_an_activity_sent_twice_is_logged_once(officer_client, db):
    case = CaseFactory()
    data = {"kind": "call", "on": "2025-05-01", "note": "Called back", "once": TOKEN}
    officer_client.post(f"/cases/{case.id}/activities", data=data)
    officer_client.post(f"/cases/{case.id}/activities", data=data)
    assert count(db, Activity) == 1


def test_a_person_added_twice_is_added_once(officer_client, db):
    case = CaseFactory()
    before = count(db, HouseholdMember)
    data = {"full_name": "Sam Lee", "once": TOKEN}
    officer_client.post(f"/cases/{case.id}/people", data=data)
    officer_client.post(f"/cases/{case.id}/people", data=data)
    assert count(db, HouseholdMember) == before + 1


def test_a_supervision_visit_sent_twice_is_recorded_once(manager_client, db):
    household = HouseholdFactory(approval_date=date(2023, 6, 1))
    data = {"kind": "supervision_visit", "on": "2025-06-02", "once": TOKEN}
    manager_client.post(f"/households/{household.id}/records", data=data)
    manager_client.post(f"/households/{household.id}/records", data=data)
    assert count(db, CarerEvent) == 1


def test_a_resident_added_twice_is_added_once(manager_client, db):
    household = HouseholdFactory()
    data = {"full_name": "A Lodger", "once": TOKEN}
    manager_client.post(f"/households/{household.id}/residents", data=data)
    manager_client.post(f"/households/{household.id}/residents", data=data)
    assert count(db, Resident) == 1


def test_every_create_form_page_carries_a_fresh_token(officer_client):
    first = officer_client.get("/cases/new").get_data(as_text=True)
    second = officer_client.get("/cases/new").get_data(as_text=True)
    token = lambda page: page.split('name="once" type="hidden" value="')[1].split('"')[0]  # noqa: E731
    assert len(token(first)) >= 32 and token(first) != token(second)


def test_old_tokens_are_forgotten_by_the_retention_job(client, db):
    from crm.privacy.services import apply_retention
    from crm.timeutil import today, utcnow

    client.post("/foster-with-us/", data=dict(GOOD, once=TOKEN))
    db.session.execute(sa.update(FormSubmission).values(at=utcnow().replace(year=2020)))
    db.session.commit()
    assert apply_retention(today())["form_tokens_forgotten"] == 1


def test_back_and_send_again_with_a_fresh_token_creates_one_case(officer_client, db):
    """Every page is sent no-store, so Back fetches the form again with a new token and
    the browser puts back what was typed: the same details are the same sending."""
    data = {
        "first_name": "Ann",
        "last_name": "Lee",
        "email": "ann@example.com",
        "enquiry_date": "2025-05-01",
        "channel": "phone",
        "source": "event",
        "carer_type": "mainstream",
    }
    first = officer_client.post("/cases/new", data=dict(data, once=TOKEN))
    second = officer_client.post(
        "/cases/new", data=dict(data, once=TOKEN + "-after-back"), follow_redirects=True
    )
    assert count(db, Case) == 1
    assert second.request.path == first.headers["Location"]
    assert b"already sent with these same details" in second.data


def test_the_public_form_sent_again_with_a_fresh_token_creates_one_enquiry(client, db):
    client.post("/foster-with-us/", data=dict(GOOD, once=TOKEN))
    response = client.post("/foster-with-us/", data=dict(GOOD, once=TOKEN + "-after-back"))
    assert count(db, Case) == 1
    assert response.headers["Location"].endswith("/thank-you")


def test_the_same_details_from_someone_else_are_theirs_to_add(client, make_user, db):
    from crm.models import Role
    from tests.conftest import login

    case = CaseFactory()
    data = {"kind": "note", "on": "2025-05-01", "note": "Pack posted"}
    login(client, make_user(Role.RECRUITMENT_OFFICER))
    client.post(f"/cases/{case.id}/activities", data=dict(data, once=TOKEN))
    login(client, make_user(Role.RECRUITMENT_OFFICER))
    client.post(f"/cases/{case.id}/activities", data=dict(data, once=TOKEN + "b"))
    assert count(db, Activity) == 2


def test_changed_details_under_a_fresh_token_are_a_new_record(officer_client, db):
    case = CaseFactory()
    data = {"kind": "call", "on": "2025-05-01", "note": "No answer", "once": TOKEN}
    officer_client.post(f"/cases/{case.id}/activities", data=data)
    officer_client.post(
        f"/cases/{case.id}/activities", data=dict(data, note="No answer again", once=TOKEN + "b")
    )
    assert count(db, Activity) == 2

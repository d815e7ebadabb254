"""An officer's home is a work queue: late first contacts, new enquiries nobody has taken,
tasks due and stalled assessments come first, each by the rules the dashboard uses."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from crm.domain.stages import EventKind
from crm.models import Case
from crm.timeutil import today
from tests.factories import CaseFactory, advance


def section(page: str, heading: str) -> str:
    return page.split(heading, 1)[1].split("</section>", 1)[0]


def test_my_late_first_contacts_come_first(officer_client, officer, db):
    CaseFactory(reference="LATE-1", owner=officer, enquiry_date=today() - timedelta(days=30))
    CaseFactory(reference="FRESH-1", owner=officer, enquiry_date=today())
    CaseFactory(reference="THEIRS-1", enquiry_date=today() - timedelta(days=30))
    page = officer_client.get("/cases/mine").get_data(as_text=True)
    late = section(page, "First contact late")
    assert "LATE-1" in late and "FRESH-1" not in late and "THEIRS-1" not in late
    assert page.index("First contact late") < page.index("My open cases")


def test_a_contacted_enquiry_is_not_late(officer_client, officer, db):
    case = CaseFactory(reference="DONE-1", owner=officer, enquiry_date=today() - timedelta(30))
    advance(case, (EventKind.FIRST_CONTACT, today() - timedelta(days=1)), today=today())
    db.session.commit()
    page = officer_client.get("/cases/mine").get_data(as_text=True)
    assert "First contact late" not in page


def test_new_web_enquiries_nobody_has_taken_are_listed_to_take(officer_client, officer, db):
    waiting = CaseFactory(reference="WEB-1", owner=None)
    page = officer_client.get("/cases/mine").get_data(as_text=True)
    assert "WEB-1" in section(page, "New enquiries waiting for an officer")
    response = officer_client.post(f"/cases/{waiting.id}/take", data={"back": "mine"})
    assert response.headers["Location"] == "/cases/mine"
    assert db.session.get(Case, waiting.id).owner_id == officer.id


def test_my_stalled_assessments_are_listed_with_the_reason(officer_client, officer, db):
    case = CaseFactory(reference="STUCK-1", owner=officer, enquiry_date=date(2024, 1, 8))
    advance(
        case,
        (EventKind.FIRST_CONTACT, date(2024, 1, 9)),
        (EventKind.INITIAL_VISIT, date(2024, 1, 20)),
        (EventKind.APPLICATION, date(2024, 2, 1)),
        today=date(2024, 2, 1),
    )
    db.session.commit()
    page = officer_client.get("/cases/mine").get_data(as_text=True)
    assert "STUCK-1" in section(page, "Stalled assessments")


def test_a_quiet_morning_says_so(officer_client):
    page = officer_client.get("/cases/mine").get_data(as_text=True)
    assert "Nothing waiting" in page


def test_the_queue_reads_only_the_officers_own_cases(officer_client, officer, db):
    for n in range(30):
        CaseFactory(reference=f"OTHER-{n}", enquiry_date=today() - timedelta(days=40))
    page = officer_client.get("/cases/mine").get_data(as_text=True)
    assert "First contact late" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 30

"""A call, email or meeting logged with an enquirer is their first contact when none is
recorded (issue 32, item 7): the case is no longer flagged late after the officer spoke
to them. And the officer's form keeps how someone got in touch (the channel) apart from
how they heard about us (the source), with no answer chosen for them."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from crm.domain.stages import EventKind, Stage
from crm.metrics.chasing import overdue_first_contacts, response_working_days
from crm.models import ActivityKind, Case, EnquiryChannel, Flag, FlagKind
from crm.timeutil import today
from tests.factories import CaseFactory
from tests.samples import OFFICER_ENQUIRY, PUBLIC_ENQUIRY

# Monday 2 June 2025: an enquiry by the web form.
ENQUIRED = date(2025, 6, 2)


def test_a_logged_call_is_the_first_contact(db, officer):
    case = CaseFactory(enquiry_date=ENQUIRED)
    case.log_activity(ActivityKind.CALL, date(2025, 6, 4), officer, note="Spoke to Amara")
    assert case.first_contact_date == date(2025, 6, 4)
    assert case.stage is Stage.CONTACTED


def test_the_response_time_counts_to_the_logged_call(db, officer):
    case = CaseFactory(enquiry_date=ENQUIRED)
    case.log_activity(ActivityKind.EMAIL, date(2025, 6, 4), officer)
    assert response_working_days(case) == 2  # Monday to Wednesday


def test_a_case_called_in_time_is_not_late_ten_working_days_on(db, officer):
    case = CaseFactory(enquiry_date=ENQUIRED)
    case.log_activity(ActivityKind.CALL, date(2025, 6, 3), officer)
    db.session.commit()
    assert case.id not in overdue_first_contacts(date(2025, 6, 20))


def test_a_meeting_counts_as_first_contact(db, officer):
    case = CaseFactory(enquiry_date=ENQUIRED)
    case.log_activity(ActivityKind.VISIT, date(2025, 6, 9), officer, note="Drop-in")
    assert case.first_contact_date == date(2025, 6, 9)


def test_a_note_is_not_a_contact(db, officer):
    case = CaseFactory(enquiry_date=ENQUIRED)
    case.log_activity(ActivityKind.NOTE, date(2025, 6, 3), officer, note="Pack to post")
    assert case.first_contact_date is None


def test_a_recorded_first_contact_is_not_moved_by_a_later_call(db, officer):
    case = CaseFactory(enquiry_date=ENQUIRED)
    case.record_step(EventKind.FIRST_CONTACT, date(2025, 6, 3), officer)
    case.log_activity(ActivityKind.CALL, date(2025, 6, 10), officer)
    assert case.first_contact_date == date(2025, 6, 3)
    assert [e.kind for e in case.events].count(EventKind.FIRST_CONTACT) == 1


def test_a_call_dated_before_the_enquiry_is_kept_but_not_the_first_contact(db, officer):
    case = CaseFactory(enquiry_date=ENQUIRED)
    case.log_activity(ActivityKind.CALL, date(2025, 5, 30), officer)
    assert case.first_contact_date is None and len(case.activities) == 1


def test_logging_the_call_clears_the_late_flag_at_once(officer_client, officer, db):
    enquired = today() - timedelta(days=21)  # three weeks: well past the target
    case = CaseFactory(enquiry_date=enquired, owner=officer)
    db.session.commit()
    late = sa.select(Flag).where(
        Flag.case_id == case.id,
        Flag.kind == FlagKind.FIRST_CONTACT_OVERDUE,
        Flag.cleared_on.is_(None),
    )
    assert db.session.scalar(late) is not None

    page = officer_client.post(
        f"/cases/{case.id}/activities",
        data={
            "kind": "call",
            "on": (enquired + timedelta(days=1)).isoformat(),
            "note": "Spoke to them",
            "once": "t-1",
        },
        follow_redirects=True,
    )

    assert b"It is their first contact" in page.data
    assert db.session.scalar(late) is None


def test_the_officers_form_chooses_no_source_for_them(officer_client):
    page = officer_client.get("/cases/new").get_data(as_text=True)
    heard = page.split('id="source"')[1].split("</select>")[0]
    assert "selected" not in heard.split("Choose one")[0] + heard.split("</option>")[0]
    assert "Council website form" not in heard and "Phone call" not in heard


def test_an_enquiry_without_how_they_heard_is_refused_keeping_what_was_typed(officer_client, db):
    response = officer_client.post("/cases/new", data=dict(OFFICER_ENQUIRY, source=""))
    assert b"Ask how they heard about us" in response.data
    assert b'value="Amara"' in response.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_the_officer_records_the_channel_apart_from_the_source(officer_client, db):
    officer_client.post("/cases/new", data=OFFICER_ENQUIRY)
    case = db.session.scalar(sa.select(Case))
    assert (case.channel, case.source) == (EnquiryChannel.PHONE, "word_of_mouth")


def test_the_public_form_records_its_channel(client, db):
    client.post("/foster-with-us/", data=PUBLIC_ENQUIRY)
    case = db.session.scalar(sa.select(Case))
    assert (case.channel, case.source) == (EnquiryChannel.WEB_FORM, "social_media")

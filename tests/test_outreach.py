"""Messages Hearth sends by itself to applicants and carers (issue 35, items 5 and 6),
through the real parts: the acknowledgement through a real SMTP server on loopback
(tests/mail_server.py), GOV.UK Notify's real client against a stand-in of its API that
checks the signed token (tests/notify_server.py), and the jobs run as the scheduler
runs them (jobs/runner.run_job)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from crm.domain.bookings import BookingKind
from crm.domain.outreach import (
    MessageKind,
    MessageStatus,
    quiet_spell_due,
    template_problems,
)
from crm.domain.stages import EventKind
from crm.enquiry_sources import ensure_default_sources
from crm.extensions import db as _db
from crm.metrics.outreach import acknowledgement_time
from crm.metrics.period import Period
from crm.models import Activity, ActivityKind, Case, MessageOptOut, OutreachMessage
from crm.models.booking import Booking
from crm.outreach.services import opt_out_token, queue, queue_due
from jobs.runner import run_job
from tests.factories import CaseFactory, HouseholdFactory, advance
from tests.samples import PUBLIC_ENQUIRY

TODAY = date(2026, 11, 2)


def messages(kind: MessageKind | None = None) -> list[OutreachMessage]:
    query = sa.select(OutreachMessage).order_by(OutreachMessage.id)
    if kind is not None:
        query = query.where(OutreachMessage.kind == kind)
    return list(_db.session.scalars(query))


def enquire(client, **changes):
    with client.application.app_context():
        ensure_default_sources()
        _db.session.commit()
    return client.post("/foster-with-us/", data={**PUBLIC_ENQUIRY, **changes})


def send_waiting() -> None:
    run_job("send_outreach", TODAY)


# The acknowledgement ----------------------------------------------------------------


def test_the_acknowledgement_arrives_through_the_real_smtp_server_with_the_reference(
    client, db, mailbox
):
    enquire(client)
    case = db.session.scalar(sa.select(Case))
    (mail,) = mailbox.messages
    assert mail["To"] == "priya@example.com"
    assert case.reference in mail["Subject"]
    body = mail.get_content()
    assert f"Your reference is {case.reference}" in body
    assert "What happens next" in body
    assert body.startswith("Dear Priya,")


def test_the_acknowledgement_is_kept_on_the_case_as_sent(client, db, mailbox):
    enquire(client)
    (message,) = messages()
    assert (message.kind, message.status, message.attempts) == (
        MessageKind.ACKNOWLEDGEMENT,
        MessageStatus.SENT,
        1,
    )
    assert message.sent_at is not None and message.case.first_name == "Priya"


def test_an_enquirer_who_gave_no_email_is_sent_no_acknowledgement(client, db, mailbox):
    enquire(client, email="")
    assert db.session.scalar(sa.select(Case)) is not None
    assert mailbox.messages == [] and messages() == []


def test_the_thank_you_page_says_to_expect_the_acknowledgement(client):
    page = client.get("/foster-with-us/thank-you").get_data(as_text=True)
    assert "we have emailed you your reference" in page


def test_without_a_mail_server_the_acknowledgement_waits_and_the_enquiry_stands(client, db):
    response = enquire(client)
    assert response.status_code == 302
    (message,) = messages()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 0)


def test_the_case_page_shows_the_message_sent(client, db, mailbox, officer_client):
    enquire(client)
    case = db.session.scalar(sa.select(Case))
    page = officer_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Messages Hearth sent them" in page
    assert f"We have your enquiry about fostering ({case.reference})" in page


# GOV.UK Notify ------------------------------------------------------------------------


def test_a_notify_email_reaches_notify_with_the_subject_and_body_as_personalisation(
    client, db, notify
):
    enquire(client)
    case = db.session.scalar(sa.select(Case))
    (sent,) = notify.sent
    assert (sent["kind"], sent["to"], sent["template_id"]) == (
        "email",
        "priya@example.com",
        "f33517ff-2a88-4f6e-b855-c550268ce08a",
    )
    assert sent["personalisation"]["subject"] == (
        f"We have your enquiry about fostering ({case.reference})"
    )
    assert f"Your reference is {case.reference}" in sent["personalisation"]["body"]
    assert notify.bad_tokens == []
    (message,) = messages()
    assert message.status is MessageStatus.SENT and message.provider_id == sent["id"]


def test_a_text_message_goes_through_notify_to_someone_with_only_a_mobile(db, notify):
    case = CaseFactory(email=None, phone="07700 900123", enquiry_date=date(2026, 9, 1))
    queue(MessageKind.QUIET_SPELL, case, date(2026, 9, 29))
    _db.session.commit()
    send_waiting()
    (sent,) = notify.sent
    assert (sent["kind"], sent["to"]) == ("sms", "07700 900123")
    assert "We haven't heard from you" in sent["personalisation"]["body"]


def test_a_wrong_notify_key_is_refused_by_notify_and_the_message_retried(
    db, notify, app, monkeypatch
):
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", "hearth_test-" + "0" * 36 + "-" + "1" * 36)
    case = CaseFactory(enquiry_date=date(2026, 9, 1))
    queue(MessageKind.QUIET_SPELL, case, date(2026, 9, 29))
    _db.session.commit()
    send_waiting()
    (message,) = messages()
    assert notify.sent == [] and notify.bad_tokens
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert "403" in message.last_error


# Failures -------------------------------------------------------------------------------


def test_a_refused_recipient_is_retried_and_then_shown_as_failed(
    client, db, mailbox, manager_client
):
    mailbox.refused.add("priya@example.com")
    enquire(client)  # the first try, straight after the form
    for _ in range(10):  # the retry job, every 5 minutes
        send_waiting()
    (message,) = messages()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 5)
    assert len(mailbox.refusals) == 5
    assert "550" in message.last_error
    page = manager_client.get("/admin/applicant-outbox").get_data(as_text=True)
    assert "priya@example.com" in page and "Failed (gave up)" in page and "550" in page
    dashboard = manager_client.get("/dashboard/").get_data(as_text=True)
    assert "<strong>1</strong> Messages to applicants or carers that could not be sent" in dashboard


def test_a_failed_message_tried_again_goes_once_the_address_is_accepted(
    client, db, mailbox, admin_client
):
    mailbox.refused.add("priya@example.com")
    enquire(client)
    for _ in range(5):
        send_waiting()
    (message,) = messages()
    mailbox.refused.clear()
    admin_client.post(f"/admin/applicant-outbox/{message.id}/retry")
    send_waiting()
    _db.session.refresh(message)
    assert message.status is MessageStatus.SENT
    assert [m["To"] for m in mailbox.messages] == ["priya@example.com"]


def test_a_message_another_sender_has_claimed_is_not_sent_again(db, mailbox, app):
    from crm.outreach.delivery import _claim, send_messages

    case = CaseFactory(enquiry_date=date(2026, 9, 1))
    message = queue(MessageKind.QUIET_SPELL, case, date(2026, 9, 29))
    _db.session.commit()
    assert _claim(message.id)  # another worker took it a moment ago
    assert send_messages([message.id]) == {"sent": 0, "failed": 0, "given_up": 0}
    assert mailbox.messages == []


# When messages are due ---------------------------------------------------------------


def test_we_havent_heard_from_you_is_due_when_the_quiet_spell_ends():
    # Enquiry on 1 October, a call logged on 3 October, nothing since: with 28 days the
    # message is due on 31 October.
    assert quiet_spell_due(True, date(2026, 10, 3), 28) == date(2026, 10, 31)


def test_no_quiet_spell_message_once_they_have_applied():
    assert quiet_spell_due(False, date(2026, 10, 3), 28) is None


def quiet_case(**kwargs) -> Case:
    case = CaseFactory(enquiry_date=date(2026, 10, 1), **kwargs)
    case.log_activity(ActivityKind.CALL, date(2026, 10, 3), None, "Left a message")
    _db.session.commit()
    return case


def test_a_quiet_case_gets_its_message_on_the_day_the_spell_ends_and_not_before(db, app):
    case = quiet_case()
    assert queue_due(date(2026, 10, 30))["quiet_spell"] == 0
    assert queue_due(date(2026, 10, 31))["quiet_spell"] == 1
    (message,) = messages(MessageKind.QUIET_SPELL)
    assert (message.case_id, message.due_on) == (case.id, date(2026, 10, 31))
    assert "/foster-with-us/stop-messages/" in message.body


def test_nothing_is_queued_twice_by_two_job_runs(db, app):
    quiet_case()
    run_job("queue_outreach", date(2026, 10, 31))
    run_job("queue_outreach", date(2026, 10, 31))
    run_job("queue_outreach", date(2026, 11, 1))
    assert len(messages(MessageKind.QUIET_SPELL)) == 1


def test_the_opt_out_link_stops_the_quiet_spell_message(client, db, app):
    case = quiet_case()
    link = f"/foster-with-us/stop-messages/{opt_out_token(case)}"
    assert client.get(link).status_code == 200  # opening it (a mail scanner) changes nothing
    assert db.session.scalar(sa.select(MessageOptOut)) is None
    assert client.post(link).status_code == 200
    assert queue_due(date(2026, 10, 31))["quiet_spell"] == 0
    assert messages() == []


def test_the_opt_out_is_recorded_on_the_case(client, db, app):
    case = quiet_case()
    client.post(f"/foster-with-us/stop-messages/{opt_out_token(case)}")
    notes = db.session.scalars(
        sa.select(Activity.note).where(
            Activity.case_id == case.id, Activity.kind == ActivityKind.NOTE
        )
    ).all()
    assert notes == ["Asked for no more automated messages (the link in a message)."]


def test_a_forged_opt_out_link_is_not_found(client, db):
    case = quiet_case()
    assert client.post(f"/foster-with-us/stop-messages/{case.id}").status_code == 404


def test_an_initial_visit_reminder_is_queued_two_days_before_the_visit(db, app, officer):
    case = CaseFactory(enquiry_date=date(2026, 10, 20))
    visit = date(2026, 11, 4)
    _db.session.add(
        Booking(
            case=case,
            kind=BookingKind.INITIAL_VISIT,
            visit_date=visit,
            start_time=time(10, 30),
            worker=officer,
        )
    )
    _db.session.commit()
    assert queue_due(date(2026, 11, 1))["initial_visit_reminder"] == 0
    assert queue_due(date(2026, 11, 2))["initial_visit_reminder"] == 1
    (message,) = messages(MessageKind.INITIAL_VISIT_REMINDER)
    assert message.subject == "Your fostering visit on 4 Nov 2026"
    assert f"{officer.full_name} will visit you on 4 Nov 2026 at 10:30" in message.body


def test_a_panel_reminder_is_queued_a_week_before_panel(db, app):
    case = CaseFactory(enquiry_date=date(2026, 1, 5))
    advance(
        case,
        (EventKind.FIRST_CONTACT, date(2026, 1, 6)),
        (EventKind.INITIAL_VISIT, date(2026, 1, 20)),
        (EventKind.APPLICATION, date(2026, 2, 2)),
        (EventKind.STAGE2_START, date(2026, 4, 1)),
        today=date(2026, 11, 1),
    )
    case.panel_booked_for = date(2026, 11, 12)
    _db.session.commit()
    assert queue_due(date(2026, 11, 4))["panel_reminder"] == 0
    assert queue_due(date(2026, 11, 5))["panel_reminder"] == 1
    (message,) = messages(MessageKind.PANEL_REMINDER)
    assert message.subject == "Your fostering panel on 12 Nov 2026"


def test_carers_are_reminded_four_weeks_before_their_annual_review(db, app):
    # Approved 20 Dec 2025, never reviewed: the review (reg 28) is due by 20 Dec 2026,
    # so the reminder is due on 22 Nov 2026.
    applicants = CaseFactory(email="pat@example.com", enquiry_date=date(2025, 1, 6))
    household = HouseholdFactory(approval_date=date(2025, 12, 20), case=applicants)
    assert queue_due(date(2026, 11, 21))["review_reminder"] == 0
    assert queue_due(date(2026, 11, 22))["review_reminder"] == 1
    (message,) = messages(MessageKind.REVIEW_REMINDER)
    assert (message.household_id, message.to_email) == (household.id, "pat@example.com")
    assert message.subject == "Your annual review is due by 20 Dec 2026"
    assert message.body.startswith("Dear Pat,")


# The council's wording ----------------------------------------------------------------


def test_a_template_with_an_unknown_placeholder_is_refused_with_the_typed_text_kept(
    admin_client, db
):
    typed = "Dear {frist_name}, your visit is on {visit_date}."
    response = admin_client.post(
        "/admin/messages/acknowledgement",
        data={"subject": "Thanks {first_name}", "body": typed},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "{frist_name}, {visit_date}, which this message cannot fill" in page
    assert "Dear {frist_name}, your visit is on {visit_date}." in page
    assert 'value="Thanks {first_name}"' in page


def test_an_unclosed_brace_is_refused_in_words():
    (problem,) = template_problems(
        MessageKind.ACKNOWLEDGEMENT, "Hello {first_name", "Your reference is {reference}."
    )
    assert problem.startswith("The subject has a { or }")


def test_the_councils_wording_is_what_the_enquirer_receives(client, admin_client, db, mailbox):
    admin_client.post(
        "/admin/messages/acknowledgement",
        data={"subject": "Thank you, {first_name}", "body": "Your reference: {reference}."},
    )
    admin_client.post(
        "/admin/messages/signature",
        data={"council_name": "Leicester City Council", "team_phone": "0116 454 0000"},
    )
    enquire(client)
    (mail,) = mailbox.messages
    case = db.session.scalar(sa.select(Case))
    assert mail["Subject"] == "Thank you, Priya"
    assert mail.get_content().strip() == f"Your reference: {case.reference}."


def test_an_officer_cannot_change_the_wording(officer_client, db):
    response = officer_client.post(
        "/admin/messages/acknowledgement", data={"subject": "x", "body": "y"}
    )
    assert response.status_code == 403


# The figure -------------------------------------------------------------------------------


def test_time_from_enquiry_to_acknowledgement_is_sent_at_less_received(db, app):
    # Three web enquiries on 2 Nov 2026: acknowledged after 1, 3 and 30 minutes; a fourth
    # still queued. Median 3 minutes, 90th percentile 30, one not yet acknowledged.
    received = datetime(2026, 11, 2, 9, 0)
    for minutes in (1, 3, 30, None):
        case = CaseFactory(enquiry_date=date(2026, 11, 2), channel="web_form")
        case.created_at = received
        message = queue(MessageKind.ACKNOWLEDGEMENT, case, case.enquiry_date)
        if minutes is not None:
            message.status = MessageStatus.SENT
            message.sent_at = received + timedelta(minutes=minutes)
    _db.session.commit()
    figure = acknowledgement_time(Period(date(2026, 11, 1), date(2026, 11, 30), TODAY))
    assert (
        figure.acknowledged,
        figure.not_acknowledged,
        figure.median_minutes,
        figure.p90_minutes,
    ) == (3, 1, 3, 30)


def test_the_dashboard_shows_the_acknowledgement_figure_with_its_definition(
    client, db, mailbox, manager_client
):
    enquire(client)
    page = manager_client.get("/dashboard/").get_data(as_text=True)
    assert "Enquiry to acknowledgement (minutes)" in page
    assert "the minutes from receiving the enquiry to sending its acknowledgement" in page


def test_a_merged_duplicates_messages_stay_on_the_earlier_case(db, app, officer):
    from crm.cases.services import merge_duplicate

    original = CaseFactory(enquiry_date=date(2026, 10, 1))
    duplicate = CaseFactory(enquiry_date=date(2026, 10, 9), possible_duplicate_of=original)
    queue(MessageKind.ACKNOWLEDGEMENT, duplicate, duplicate.enquiry_date)
    _db.session.commit()
    merge_duplicate(duplicate, officer, on=date(2026, 10, 10))
    _db.session.commit()
    (message,) = messages()
    assert message.case_id == original.id


def test_an_enquiry_quiet_for_months_is_not_asked_the_day_hearth_starts_sending(db, app):
    # Quiet since 3 October: due 31 October, still sent up to 7 days late (7 November),
    # never on 8 November or after.
    quiet_case()
    assert queue_due(date(2026, 11, 8))["quiet_spell"] == 0
    assert queue_due(date(2026, 11, 7))["quiet_spell"] == 1


def test_the_stop_link_cannot_be_edited_out_of_we_havent_heard_from_you():
    problems = template_problems(MessageKind.QUIET_SPELL, "Still there?", "Dear {first_name}")
    assert problems == [
        "The message must include {opt_out_link}: it is how people stop these messages "
        "without signing in."
    ]


def test_a_mail_server_that_cannot_be_reached_charges_no_try_and_the_enquiry_stands(
    client, db, app, monkeypatch
):
    import socket

    with socket.socket() as sock:  # a loopback port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    response = enquire(client)
    assert response.headers["Location"] == "/foster-with-us/thank-you"
    (message,) = messages()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 0)


def test_the_household_timeline_shows_the_reminder_sent_to_the_carers(db, app, manager_client):
    applicants = CaseFactory(email="pat@example.com", enquiry_date=date(2025, 1, 6))
    household = HouseholdFactory(approval_date=date(2025, 12, 20), case=applicants)
    queue_due(date(2026, 11, 22))
    _db.session.commit()
    page = manager_client.get(f"/households/{household.id}").get_data(as_text=True)
    assert "Message: Annual review reminder (carers)" in page
    assert "Your annual review is due by 20 Dec 2026 (email to pat@example.com, queued)" in page


def test_a_message_queued_before_they_opted_out_is_not_sent(client, db, mailbox):
    case = quiet_case()
    queue_due(date(2026, 10, 31))
    _db.session.add(MessageOptOut(case=case))  # stopped after the nightly run queued it
    _db.session.commit()
    send_waiting()
    (message,) = messages()
    assert mailbox.messages == [] and message.status is MessageStatus.CANCELLED

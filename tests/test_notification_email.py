"""Notification email through a real SMTP server on loopback (tests/mail_server.py):
each message is sent and committed on its own, so one that cannot go (old data with a
carriage return in a name, an address the server refuses) holds back and repeats no
other, the audit trail's alarm included, and is tried a bounded number of times."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from crm.extensions import db as _db
from crm.models import Notification, RunStatus
from jobs.audit_trail import alert_administrators
from jobs.runner import run_job


def waiting(user, *messages: str) -> list[Notification]:
    """Notifications planted as rows, as old data holds them: no form cleaned them."""
    notes = [Notification(user_id=user.id, message=m, link="/cases/1") for m in messages]
    _db.session.add_all(notes)
    _db.session.commit()
    return notes


def deliver() -> None:
    run_job("deliver_notifications", date.today())


def test_a_carriage_return_in_a_name_holds_back_and_repeats_no_mail(mailbox, db, officer):
    waiting(
        officer,
        "New enquiry: Priya Shah",
        "New enquiry: Ann Smith\rBcc: everyone@example.net",
        "New enquiry: Tom Jones",
    )
    deliver()
    deliver()
    assert sorted(mailbox.subjects()) == [
        "Hearth: New enquiry: Ann Smith Bcc: everyone@example.net",
        "Hearth: New enquiry: Priya Shah",
        "Hearth: New enquiry: Tom Jones",
    ]
    assert all(m["Bcc"] is None for m in mailbox.messages)


def test_every_header_is_one_line_whatever_control_characters_it_came_with(mailbox, db, officer):
    waiting(officer, "Stalled:\x07 HF-1\n\tX-Injected: yes\x1b[31m\u2028end")
    deliver()
    (message,) = mailbox.messages
    assert message["Subject"] == "Hearth: Stalled: HF-1  X-Injected: yes[31m end"
    assert message["X-Injected"] is None


def test_the_audit_trail_alarm_goes_out_past_a_message_that_cannot(mailbox, db, officer, admin):
    waiting(officer, "New enquiry: Ann Smith\r\nfrom the public form")
    alert_administrators("Audit trail broken at entry 12")
    deliver()
    alarms = [m for m in mailbox.messages if m["To"] == admin.email]
    assert [m["Subject"] for m in alarms] == ["Hearth: Audit trail broken at entry 12"]


def test_a_recipient_the_server_refuses_holds_back_no_other_mail(mailbox, db, make_user):
    gone = make_user(email="gone@fostering.example.gov.uk")
    here = make_user(email="here@fostering.example.gov.uk")
    mailbox.refused.add(gone.email)
    waiting(gone, "Chase HF-1")
    waiting(here, "Chase HF-2")
    waiting(gone, "Chase HF-3")
    waiting(here, "Chase HF-4")
    deliver()
    deliver()
    assert mailbox.subjects() == ["Hearth: Chase HF-2", "Hearth: Chase HF-4"]
    refused = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == gone.id)
    ).all()
    assert [(n.emailed_at, n.email_attempts) for n in refused] == [(None, 2), (None, 2)]
    assert all("550" in n.email_error for n in refused)


def test_a_message_that_keeps_failing_is_tried_five_times_then_left_in_the_outbox(
    mailbox, db, make_user, admin_client
):
    gone = make_user(email="gone@fostering.example.gov.uk")
    mailbox.refused.add(gone.email)
    waiting(gone, "Chase HF-1")
    for _ in range(7):
        deliver()
    assert mailbox.refusals == [gone.email] * 5
    outbox = admin_client.get("/admin/outbox").get_data(as_text=True)
    assert "Chase HF-1" in outbox and "gave up after 5 tries" in outbox


def test_a_recipient_that_is_not_exactly_one_address_gets_nothing(mailbox, db, make_user):
    widened = make_user(email="ann@fostering.example.gov.uk, boss@example.net")
    here = make_user(email="here@fostering.example.gov.uk")
    waiting(widened, "Chase HF-1")
    waiting(here, "Chase HF-2")
    deliver()
    assert [(m["X-Envelope-To"], m["Subject"]) for m in mailbox.messages] == [
        (here.email, "Hearth: Chase HF-2")
    ]
    unsent = _db.session.scalar(sa.select(Notification).where(Notification.user_id == widened.id))
    assert (unsent.emailed_at, unsent.email_attempts) == (None, 1)


def test_a_server_that_cannot_be_reached_fails_the_run_and_counts_against_no_message(
    app, mailbox, db, officer, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)  # nothing listens there
    (note,) = waiting(officer, "Chase HF-1")
    run = run_job("deliver_notifications", date.today())
    assert run.status is RunStatus.FAILED and "127.0.0.1" in run.error
    _db.session.refresh(note)
    assert (note.emailed_at, note.email_attempts) == (None, 0)

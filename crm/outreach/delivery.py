"""Sending queued messages to applicants and carers: through the app's SMTP server
(crm/mail.py, shared with staff notifications) or GOV.UK Notify.

Each message is claimed before it is sent, by one UPDATE that succeeds for one
process only (status queued -> sending), so the send straight after the enquiry and
the retry job on another worker never send it twice. Each outcome is committed on its
own. A refusal (a recipient the server does not know, Notify's 400) counts one attempt
and puts it back in the queue; after MAX_ATTEMPTS it is failed, and staff see it on
the outbox page. A server that cannot be reached charges nothing and stops the run.

GOV.UK Notify is used with one generic template per channel: an email template whose
subject is ((subject)) and body ((body)), and a text template of ((body)). The words
are the council's own, edited and checked in Hearth and kept on the person's record
exactly as sent; per-message Notify templates would put the same words in two places
to keep in step, and Notify would refuse a placeholder Hearth had no value for only
when a message was sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from crm.domain.outreach import Channel, MessageKind, MessageStatus
from crm.extensions import db
from crm.mail import MESSAGE_FAILURES, MailServerUnreachable, SmtpSession, email_message
from crm.models import OutreachMessage
from crm.timeutil import utcnow

log = logging.getLogger(__name__)

#: A claim older than this was left by a process that died mid-send: given back.
STALE_CLAIM = timedelta(minutes=15)


class SmtpBackend:
    name = "smtp"

    def __init__(self, config):
        self.session = SmtpSession(config, timeout=10)
        self.sender = config["MAIL_DEFAULT_SENDER"]

    def send(self, message: OutreachMessage) -> str | None:
        if message.channel is not Channel.EMAIL:
            raise ValueError("SMTP cannot send a text message")
        self.session.send(
            email_message(self.sender, message.to_email, message.subject, message.body)
        )
        return None

    def close(self) -> None:
        self.session.close()


class NotifyBackend:
    name = "notify"

    def __init__(self, config):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(
            config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"], timeout=10
        )
        self.email_template = config.get("NOTIFY_EMAIL_TEMPLATE_ID")
        self.sms_template = config.get("NOTIFY_SMS_TEMPLATE_ID")

    def send(self, message: OutreachMessage) -> str | None:
        if message.channel is Channel.EMAIL:
            answer = self.client.send_email_notification(
                email_address=message.to_email,
                template_id=self.email_template,
                personalisation={"subject": message.subject, "body": message.body},
                reference=message.dedupe_key,
            )
        else:
            answer = self.client.send_sms_notification(
                phone_number=message.to_phone,
                template_id=self.sms_template,
                personalisation={"body": message.body},
                reference=message.dedupe_key,
            )
        return str(answer.get("id") or "")[:64] or None

    def close(self) -> None:
        pass


def backend(config) -> SmtpBackend | NotifyBackend | None:
    """The configured way out, or None while there is none (messages wait queued)."""
    if config.get("OUTREACH_BACKEND") == "notify":
        return NotifyBackend(config) if config.get("NOTIFY_API_KEY") else None
    return SmtpBackend(config) if config.get("MAIL_SERVER") else None


def _failures() -> tuple[type[BaseException], ...]:
    """What one message can fail with: the mail ones, and Notify's answers (its
    APIError, requests' errors, both RuntimeError/OSError kinds or their own)."""
    from notifications_python_client.errors import APIError
    from requests import RequestException

    return (*MESSAGE_FAILURES, APIError, RequestException)


def _claim(message_id: int) -> bool:
    """Take the message for this process: True for exactly one caller."""
    claimed = db.session.execute(
        sa.update(OutreachMessage)
        .where(OutreachMessage.id == message_id, OutreachMessage.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.SENDING, claimed_at=utcnow())
    )
    db.session.commit()
    return claimed.rowcount == 1


def _release_stale_claims() -> None:
    db.session.execute(
        sa.update(OutreachMessage)
        .where(
            OutreachMessage.status == MessageStatus.SENDING,
            OutreachMessage.claimed_at < utcnow() - STALE_CLAIM,
        )
        .values(status=MessageStatus.QUEUED, claimed_at=None)
    )
    db.session.commit()


def _send_one(way, message: OutreachMessage) -> bool:
    """Send one claimed message and record how it went (not committed). One that they
    asked to stop after it was queued is not sent (an acknowledgement excepted)."""
    from crm.outreach.services import has_opted_out

    record = message.case or message.household
    if message.kind is not MessageKind.ACKNOWLEDGEMENT and has_opted_out(record):
        message.status, message.claimed_at = MessageStatus.CANCELLED, None
        return False
    try:
        message.provider_id = way.send(message)
    except MailServerUnreachable:
        message.status, message.claimed_at = MessageStatus.QUEUED, None
        raise
    except _failures() as exc:
        message.attempts += 1
        message.last_error = f"{type(exc).__name__}: {exc}"[:255]
        message.claimed_at = None
        give_up = message.attempts >= OutreachMessage.MAX_ATTEMPTS
        message.status = MessageStatus.FAILED if give_up else MessageStatus.QUEUED
        return False
    message.attempts += 1
    message.status, message.sent_at, message.last_error = MessageStatus.SENT, utcnow(), None
    return True


def send_messages(
    ids: Iterable[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Send the given queued messages (or every queued one), each claimed and committed
    on its own. Commits."""
    config = current_app.config
    query = sa.select(OutreachMessage.id).where(OutreachMessage.status == MessageStatus.QUEUED)
    if ids is None:
        _release_stale_claims()
    else:
        query = query.where(OutreachMessage.id.in_(list(ids)))
    waiting = db.session.scalars(query.order_by(OutreachMessage.id).limit(500)).all()
    way = backend(config)
    if way is None:
        return {"sent": 0, "waiting": len(waiting)}
    counts = {"sent": 0, "failed": 0, "given_up": 0}
    try:
        for done, message_id in enumerate(waiting, start=1):
            if not _claim(message_id):
                continue  # another worker has it
            message = db.session.get(OutreachMessage, message_id)
            if _send_one(way, message):
                counts["sent"] += 1
            elif message.status is MessageStatus.CANCELLED:
                counts["cancelled"] = counts.get("cancelled", 0) + 1
            else:
                counts["failed"] += 1
                counts["given_up"] += message.status is MessageStatus.FAILED
            db.session.commit()  # this one's outcome stands whatever the next one does
            if progress:
                progress(done, len(waiting))
    except MailServerUnreachable:
        db.session.commit()
        raise
    finally:
        way.close()
    return counts


def send_now(messages: Iterable[OutreachMessage | None]) -> None:
    """Straight after the commit that queued them: try once, and leave whatever could
    not go to the retry job. Never raises (the person's request has already succeeded)."""
    ids = [m.id for m in messages if m is not None]
    if not ids or not current_app.config.get("OUTREACH_SEND_AT_ONCE"):
        return
    try:
        send_messages(ids)
    except Exception:  # the retry job sends it; the enquirer's form succeeded
        db.session.rollback()
        log.exception("sending messages %s at once failed; the retry job will", ids)

"""Email notifications when SMTP is configured; otherwise they wait in the outbox.

Each notification is sent and committed on its own. One that cannot be sent (a header
that cannot be built from old data, a recipient the server refuses) keeps its error
and is tried again at the next runs, Notification.EMAIL_ATTEMPTS times in all; it
never holds back or repeats the others. (A carriage return in one applicant's name
once made every run roll back: nothing was marked sent, so each run sent the same
mails again and the rest, the audit trail's alarm among them, never.) A server that
cannot be reached fails the run and counts against no notification.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from datetime import date
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from crm.extensions import db
from crm.models import Notification
from crm.plain_text import multi_line, single_line
from crm.timeutil import utcnow

#: What one message can fail with: EmailMessage refusing a header or the text not
#: encoding (ValueError, UnicodeError), a header that cannot be written (MessageError),
#: the server refusing the sender, a recipient or the data (SMTPException, an OSError).
MESSAGE_FAILURES = (ValueError, MessageError, OSError)


class MailServerUnreachable(Exception):
    """No SMTP session could be opened: the run fails, and no notification is charged."""


def _message(notification: Notification, sender: str) -> EmailMessage:
    """Every header from one line of text, so none can raise or carry another header;
    the recipient is exactly one address."""
    message = EmailMessage()
    message["From"] = single_line(sender)
    message["To"] = Address(addr_spec=single_line(notification.user.email).strip())
    message["Subject"] = "Hearth: " + single_line(notification.message)[:80]
    # No personal details beyond what the officer already sees; the link needs a login.
    message.set_content(
        f"{multi_line(notification.message)}\n\n"
        f"Open Hearth to see it: {absolute_url(notification.link)}"
    )
    return message


def absolute_url(path: str | None) -> str:
    """A link that opens from an email client: the configured public address + the path."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return f"{base}{path or '/'}"


class _Session:
    """One SMTP session, opened when first needed and opened again after the server
    drops it (so one message that made it hang up does not end the run)."""

    def __init__(self, config):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        smtp = self.smtp or self._open()
        try:
            smtp.send_message(message)
        except OSError as exc:  # SMTPException is one
            if not _session_still_usable(exc):
                self.close()
            raise

    def _open(self) -> smtplib.SMTP:
        config = self.config
        try:
            smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except OSError as exc:  # SMTPException is an OSError too
            raise MailServerUnreachable(f"{config['MAIL_SERVER']}: {exc}") from exc
        self.smtp = smtp
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except OSError:
                self.smtp.close()
            self.smtp = None


def _session_still_usable(exc: OSError) -> bool:
    """A refusal of this message leaves the session open; a hang-up, a 421 (service
    closing) or a network error ends it."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code != 421
    return isinstance(exc, smtplib.SMTPException)


def _deliver_one(session: _Session, notification: Notification, sender: str) -> bool:
    """Send one notification and record the outcome on it (not committed)."""
    try:
        session.send(_message(notification, sender))
    except MESSAGE_FAILURES as exc:
        notification.email_attempts += 1
        notification.email_error = f"{type(exc).__name__}: {exc}"[:255]
        return False
    notification.emailed_at = utcnow()
    notification.email_error = None
    return True


def deliver_notifications(
    as_of: date,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Send each waiting notification once, committing each outcome as it comes.
    Without MAIL_SERVER, send nothing."""
    config = current_app.config
    waiting = db.session.scalars(
        sa.select(Notification)
        .options(joinedload(Notification.user))
        .where(
            Notification.emailed_at.is_(None),
            Notification.email_attempts < Notification.EMAIL_ATTEMPTS,
        )
        .order_by(Notification.id)
        .limit(500)
    ).all()
    if not config.get("MAIL_SERVER"):
        return {"sent": 0, "waiting_in_outbox": len(waiting)}
    counts = {"sent": 0, "failed": 0, "given_up": 0}
    session = _Session(config)
    try:
        for done, notification in enumerate(waiting, start=1):
            if _deliver_one(session, notification, config["MAIL_DEFAULT_SENDER"]):
                counts["sent"] += 1
            else:
                counts["failed"] += 1
                counts["given_up"] += notification.email_given_up
            db.session.commit()  # this one's outcome stands whatever the next one does
            if progress:
                progress(done, len(waiting))
    finally:
        session.close()
    return counts

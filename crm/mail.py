"""Sending email over SMTP, shared by staff notifications (jobs/notifications.py) and
messages to applicants and carers (crm/outreach/delivery.py): one way to open the
connection from the app's MAIL_* settings and one way to build a message whose
headers cannot be forged from what someone typed."""

from __future__ import annotations

import smtplib
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage

from flask import current_app

from crm.plain_text import multi_line, single_line

#: What one message can fail with: EmailMessage refusing a header or the text not
#: encoding (ValueError, UnicodeError), a header that cannot be written (MessageError),
#: the server refusing the sender, a recipient or the data (SMTPException, an OSError).
MESSAGE_FAILURES = (ValueError, MessageError, OSError)


class MailServerUnreachable(Exception):
    """No SMTP session could be opened: nothing was tried, so no message is charged."""


def email_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """Every header from one line of text, so none can raise or carry another header;
    the recipient is exactly one address."""
    message = EmailMessage()
    message["From"] = single_line(sender)
    message["To"] = Address(addr_spec=single_line(to).strip())
    message["Subject"] = single_line(subject)
    message.set_content(multi_line(body))
    return message


def absolute_url(path: str | None) -> str:
    """A link that opens from an email client: the configured public address + the path."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return f"{base}{path or '/'}"


class SmtpSession:
    """One SMTP session, opened when first needed and opened again after the server
    drops it (so one message that made it hang up does not end the run)."""

    def __init__(self, config, timeout: float = 20):
        self.config = config
        self.timeout = timeout
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

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
            smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=self.timeout)
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

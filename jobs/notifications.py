"""Email notifications when SMTP is configured; otherwise they wait in the outbox."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from datetime import date
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from crm.extensions import db
from crm.models import Notification
from crm.timeutil import utcnow


def _message(notification: Notification, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notification.user.email
    message["Subject"] = "Hearth: " + notification.message[:80]
    # No personal details beyond what the officer already sees; the link needs a login.
    message.set_content(
        f"{notification.message}\n\nOpen Hearth to see it: {absolute_url(notification.link)}"
    )
    return message


def absolute_url(path: str | None) -> str:
    """A link that opens from an email client: the configured public address + the path."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return f"{base}{path or '/'}"


def deliver_notifications(
    as_of: date,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Send each waiting notification once. Without MAIL_SERVER, send nothing."""
    config = current_app.config
    waiting = db.session.scalars(
        sa.select(Notification).where(Notification.emailed_at.is_(None)).limit(500)
    ).all()
    if not config.get("MAIL_SERVER"):
        return {"sent": 0, "waiting_in_outbox": len(waiting)}
    sent = failed = 0
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        for done, notification in enumerate(waiting, start=1):
            try:
                smtp.send_message(_message(notification, config["MAIL_DEFAULT_SENDER"]))
                notification.emailed_at = utcnow()
                sent += 1
            except smtplib.SMTPException as exc:
                notification.email_error = str(exc)[:255]
                failed += 1
            if progress:
                progress(done, len(waiting))
    return {"sent": sent, "failed": failed}

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

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from crm.extensions import db
from crm.mail import MESSAGE_FAILURES, SmtpSession, absolute_url, email_message
from crm.models import Notification
from crm.plain_text import multi_line, single_line
from crm.timeutil import utcnow


def _message(notification: Notification, sender: str):
    # No personal details beyond what the officer already sees; the link needs a login.
    return email_message(
        sender,
        notification.user.email,
        "Hearth: " + single_line(notification.message)[:80],
        f"{multi_line(notification.message)}\n\n"
        f"Open Hearth to see it: {absolute_url(notification.link)}",
    )


def _deliver_one(session: SmtpSession, notification: Notification, sender: str) -> bool:
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
    session = SmtpSession(config)
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

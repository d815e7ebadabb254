"""Messages to applicants and carers: queue what the rules say is due (nightly), and
send what is waiting (every few minutes: what the send straight after queueing could
not, retried up to its limit). Both are safe to run from several workers at once: the
queue's unique key per record, kind and due date, and the claim of each message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from crm.extensions import db
from crm.outreach.delivery import send_messages
from crm.outreach.services import queue_due


def queue_due_messages(as_of: date, progress: Callable[[int, int], None] | None = None) -> dict:
    """Queue the reminders and "we haven't heard from you" messages due on `as_of`,
    then send them."""
    counts = queue_due(as_of)
    db.session.commit()
    return {"queued": counts, "delivery": send_messages(progress=progress)}


def send_waiting_messages(as_of: date, progress: Callable[[int, int], None] | None = None) -> dict:
    """Send every queued message once (its attempts counted; failed after the limit)."""
    return send_messages(progress=progress)

"""Keep the audit trail tamper-evident: seal new entries often, verify the chain nightly.

A failed verification is not left in a log: every active administrator gets a
notification (emailed when SMTP is configured) and the job run is recorded as
failed, so the admin jobs page shows it too. So does a seal that finds the chain
cut short of the head anchored outside the database, or an entry with a false
time, each told to administrators once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import sqlalchemy as sa

from crm import audit_chain
from crm.audit_anchor import AnchorUnreadable
from crm.extensions import db
from crm.models import JobRun, Notification, Role, RunStatus, User, UserRole

log = logging.getLogger("jobs")

VERIFY_JOB = "verify_audit_trail"


class AuditTrailBroken(Exception):
    """The chain does not hold; the message says where."""


def seal_audit_trail(as_of: date, progress: Callable[[int, int], None] | None = None) -> dict:
    """Seal the entries written since the last run into the chain."""
    try:
        sealed = audit_chain.seal(progress)
    except (audit_chain.ChainBroken, AnchorUnreadable) as broken:
        _alert_once(str(broken))
        raise
    backdated = audit_chain.first_backdated()
    if backdated:
        _alert_once(backdated.describe())
        raise AuditTrailBroken(backdated.describe())
    return {"sealed": sealed}


def last_verified_head() -> audit_chain.Head | None:
    """The chain's head as the last successful verification saw it."""
    counts = db.session.scalar(
        sa.select(JobRun.counts)
        .where(JobRun.job == VERIFY_JOB, JobRun.status == RunStatus.SUCCEEDED)
        .order_by(JobRun.id.desc())
        .limit(1)
    )
    if not counts or "head_position" not in counts:
        return None
    return audit_chain.Head(counts["head_position"], counts["head_hash"])


def verify_audit_trail(as_of: date, progress: Callable[[int, int], None] | None = None) -> dict:
    """Seal what is waiting, then walk the whole chain and compare it with the head
    anchored outside the database; alert administrators if it is broken."""
    try:
        sealed, verdict = audit_chain.check(known=last_verified_head(), progress=progress)
    except AnchorUnreadable as unreadable:
        alert_administrators(str(unreadable))
        raise
    if not verdict.intact:
        alert_administrators(verdict.describe())
        raise AuditTrailBroken(verdict.describe())
    return {
        "sealed": sealed,
        "verified": verdict.checked,
        "head_position": verdict.head.position,
        "head_hash": verdict.head.hash,
    }


def _alert_once(message: str) -> None:
    """Alert administrators unless they were already told exactly this (the sealing job
    runs every five minutes)."""
    told = db.session.scalar(
        sa.select(Notification.id).where(Notification.message == message[:500]).limit(1)
    )
    if told is None:
        alert_administrators(message)


def alert_administrators(message: str) -> int:
    """Tell every active administrator, and commit, so the alert outlives the failed run."""
    administrators = db.session.scalars(
        sa.select(User.id)
        .join(UserRole)
        .where(UserRole.role == Role.ADMINISTRATOR, User.active.is_(True))
    ).all()
    for user_id in administrators:
        db.session.add(Notification(user_id=user_id, message=message[:500], link="/admin/audit"))
    db.session.commit()
    log.error("%s (%d administrators notified)", message, len(administrators))
    return len(administrators)

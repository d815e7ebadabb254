"""Queries behind the admin pages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import AuditEvent, Case, Household, SchedulerHeartbeat, User
from crm.timeutil import utcnow


def audit_search(
    user: str | None = None,
    action: str | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> sa.Select:
    """Audit entries matching the filters, newest first."""
    query = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if user:
        query = query.join(User, AuditEvent.user_id == User.id).where(
            User.email.contains(user.strip().lower(), autoescape=True)
        )
    if action:
        query = query.where(AuditEvent.action == action)
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type.strip())
    if entity_id:
        query = query.where(AuditEvent.entity_id == entity_id.strip())
    if date_from:
        query = query.where(AuditEvent.at >= datetime.combine(date_from, time.min))
    if date_to:
        query = query.where(AuditEvent.at < datetime.combine(date_to + timedelta(days=1), time.min))
    return query


def users_by_name() -> sa.Select:
    return sa.select(User).order_by(User.active.desc(), User.full_name)


#: A scheduler that has not said it is alive for this long has stopped.
HEARTBEAT_STALE = timedelta(minutes=5)


def scheduler_heartbeats() -> list[SchedulerHeartbeat]:
    """Each scheduler process heard from in the last day, the latest first."""
    since = utcnow() - timedelta(days=1)
    return db.session.scalars(
        sa.select(SchedulerHeartbeat)
        .where(SchedulerHeartbeat.beat_at >= since)
        .order_by(SchedulerHeartbeat.beat_at.desc())
    ).all()


def records_still_held(entries, pages) -> set[tuple[str, str]]:
    """Which (type, id) of these audit entries' records still exist (erased ones do not)."""
    models = {"Case": Case, "Household": Household, "User": User}
    held = set()
    for kind in pages:
        ids = {
            int(e.entity_id)
            for e in entries
            if e.entity_type == kind and (e.entity_id or "").isdigit()
        }
        if ids:
            model = models[kind]
            found = db.session.scalars(sa.select(model.id).where(model.id.in_(ids)))
            held |= {(kind, str(i)) for i in found}
    return held

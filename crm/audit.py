"""Audit trail of who saw and changed what (UK GDPR special category data).

Changes are captured in one place, a session `after_flush` listener, so no
view, job or importer can forget to audit a write; the audit rows go into the
same transaction, so a rolled-back change leaves no trail and a committed one
always has one; each entry's time is the database's (`AuditEvent.at`). Reads are
recorded explicitly with `record_view`, because only the view knows that a
person's record was shown to someone.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.formatting import uk_datetime
from crm.models.audit import AuditAction, AuditEvent

REDACTED = "[redacted]"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    ip_address: str | None = None


_actor_override: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)
_suspended: ContextVar[bool] = ContextVar("audit_suspended", default=False)


@contextlib.contextmanager
def acting_as(name: str, user_id: int | None = None) -> Iterator[None]:
    """Attribute writes outside a request (CLI, jobs, imports) to a named actor."""
    token = _actor_override.set(Actor(user_id=user_id, name=name))
    try:
        yield
    finally:
        _actor_override.reset(token)


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """Skip per-row change auditing; only for generating demo or benchmark data."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def current_actor() -> Actor:
    override = _actor_override.get()
    if override is not None:
        return override
    if has_request_context():
        ip = request.remote_addr
        if current_user and current_user.is_authenticated:
            return Actor(current_user.id, "user", ip)
        return Actor(None, "anonymous", ip)
    return Actor(None, "system")


def record(
    action: AuditAction,
    entity_type: str,
    entity_id: Any = None,
    summary: str | None = None,
    changes: dict | None = None,
    user_id: int | None = None,
) -> AuditEvent:
    """Add one audit entry to the session (committed with the caller's work)."""
    actor = current_actor()
    entry = AuditEvent(
        user_id=user_id if user_id is not None else actor.user_id,
        actor=actor.name,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        summary=_clip(summary),
        changes=changes,
        ip_address=actor.ip_address,
    )
    db.session.add(entry)
    return entry


def record_view(obj: Any) -> AuditEvent:
    """Note that the current user was shown a personal record. Pages record it once the
    page is made and commit before sending it: a page that failed was not seen, and
    committing first expired every object the page then read again (two more queries
    a page)."""
    return record(AuditAction.VIEWED, type(obj).__name__, _primary_key(obj), _label(obj))


def _clip(text: str | None, length: int = 255) -> str | None:
    if text is None or len(text) <= length:
        return text
    return text[: length - 1] + "…"


def _primary_key(obj: Any) -> Any:
    # Read from the instance: inside after_flush a new row has its key but no identity yet.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    if any(part is None for part in key):
        return None
    return key[0] if len(key) == 1 else "/".join(map(str, key))


def _label(obj: Any) -> str | None:
    attribute = getattr(type(obj), "__audit_label__", None)
    return str(getattr(obj, attribute)) if attribute else None


def plain(value: Any) -> Any:
    """A JSON-safe rendering of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):  # a booking's time of day too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _column_changes(obj: Any, created: bool) -> dict[str, list[Any]]:
    """{field: [before, after]} for each column the flush wrote."""
    # Secrets, and special category data (which its subject may still see exported).
    redact = getattr(type(obj), "__audit_redact__", frozenset()) | getattr(
        type(obj), "__special_category__", frozenset()
    )
    ignore = getattr(type(obj), "__audit_ignore__", frozenset())
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in ignore:
            continue
        history = state.attrs[attr.key].history
        if created:
            after = getattr(obj, attr.key)
            if after is None:
                continue
            before = None
        elif history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
        else:
            continue
        if attr.key in redact:
            changes[attr.key] = [REDACTED if before is not None else None, REDACTED]
        else:
            changes[attr.key] = [plain(before), plain(after)]
    version_column = state.mapper.version_id_col
    if changes and not created and version_column is not None:
        # The mapper bumps the version inside the flush, out of attribute history;
        # record it so that a stale form can ask what changed since its version.
        version = getattr(obj, state.mapper.get_property_by_column(version_column).key)
        changes.setdefault("version", [version - 1, version])
    return changes


def _after_flush(session: Session, _flush_context: Any) -> None:
    if _suspended.get():
        return
    rows = []
    for action, objects in (
        (AuditAction.CREATED, session.new),
        (AuditAction.CHANGED, session.dirty),
        (AuditAction.DELETED, session.deleted),
    ):
        for obj in objects:
            if isinstance(obj, AuditEvent) or not hasattr(type(obj), "__table__"):
                continue
            if not getattr(type(obj), "__audited__", True):
                continue  # bookkeeping whose events are audited in their own words
            if action is AuditAction.DELETED:
                changes = None
            else:
                changes = _column_changes(obj, created=action is AuditAction.CREATED)
                if not changes:
                    continue
            rows.append(_row(action, obj, changes))
    if rows:
        session.connection().execute(sa.insert(AuditEvent.__table__), rows)


def _row(action: AuditAction, obj: Any, changes: dict | None) -> dict[str, Any]:
    actor = current_actor()
    return {
        "user_id": actor.user_id,
        "actor": actor.name,
        "action": action,
        "entity_type": type(obj).__name__,
        "entity_id": str(_primary_key(obj)),
        "summary": _clip(_label(obj)),
        "changes": changes,
        "ip_address": actor.ip_address,
    }


def _keep_old_value(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
    return value


def register_audit_listeners() -> None:
    """Attach the listeners once per process (create_app may run many times).

    `active_history` makes SQLAlchemy load a column's old value before it is
    overwritten, even when a commit had expired it; without it the trail
    would show "before: none" for any field set without being read first.
    """
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    for mapper in db.Model.registry.mappers:
        if mapper.class_ is AuditEvent:
            continue
        for attr in mapper.column_attrs:
            column = getattr(mapper.class_, attr.key)
            if not event.contains(column, "set", _keep_old_value):
                event.listen(column, "set", _keep_old_value, active_history=True, retval=True)


def _words(words: dict[str, str], name: str) -> str:
    return words.get(name) or name.replace("_", " ").removesuffix(" id")


def edits_since(obj: Any, version: int | str | None, fields: Iterable[str]) -> list[str]:
    """What others changed in `fields` of `obj` after the version a form was opened on,
    in words ("Sam Social changed panel booked for at 14:02"), from the audit trail.

    Empty when nothing the form edits has changed, so unrelated updates (a call
    logged on the case, say) never block a save."""
    try:
        loaded = int(version or 0)
    except ValueError:
        loaded = 0
    if loaded >= obj.version:
        return []
    fields_words = fields if isinstance(fields, dict) else {}
    fields = set(fields)
    entries = db.session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.entity_type == type(obj).__name__,
            AuditEvent.entity_id == str(obj.id),
            AuditEvent.action == AuditAction.CHANGED,
        )
        .order_by(AuditEvent.id)
    )
    found = []
    for entry in entries:
        changes = entry.changes or {}
        bumped = changes.get("version")
        if not bumped or (bumped[1] or 0) <= loaded:
            continue
        clashing = sorted(fields & set(changes))
        if clashing:
            who = entry.user.full_name if entry.user else entry.actor
            what = ", ".join(_words(fields_words, name) for name in clashing)
            found.append(f"{who} changed {what} at {uk_datetime(entry.at)}")
    return found

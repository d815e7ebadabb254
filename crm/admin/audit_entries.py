"""The audit log as a person reads it: what changed in words and the UK way, a link to
the record where it still exists, and none of the bookkeeping (versions, search keys,
the placeholder a new case's reference has for a moment, the trail's own seals)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import url_for

from crm.audit import REDACTED
from crm.formatting import uk_date
from crm.models import AuditAction, AuditEvent

#: Fields that are the system's bookkeeping, not anything a person changed.
INTERNAL = frozenset(
    {
        "version",
        "phone_key",
        "search_name",
        "name_sounds",
        "created_at",
        "updated_at",
        "recorded_at",
        "last_activity_date",
        "session_token",
        "totp_last_step",
    }
)
#: Where each kind of record is shown, when it still exists.
PAGES = {
    "Case": ("cases.show", "case_id"),
    "Household": ("households.show", "household_id"),
    "User": ("admin.edit_user", "user_id"),
}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def words(name: str) -> str:
    """'first_contact_date' -> 'first contact date'; 'owner_id' -> 'owner';
    'StageEvent' -> 'stage event'."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).replace("_", " ").lower()
    return spaced.removesuffix(" id")


def shown(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True or value is False:
        return "yes" if value else "no"
    if isinstance(value, str):
        if value.startswith("pending-"):
            return "(being made)"
        if value == REDACTED:
            return "(hidden)"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return uk_date(date.fromisoformat(value))
        return value.replace("_", " ") if re.fullmatch(r"[a-z_]+", value) else value
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    return str(value)


def changes(entry: AuditEvent) -> list[Change]:
    """Each field a person changed; a new record's fields with no "before"."""
    created = entry.action is AuditAction.CREATED
    return [
        Change(words(name), "" if created else shown(pair[0]), shown(pair[1]))
        for name, pair in (entry.changes or {}).items()
        if name not in INTERNAL and isinstance(pair, list) and len(pair) == 2
    ]


def record_link(entry: AuditEvent, existing: set[tuple[str, str]]) -> str | None:
    """The record's page, when it has one and the record still exists."""
    page = PAGES.get(entry.entity_type)
    if page is None or (entry.entity_type, entry.entity_id) not in existing:
        return None
    endpoint, argument = page
    return url_for(endpoint, **{argument: int(entry.entity_id)})

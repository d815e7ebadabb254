"""One-time sign-in links for applicants (issue 35, item 1).

A link carries a 256-bit random token; the email also gives a short code for someone
who would rather type it. Hearth keeps only their SHA-256 digests (as staff invitations
do, crm/auth/invitations.py): a copy of the database opens no one's page. A link works
once, for DOOR_LINK_MINUTES, and a newer link for the same case replaces any older one.

Nothing here tells whether an address is known: asking for a link answers the same
page whatever was typed, the email goes out after the answer (crm/door/views.py), and an
address with no open case is sent nothing. Asking is limited per network by the app's
rate limiter; per address, at most LINKS_PER_HOUR links are sent for one case an hour
(more are silently not sent, so the limit says nothing either); a typed code is slowed
per address and network by the staff sign-in's own throttle (crm/auth/throttle.py).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from crm import audit
from crm.auth import throttle
from crm.extensions import db
from crm.models import AuditAction, Case, DoorLink
from crm.timeutil import utcnow

#: Links sent for one case in an hour, at most.
LINKS_PER_HOUR = 3
#: The code's letters: no 0/O or 1/I to misread.
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ACTOR = "applicant (their own page)"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())[:20]


def case_for_email(email: str) -> Case | None:
    """The case a link for `email` signs in to: the newest case with that email (an
    applicant who came back has a newer case than their closed one)."""
    email = email.strip().lower()[:254]
    if not email or "@" not in email:
        return None
    return db.session.scalar(
        sa.select(Case).where(Case.email == email).order_by(Case.id.desc()).limit(1)
    )


def new_link(case: Case) -> tuple[str, str] | None:
    """A new link for `case`: (token, code), or None when LINKS_PER_HOUR have been sent
    for it in the last hour. Older unused links stop working. Does not commit."""
    now = utcnow()
    sent = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(DoorLink)
        .where(DoorLink.case_id == case.id, DoorLink.created_at > now - timedelta(hours=1))
    )
    if sent >= LINKS_PER_HOUR:
        return None
    db.session.execute(
        sa.update(DoorLink)
        .where(DoorLink.case_id == case.id, DoorLink.used_at.is_(None), DoorLink.expires_at > now)
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    code = "".join(secrets.choice(CODE_LETTERS) for _ in range(8))
    minutes = current_app.config["DOOR_LINK_MINUTES"]
    db.session.add(
        DoorLink(
            case_id=case.id,
            token_hash=digest(token),
            code_hash=digest(code),
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    return token, f"{code[:4]}-{code[4:]}"


def _usable(link: DoorLink | None) -> DoorLink | None:
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    return link


def open_link(token: str) -> DoorLink | None:
    """The link this token opens: unused and unexpired."""
    if not token or len(token) > 100:
        return None
    return _usable(
        db.session.scalar(sa.select(DoorLink).where(DoorLink.token_hash == digest(token)))
    )


class CodeRefused(Exception):
    """Too many wrong codes for this email from this network: wait."""


def open_code(email: str, code: str, address: str) -> DoorLink | None:
    """The link whose code this is, for a case with this email; a wrong code counts as a
    failed sign-in for the email and network (crm.auth.throttle), which waits as staff
    sign-ins do. Raises CodeRefused while they must wait."""
    email = email.strip().lower()[:254]
    if throttle.refusal(email, address) is not None:
        raise CodeRefused
    code = normalise_code(code)
    link = None
    if code:
        link = _usable(
            db.session.scalar(
                sa.select(DoorLink)
                .join(Case, Case.id == DoorLink.case_id)
                .where(Case.email == email, DoorLink.code_hash == digest(code))
                .order_by(DoorLink.id.desc())
                .limit(1)
            )
        )
    if link is None:
        throttle.note_failure(email, address, None)
        return None
    throttle.forget(email, address)
    return link


def spend(link: DoorLink) -> Case:
    """Use the link up and say who signed in. Does not commit."""
    link.used_at = utcnow()
    case = link.case
    with audit.acting_as(ACTOR):
        audit.record(
            AuditAction.LOGGED_IN, "Case", case.id, f"{case.reference}: applicant signed in"
        )
    return case

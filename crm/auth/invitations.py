"""Invitations: a new member of staff sets their own password through a one-time link
(issue 32, item 8), so nobody else ever knows it, not even the administrator who added
them. Where their role needs a second factor, they set that up straight after
(crm.auth.two_step_views sends them there before anything else).

The link is the only copy of its token: Hearth keeps its SHA-256 (a token of 256 random
bits needs no slow hash), so a copy of the database opens no account. It works once,
for INVITATION_DAYS, and a newer link for the same person replaces any older one.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import url_for

from crm import audit
from crm.auth.services import change_password
from crm.extensions import db
from crm.models import AuditAction, Invitation, User
from crm.timeutil import utcnow

INVITATION_DAYS = 3


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(user: User, by: User | None) -> str:
    """A new one-time address for `user` to set their password at; older unused ones
    stop working. Audited; does not commit."""
    now = utcnow()
    db.session.execute(
        sa.update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        Invitation(
            user=user,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
            created_by=by,
        )
    )
    audit.record(AuditAction.CHANGED, "User", user.id, f"{user.email}: invitation link made")
    return url_for("auth.accept_invitation", token=token, _external=True)


def open_invitation(token: str) -> Invitation | None:
    """The invitation this token opens: unused, unexpired, for an active account."""
    if not token or len(token) > 100:
        return None
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == _digest(token))
    )
    if invitation is None or invitation.used_at is not None:
        return None
    if invitation.expires_at <= utcnow() or not invitation.user.active:
        return None
    return invitation


def accept(invitation: Invitation, password: str) -> User:
    """Set the person's own password and spend the link. Does not commit."""
    invitation.used_at = utcnow()
    user = invitation.user
    change_password(user, password)
    audit.record(
        AuditAction.CHANGED, "User", user.id, f"{user.email}: own password set by invitation"
    )
    return user

"""Signing in: the checks behind the login form."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from crm import audit
from crm.auth.passwords import hash_password, needs_rehash, verify_password
from crm.extensions import db, login_manager
from crm.models import AuditAction, Role, User, UserRole
from crm.timeutil import utcnow


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials belong to, or None, without saying which part failed.

    Repeated failures lock the account for a while; a locked, inactive or
    unknown account costs the same hashing time as a wrong password.
    """
    user = find_user(email)
    now = utcnow()
    locked = user is not None and user.locked_until is not None and user.locked_until > now
    ok = verify_password(user.password_hash if user else None, password)
    if user is None:
        audit.record(AuditAction.LOGIN_FAILED, "User", summary=normalise_email(email)[:254])
        return None
    if not ok or locked or not user.active:
        _note_failure(user)
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(AuditAction.LOGGED_IN, "User", user.id, user.email, user_id=user.id)
    return user


def _note_failure(user: User) -> None:
    config = current_app.config
    user.failed_logins += 1
    if user.failed_logins >= config["LOGIN_LOCKOUT_THRESHOLD"]:
        user.locked_until = utcnow() + timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
    audit.record(AuditAction.LOGIN_FAILED, "User", user.id, user.email)


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end the user's other sessions."""
    user.password_hash = hash_password(new_password)
    user.end_other_sessions()


def create_user(email: str, full_name: str, password: str, roles) -> User:
    user = User(
        email=normalise_email(email),
        full_name=full_name.strip(),
        password_hash=hash_password(password),
    )
    user.set_roles(set(roles))
    db.session.add(user)
    return user


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Sessions carry the user's session token, so rotating it signs them out."""
    user = db.session.scalar(sa.select(User).where(User.session_token == session_token))
    return user if user is not None and user.active else None


def staff_choices(role: Role) -> list[tuple[str, str]]:
    """(id, name) of active users holding `role`, for choosing who does the work."""
    users = db.session.scalars(
        sa.select(User)
        .join(UserRole)
        .where(UserRole.role == role, User.active.is_(True))
        .order_by(User.full_name)
    )
    return [(str(u.id), u.full_name) for u in users]

"""Signing in: the checks behind the login form."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, session
from sqlalchemy.orm import joinedload

from crm import audit
from crm.auth import throttle
from crm.auth.passwords import (
    hash_password,
    needs_rehash,
    unusable_password_hash,
    verify_password,
)
from crm.extensions import db, login_manager
from crm.models import AuditAction, Role, User, UserRole
from crm.timeutil import utcnow


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


#: What the audit trail says for an email box that names no account: what was typed
#: there is never kept, since it may be the password typed into the wrong box.
NO_ACCOUNT = "(an email address with no account)"
#: When this session signed in (seconds since the epoch); see load_user.
SIGNED_IN_AT_KEY = "signed_in_at"


class SignInRefused(Exception):
    """Not tried now: too many failures for this email from this address."""

    def __init__(self, message: str):
        super().__init__(message)


def authenticate(email: str, password: str, address: str = "unknown") -> User | None:
    """The user these credentials belong to, or None, without saying which part failed.

    Repeated failures for an email from one network address make that pair wait
    (crm.auth.throttle): raised as SignInRefused, saying until when, before any
    password is checked. An inactive or unknown account costs the same hashing
    time as a wrong password. A right password does not yet sign anyone in, nor
    clear the waits: `complete_sign_in` does, after any second factor.
    """
    email = normalise_email(email)[:254]
    refuse_while_waiting(email, address)
    user = find_user(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        throttle.note_failure(email, address, user)
        audit.record(
            AuditAction.LOGIN_FAILED, "User", user.id if user else None,
            user.email if user else NO_ACCOUNT,
        )  # fmt: skip
        return None
    if user.sso_subject and current_app.config.get("OIDC_ISSUER"):
        # Linked to the council's account: a leaver disabled there must not get in here.
        raise SignInRefused(
            "Your account signs in through the council: use “Sign in with your council account”."
        )
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def refuse_while_waiting(email: str, address: str) -> None:
    """Raise SignInRefused while this email must wait before trying from this address."""
    waiting = throttle.refusal(email, address)
    if waiting is not None:
        user = find_user(email)
        who = user.email if user else NO_ACCOUNT
        audit.record(AuditAction.LOGIN_FAILED, "User", summary=f"{who}: waiting")
        raise SignInRefused(waiting.message(utcnow()))


def second_factor_failed(user: User, address: str) -> None:
    """A wrong authenticator or recovery code counts like a wrong password."""
    throttle.note_failure(user.email, address, user)
    audit.record(AuditAction.LOGIN_FAILED, "User", user.id, f"{user.email}: wrong code")


def complete_sign_in(user: User, how: str, address: str = "unknown") -> None:
    """Record a finished sign-in (`how`: "password", "password and authenticator", ...)."""
    throttle.forget(user.email, address)
    user.last_login_at = utcnow()
    audit.record(AuditAction.LOGGED_IN, "User", user.id, f"{user.email} ({how})", user_id=user.id)


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end the user's other sessions."""
    user.password_hash = hash_password(new_password)
    user.end_other_sessions()


#: How long one check of a user's password holds its place: far longer than a hash
#: takes, short enough that a worker that died mid-check blocks nobody for long.
CHECK_HOLD = timedelta(seconds=30)


@contextmanager
def one_password_check(user: User) -> Iterator[None]:
    """Hash for this user only while no other request is hashing for them.

    Each check is a slow Argon2 hash (64 MiB): several at once for one person only
    tie up the workers. The claim is committed at once, so every worker sees it;
    a second check meanwhile is refused (SignInRefused) without hashing. The
    release goes with the caller's commit."""
    now = utcnow()
    claimed = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(
                User.password_check_started_at.is_(None),
                User.password_check_started_at < now - CHECK_HOLD,
            ),
        )
        .values(password_check_started_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        raise SignInRefused("Your password is being checked already. Wait for that answer.")
    try:
        yield
    finally:
        user.password_check_started_at = None


def change_own_password(user: User, current: str, new: str, address: str) -> bool:
    """Set a new password when `current` is right; False when it is not.

    A wrong current password counts like a failed sign-in for this email and
    address (crm.auth.throttle): guessing waits in the same way. Does not commit."""
    refuse_while_waiting(user.email, address)
    with one_password_check(user):
        if not verify_password(user.password_hash, current):
            throttle.note_failure(user.email, address, user)
            audit.record(
                AuditAction.LOGIN_FAILED, "User", user.id, f"{user.email}: wrong current password"
            )
            return False
        change_password(user, new)
    return True


def create_user(email: str, full_name: str, password: str | None, roles) -> User:
    """A new account; with no password, nobody can sign in to it until its owner sets
    one (crm.auth.invitations)."""
    user = User(
        email=normalise_email(email),
        full_name=full_name.strip(),
        password_hash=hash_password(password) if password else unusable_password_hash(),
    )
    user.set_roles(set(roles))
    db.session.add(user)
    return user


def _past_its_lifetime() -> bool:
    """True when this session signed in longer ago than SESSION_MAX_HOURS (or never
    said when): activity keeps a session from idling out, but not for ever."""
    started = session.get(SIGNED_IN_AT_KEY)
    limit = current_app.config["SESSION_MAX_LIFETIME"].total_seconds()
    return not isinstance(started, int) or time.time() - started > limit


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Sessions carry the user's session token, so rotating it (signing out, a new
    password or new roles) ends them on the server; no session outlives its lifetime."""
    if _past_its_lifetime():
        return None
    query = (  # with the roles every request's access check reads: one query, not two
        sa.select(User)
        .where(User.session_token == session_token)
        .options(joinedload(User.role_grants))
    )
    user = db.session.scalars(query).unique().one_or_none()
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

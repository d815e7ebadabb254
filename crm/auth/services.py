"""Signing in: the checks behind the login form."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from crm import audit
from crm.auth import throttle
from crm.auth.passwords import hash_password, needs_rehash, verify_password
from crm.extensions import db, login_manager
from crm.models import AuditAction, Role, User, UserRole
from crm.timeutil import utcnow


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


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
        audit.record(AuditAction.LOGIN_FAILED, "User", user.id if user else None, email)
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
        audit.record(AuditAction.LOGIN_FAILED, "User", summary=f"{email}: waiting")
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

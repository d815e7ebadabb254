"""A sign-in half done: the password was right, the second factor is still to come.

Kept in the signed session cookie for five minutes, naming the user by their
session token, so a password change in between ends it too.
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from flask import session

from crm.extensions import db
from crm.models import User

KEY = "pending_sign_in"
METHOD_KEY = "signed_in_with"
LIFETIME_SECONDS = 5 * 60


def begin(user: User, next_page: str | None) -> None:
    session[KEY] = {"token": user.session_token, "next": next_page, "at": int(time.time())}


def user() -> User | None:
    """The user half signed in, while the five minutes last and the account is active."""
    waiting = session.get(KEY)
    if not isinstance(waiting, dict) or time.time() - waiting.get("at", 0) > LIFETIME_SECONDS:
        session.pop(KEY, None)
        return None
    found = db.session.scalar(sa.select(User).where(User.session_token == waiting.get("token")))
    return found if found is not None and found.active else None


def finish() -> str | None:
    """End the half-done sign-in; where the person was going."""
    waiting = session.pop(KEY, None) or {}
    return waiting.get("next")

"""A sign-in half done: the password (or the council's sign-in) was right, the second
factor is still to come.

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
#: Signed in through the council, whose provider said it took two steps itself.
SSO_WITH_MFA = "sso+mfa"
LIFETIME_SECONDS = 5 * 60


def begin(user: User, next_page: str | None, how: str = "password") -> None:
    """Start waiting for the code, in a session emptied of anything from before (a
    session someone else planted in this browser brings nothing along)."""
    session.clear()
    session[KEY] = {
        "token": user.session_token,
        "next": next_page,
        "how": how,
        "at": int(time.time()),
    }


def user() -> User | None:
    """The user half signed in, while the five minutes last and the account is active."""
    waiting = session.get(KEY)
    if not isinstance(waiting, dict) or time.time() - waiting.get("at", 0) > LIFETIME_SECONDS:
        session.pop(KEY, None)
        return None
    found = db.session.scalar(sa.select(User).where(User.session_token == waiting.get("token")))
    return found if found is not None and found.active else None


def how() -> str:
    """How the first step was taken: "password" or "single sign-on"."""
    waiting = session.get(KEY)
    return str(waiting.get("how") or "password") if isinstance(waiting, dict) else "password"


def finish() -> str | None:
    """End the half-done sign-in; where the person was going."""
    waiting = session.pop(KEY, None) or {}
    return waiting.get("next")

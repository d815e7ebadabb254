"""Slowing password guessing without letting anyone lock an officer out of work.

Failures are counted per email typed and per network address. After
SIGN_IN_FREE_ATTEMPTS, that pair must wait before trying again, one minute at
first and twice as long after each further failure, up to an hour; the page
says truthfully until when. Someone guessing from elsewhere never blocks the
account's owner at their own desk; an unknown email is slowed exactly like a
known one, so the wait says nothing about who has an account. The owner is told
when their account starts being slowed, and an administrator can clear it.

The email typed is kept only as a keyed digest: it may be the password typed
into the wrong box, and such text is never stored (issue 29).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from crm.extensions import db
from crm.formatting import uk_datetime
from crm.models import Notification, SignInThrottle, User
from crm.timeutil import to_uk, utcnow

#: Failures older than this are forgotten.
MEMORY = timedelta(hours=24)


def wait_after(failures: int, free: int, first: int, longest: int) -> timedelta:
    """How long a pair waits after its `failures`-th failure in a row."""
    if failures < free:
        return timedelta(0)
    return timedelta(minutes=min(first * 2 ** (failures - free), longest))


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is not tried now, and when it can be."""

    until: datetime

    def message(self, now: datetime) -> str:
        minutes = max(1, round((self.until - now).total_seconds() / 60))
        return (
            "Too many failed sign-ins for this email address from this network. "
            f"Try again after {to_uk(self.until):%H:%M} (in about {minutes} minute"
            f"{'s' if minutes != 1 else ''}), or ask an administrator to clear it."
        )


def _key(email: str) -> str:
    """The digest a typed email is counted under: keyed with SECRET_KEY, so what was
    typed cannot be read back from it."""
    secret = current_app.config["SECRET_KEY"].encode()
    typed = email.strip().lower().encode()
    return hmac.new(secret, b"sign-in-throttle:" + typed, hashlib.sha256).hexdigest()


def _pair(email: str, address: str) -> SignInThrottle | None:
    return db.session.scalar(
        sa.select(SignInThrottle).where(
            SignInThrottle.email == _key(email), SignInThrottle.address == address
        )
    )


def refusal(email: str, address: str) -> Refusal | None:
    """A Refusal while this email must wait at this address, else None."""
    pair = _pair(email, address)
    now = utcnow()
    if pair is not None and pair.wait_until is not None and pair.wait_until > now:
        return Refusal(pair.wait_until)
    return None


def note_failure(email: str, address: str, user: User | None) -> None:
    """Count a failure for the pair and set its wait; tell the owner (once, when the
    waits begin) that someone is failing to sign in as them. Does not commit."""
    config, now = current_app.config, utcnow()
    pair = _pair(email, address)
    if pair is None:
        pair = SignInThrottle(email=_key(email), address=address, failures=0, last_failed_at=now)
        db.session.add(pair)
    elif now - pair.last_failed_at > MEMORY:
        pair.failures = 0
    pair.failures += 1
    pair.last_failed_at = now
    wait = wait_after(
        pair.failures,
        config["SIGN_IN_FREE_ATTEMPTS"],
        config["SIGN_IN_FIRST_WAIT_MINUTES"],
        config["SIGN_IN_LONGEST_WAIT_MINUTES"],
    )
    pair.wait_until = now + wait if wait else None
    if user is not None and pair.failures == config["SIGN_IN_FREE_ATTEMPTS"]:
        db.session.add(
            Notification(
                user=user,
                message=(
                    f"{pair.failures} failed sign-ins to your account from network address "
                    f"{address} by {uk_datetime(now)}; further tries from there "
                    "are slowed. If this was not you, tell your administrator."
                ),
            )
        )


def forget(email: str, address: str | None = None) -> int:
    """Clear the waits for an email (from one address, or all): after a successful
    sign-in there, or when an administrator clears them. Does not commit."""
    query = sa.delete(SignInThrottle).where(SignInThrottle.email == _key(email))
    if address is not None:
        query = query.where(SignInThrottle.address == address)
    return db.session.execute(query).rowcount or 0


def waiting(email: str) -> list[SignInThrottle]:
    """The addresses this email must wait at now (for an administrator to see)."""
    return list(
        db.session.scalars(
            sa.select(SignInThrottle)
            .where(SignInThrottle.email == _key(email), SignInThrottle.wait_until > utcnow())
            .order_by(SignInThrottle.wait_until.desc())
        )
    )

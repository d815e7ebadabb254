"""Password hashing with Argon2id, tuned by config (slow in production, cheap in tests)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import Flask, current_app
from zxcvbn import zxcvbn

# A hash of a random password, verified against when the account does not exist,
# so that a wrong email takes as long as a wrong password: made once, at start-up.
_DUMMY_PASSWORD = "not-a-real-password-hearth"
_DUMMY_HASH = "hearth_dummy_password_hash"


def _hasher(config=None) -> PasswordHasher:
    config = config if config is not None else current_app.config
    return PasswordHasher(
        time_cost=config["PASSWORD_HASH_TIME_COST"],
        memory_cost=config["PASSWORD_HASH_MEMORY_COST"],
        parallelism=config["PASSWORD_HASH_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def unusable_password_hash() -> str:
    """A hash of a random password nobody was told: for accounts that sign in only
    through the council's identity provider."""
    return hash_password(secrets.token_urlsafe(32))


def prepare(app: Flask) -> None:
    """Hash the dummy password once, at start-up, with the app's own parameters.

    Hashing it at each sign-in for an unknown email made that sign-in cost a hash
    and a verification, twice a known one's: the time told who has an account."""
    app.extensions[_DUMMY_HASH] = _hasher(app.config).hash(_DUMMY_PASSWORD)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash costs the same one verification."""
    hasher = _hasher()
    try:
        return (
            hasher.verify(password_hash or current_app.extensions[_DUMMY_HASH], password)
            and password_hash is not None
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash used weaker parameters than the current config."""
    return _hasher().check_needs_rehash(password_hash)


#: zxcvbn's scale: 0 too guessable ... 4 very unguessable. 3 resists an offline attack
#: on a slow hash, which is what we store.
MIN_PASSWORD_SCORE = 3


def password_problem(password: str, own: list[str] | None = None) -> str | None:
    """Why a new password will not do, or None. At least PASSWORD_MIN_LENGTH characters,
    and not guessable: zxcvbn checks it against its lists of common passwords, names and
    words, keyboard patterns, dates and repeats, and against the person's own details."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return f"Use at least {minimum} characters."
    # zxcvbn refuses more than 72 characters; a longer one is judged by its start
    # (found by the fuzz tests: a 5,000-character password was a 500).
    verdict = zxcvbn(password[:72], user_inputs=[w for w in own or [] if w])
    if verdict["score"] >= MIN_PASSWORD_SCORE:
        return None
    feedback = verdict["feedback"]
    advice = " ".join(part for part in (feedback["warning"], *feedback["suggestions"]) if part)
    return f"That password is too easy to guess. {advice}".strip()

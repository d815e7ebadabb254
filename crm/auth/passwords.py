"""Password hashing with Argon2id, tuned by config (slow in production, cheap in tests)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

# A hash of a random password, verified against when the account does not
# exist, so that a wrong email takes as long as a wrong password.
_DUMMY_PASSWORD = "not-a-real-password-hearth"


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["PASSWORD_HASH_TIME_COST"],
        memory_cost=config["PASSWORD_HASH_MEMORY_COST"],
        parallelism=config["PASSWORD_HASH_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash still costs one verification."""
    hasher = _hasher()
    try:
        return (
            hasher.verify(password_hash or hasher.hash(_DUMMY_PASSWORD), password)
            and password_hash is not None
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash used weaker parameters than the current config."""
    return _hasher().check_needs_rehash(password_hash)

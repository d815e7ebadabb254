"""A second factor for sign-in: an authenticator app's code (TOTP, RFC 6238, with
pyotp) or, when the phone is lost, one of ten single-use recovery codes.

Administrators and managers must enrol (MFA_REQUIRED_ROLES): they can see every
person's records. Staff who sign in through the council's identity provider are
asked too, unless the provider says it took two steps itself (crm.auth.oidc).
"""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup

from crm import audit
from crm.models import AuditAction, RecoveryCode, Role, User
from crm.timeutil import utcnow

ISSUER = "Hearth"
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing read two ways


def required_roles() -> frozenset[Role]:
    return frozenset(Role(value) for value in current_app.config["MFA_REQUIRED_ROLES"])


def must_enrol(user: User) -> bool:
    """True while a user whose roles need a second factor has none."""
    return not user.has_second_factor and user.has_role(*required_roles())


def new_secret() -> str:
    return pyotp.random_base32()


def setup_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code(uri: str) -> Markup:
    """The setup address as an inline SVG QR code (no image request, no script)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, title="QR code for your authenticator")
    return Markup(svg)  # noqa: S704 - segno builds the markup; the URI is our own


def _step(secret: str, code: str) -> int | None:
    """The 30-second step `code` belongs to (this one or either neighbour, for a
    phone's clock a little out), or None."""
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    for step in (now, now - 1, now + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _clean(code: str | None) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def check_code(user: User, code: str | None) -> str | None:
    """How `code` proved who this is ("authenticator" or "recovery code"), or None.

    An authenticator code is taken once: a later step only, so one read off a
    screen cannot be replayed. A recovery code is spent when used."""
    code = _clean(code)
    if not user.totp_secret or not code:
        return None
    if code.isdigit() and len(code) == 6:
        step = _step(user.totp_secret, code)
        if step is None or step <= (user.totp_last_step or -1):
            return None
        user.totp_last_step = step
        return "authenticator"
    for saved in user.recovery_codes:
        if saved.used_at is None and secrets.compare_digest(saved.code_hash, _hash(code)):
            saved.used_at = utcnow()
            return "recovery code"
    return None


def _hash(code: str) -> str:
    # Recovery codes are 50 random bits: a fast hash cannot be searched backwards.
    return hashlib.sha256(code.encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones, returned once to show."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    user.recovery_codes = [RecoveryCode(code_hash=_hash(_clean(code))) for code in codes]
    return codes


def enrol(user: User, secret: str, code: str | None) -> list[str] | None:
    """Confirm the app shows the right codes, then turn the second factor on.
    Returns the recovery codes to show once, or None when the code was wrong."""
    step = _step(secret, _clean(code))
    if step is None:
        return None
    user.totp_secret, user.totp_enrolled_at, user.totp_last_step = secret, utcnow(), step
    audit.record(AuditAction.CHANGED, "User", user.id, "second factor turned on")
    return new_recovery_codes(user)


def reset(user: User) -> None:
    """An administrator turns a lost second factor off; the user enrols again at sign-in."""
    user.totp_secret = user.totp_enrolled_at = user.totp_last_step = None
    user.recovery_codes = []
    user.end_other_sessions()
    audit.record(AuditAction.CHANGED, "User", user.id, "second factor reset by an administrator")


def unused_recovery_codes(user: User) -> int:
    return sum(1 for saved in user.recovery_codes if saved.used_at is None)

"""Users of Hearth and the roles they hold."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain.labelled import LabelledEnum
from crm.extensions import db
from crm.models.types import enum_column
from crm.timeutil import utcnow


class Role(LabelledEnum):
    RECRUITMENT_OFFICER = "recruitment_officer"
    SUPERVISING_SOCIAL_WORKER = "supervising_social_worker"
    MANAGER = "manager"
    ADMINISTRATOR = "administrator"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """A member of staff. Never deleted: cases, visits and the audit log point here."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Rotated on signing out, a new password, new roles or deactivation: every session
    # signed with the old one ends.
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Second factor for password sign-in (crm.auth.one_time_codes): an authenticator app's
    # shared secret, when it was confirmed, and the last 30-second step used, so
    # a code seen over someone's shoulder cannot be used again.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enrolled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The council identity provider's stable id for this person (crm.auth.oidc.identity_of:
    # Entra's tenant and object id, else the issuer and subject). Set only through an
    # administrator's link or when single sign-on creates the account.
    sso_subject: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    # When a request began checking this user's password (crm.auth.services): one at a time.
    password_check_started_at: Mapped[datetime | None]

    role_grants: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    __audit_redact__ = frozenset({"password_hash", "session_token", "totp_secret"})
    # Sign-in bookkeeping: the sign-in events themselves are audited instead.
    __audit_ignore__ = frozenset({"last_login_at", "totp_last_step", "password_check_started_at"})

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.role_grants)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def set_roles(self, roles: set[Role] | frozenset[Role]) -> None:
        """Replace the user's roles, keeping grants that did not change. New roles end
        the user's sessions: none carries on with what it was allowed before."""
        if self.role_grants and frozenset(roles) != self.roles:
            self.end_other_sessions()
        keep = [g for g in self.role_grants if g.role in roles]
        have = {g.role for g in keep}
        self.role_grants = keep + [UserRole(role=r) for r in sorted(roles) if r not in have]

    def end_other_sessions(self) -> None:
        self.session_token = new_session_token()

    def deactivate(self) -> None:
        self.active = False
        self.end_other_sessions()

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enrolled_at is not None


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app when it is lost.
    Only its hash is kept; the person saw the code once, when it was made."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="recovery_codes")
    __audit_redact__ = frozenset({"code_hash"})


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (sa.UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))

    user: Mapped[User] = relationship(back_populates="role_grants")


class SignInThrottle(db.Model):
    """Failed sign-ins for one email address from one network address, and until when
    that pair must wait. Keyed by the email typed (as a keyed digest: what was typed
    may be a password, crm.auth.throttle), not the account, so an unknown
    address is slowed exactly like a known one; keyed by network address too, so
    someone guessing elsewhere never keeps the account's owner out (OWASP ASVS 2.2.1)."""

    __tablename__ = "sign_in_throttles"
    __table_args__ = (sa.UniqueConstraint("email", "address"),)
    #: Each failed sign-in is audited already (LOGIN_FAILED), so these counters are not.
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    address: Mapped[str] = mapped_column(sa.String(45))
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime]
    wait_until: Mapped[datetime | None]


class Invitation(db.Model):
    """A one-time link for a member of staff to set their own password (issue 32, item 8):
    the administrator who adds them never knows it. Only the link's hash is kept; the
    link works once, until `expires_at`, and a newer one for the same person replaces it."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    __audit_redact__ = frozenset({"token_hash"})

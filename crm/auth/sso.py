"""Single sign-on through the council's identity provider (OpenID Connect, with Authlib).

Councils run Microsoft Entra ID or another OpenID Connect provider; staff sign in
with their work account and IT switches a leaver off in one place. The provider
is configured by environment (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET);
Authlib reads its discovery document, checks the ID token's signature, issuer,
audience, expiry and nonce. Hearth then decides who the person is here:

- the account already linked to the provider's subject (`sub`), else the
  account with the same email, which is then linked; a new account only when
  OIDC_CREATE_USERS is on (just-in-time creation, off by default);
- roles from the provider's claim (OIDC_ROLES_CLAIM, "roles" for Entra app
  roles or "groups") through OIDC_ROLE_MAP, re-read at every sign-in, so a
  change at the council reaches Hearth at the next sign-in; no mapped role, no
  entry. Without OIDC_ROLE_MAP, Hearth's own roles stand.

An account linked to the provider no longer signs in with a password, so
disabling someone at the council shuts them out of Hearth too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from crm import audit
from crm.auth.passwords import unusable_password_hash
from crm.auth.services import normalise_email
from crm.extensions import db
from crm.models import AuditAction, Role, User

PROVIDER = "council"
EXTENSION = "hearth_sso"


def configure(app: Flask) -> None:
    """Register the council's provider when OIDC_ISSUER is set (else SSO is off).

    One Authlib registry per app rather than one per process: it caches the
    client it builds, and each app (each test) may name another provider."""
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return
    oauth = OAuth(app)
    app.extensions[EXTENSION] = oauth
    oauth.register(
        PROVIDER,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "timeout": 10},
    )


def enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def client():
    return current_app.extensions[EXTENSION].create_client(PROVIDER)


class NotAllowed(Exception):
    """The provider vouched for this person, but Hearth will not let them in; says why."""


@dataclass(frozen=True)
class Claims:
    subject: str
    email: str
    name: str
    role_values: tuple[str, ...]

    @classmethod
    def read(cls, userinfo: Mapping, roles_claim: str) -> Claims:
        email = userinfo.get("email") or userinfo.get("preferred_username") or ""
        values = userinfo.get(roles_claim) or ()
        if isinstance(values, str):
            values = (values,)
        return cls(
            subject=str(userinfo.get("sub") or ""),
            email=normalise_email(str(email)),
            name=str(userinfo.get("name") or email),
            role_values=tuple(str(value) for value in values),
        )


def role_map(config: Mapping) -> dict[str, Role]:
    """OIDC_ROLE_MAP "Hearth.Managers=manager,Hearth.Officers=recruitment_officer"."""
    mapping = {}
    for pair in (config.get("OIDC_ROLE_MAP") or "").split(","):
        if "=" in pair:
            value, role = (part.strip() for part in pair.split("=", 1))
            mapping[value] = Role(role)
    return mapping


def roles_from(claims: Claims, mapping: Mapping[str, Role]) -> frozenset[Role]:
    return frozenset(mapping[value] for value in claims.role_values if value in mapping)


def _find(claims: Claims) -> User | None:
    linked = db.session.scalar(sa.select(User).where(User.sso_subject == claims.subject))
    if linked is not None or not claims.email:
        return linked
    return db.session.scalar(
        sa.select(User).where(User.email == claims.email, User.sso_subject.is_(None))
    )


def user_for(userinfo: Mapping) -> User:
    """The Hearth user these verified claims belong to, linked, with today's roles."""
    config = current_app.config
    claims = Claims.read(userinfo, config.get("OIDC_ROLES_CLAIM") or "roles")
    if not claims.subject:
        raise NotAllowed("The council's sign-in did not say who you are.")
    mapping = role_map(config)
    roles = roles_from(claims, mapping)
    if mapping and not roles:
        _refuse(claims, "no Hearth role at the council")
        raise NotAllowed(
            "Your council account has no Hearth role. Ask IT to add you to a Hearth group."
        )
    user = _find(claims)
    if user is None and config.get("OIDC_CREATE_USERS") and roles:
        user = _create(claims)
    if user is None:
        _refuse(claims, "no Hearth account")
        raise NotAllowed(
            "There is no Hearth account for your council account yet. Ask a Hearth "
            "administrator to add you."
        )
    if not user.active:
        _refuse(claims, "account deactivated in Hearth")
        raise NotAllowed("Your Hearth account is switched off. Ask a Hearth administrator.")
    user.sso_subject = claims.subject
    if mapping:
        user.set_roles(roles)
    return user


def _create(claims: Claims) -> User:
    user = User(
        email=claims.email,
        full_name=claims.name[:120],
        password_hash=unusable_password_hash(),
        sso_subject=claims.subject,
        active=True,
    )
    db.session.add(user)
    return user


def _refuse(claims: Claims, why: str) -> None:
    summary = f"{claims.email} (single sign-on: {why})"
    audit.record(AuditAction.LOGIN_FAILED, "User", summary=summary)

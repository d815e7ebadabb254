"""Single sign-on through the council's identity provider (OpenID Connect, with Authlib).

Councils run Microsoft Entra ID or another OpenID Connect provider; staff sign in
with their work account and IT switches a leaver off in one place. The provider
is configured by environment (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET);
Authlib reads its discovery document, checks the ID token's signature, issuer,
audience, expiry and nonce. Hearth then decides who the person is here, by the
provider's identity for them and never by an email address: an Entra guest or an
editable mail attribute can carry anyone's email ("nOAuth", issue 29):

- the account linked to that identity: for Entra ID the object id within the
  tenant (`oid` with `tid`, the key Microsoft says to use), else the issuer's
  subject (`iss` with `sub`);
- an existing account is linked only through a link an administrator made for it
  (`link_address`, on the user's page), opened by its owner within LINK_DAYS;
  never by a matching `email` or `preferred_username`;
- a new account only when OIDC_CREATE_USERS is on, for an email address the
  provider says it verified (`email_verified`, or Entra's `xms_edov`) that no
  account holds yet;
- roles from the provider's claim (OIDC_ROLES_CLAIM, "roles" for Entra app
  roles or "groups") through OIDC_ROLE_MAP, re-read at every sign-in, so a
  change at the council reaches Hearth at the next sign-in; no mapped role, no
  entry. Without OIDC_ROLE_MAP, Hearth's own roles stand.

Roles that need two-step sign-in (MFA_REQUIRED_ROLES) skip Hearth's own code only
when the provider says the person used more than one factor (`amr` holds "mfa",
RFC 8176); otherwise Hearth asks for its own code, as after a password.

An account linked to the provider no longer signs in with a password, so
disabling someone at the council shuts them out of Hearth too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from crm import audit
from crm.auth import one_time_codes
from crm.auth.passwords import unusable_password_hash
from crm.auth.services import normalise_email
from crm.extensions import db
from crm.models import AuditAction, Role, User

PROVIDER = "council"
EXTENSION = "hearth_sso"
#: How long an administrator's link to a council account can be used.
LINK_DAYS = 3
_LINK_SALT = "hearth-council-account-link"
_IDENTITY_LENGTH = User.sso_subject.type.length


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


def identity_of(userinfo: Mapping) -> str:
    """Who the provider says this is, as Hearth stores it (`User.sso_subject`), or ""."""
    tenant, object_id = (str(userinfo.get(claim) or "") for claim in ("tid", "oid"))
    if tenant and object_id:
        return f"tid:{tenant} oid:{object_id}"
    issuer, subject = (str(userinfo.get(claim) or "") for claim in ("iss", "sub"))
    return f"iss:{issuer} sub:{subject}" if issuer and subject else ""


def _true(value) -> bool:
    return value is True or str(value).lower() == "true"


@dataclass(frozen=True)
class Claims:
    identity: str
    email: str
    email_verified: bool
    name: str
    role_values: tuple[str, ...]
    used_mfa: bool

    @classmethod
    def read(cls, userinfo: Mapping, roles_claim: str) -> Claims:
        email = normalise_email(str(userinfo.get("email") or ""))
        values = userinfo.get(roles_claim) or ()
        if isinstance(values, str):
            values = (values,)
        methods = userinfo.get("amr") or ()
        return cls(
            identity=identity_of(userinfo),
            email=email,
            email_verified=_true(userinfo.get("email_verified")) or _true(userinfo.get("xms_edov")),
            name=str(userinfo.get("name") or email),
            role_values=tuple(str(value) for value in values),
            used_mfa="mfa" in (methods if isinstance(methods, list | tuple) else (methods,)),
        )


def read_claims(userinfo: Mapping) -> Claims:
    return Claims.read(userinfo, current_app.config.get("OIDC_ROLES_CLAIM") or "roles")


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


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_LINK_SALT)


def link_address(user: User) -> str:
    """An address that links the next council account signing in through it to `user`.

    For its owner only: the administrator hands it over. Good for LINK_DAYS and
    for one linking: it names the account's link as it stands now, which linking
    changes. Made by an administrator's action, so audited."""
    token = _serializer().dumps({"user": user.id, "was": user.sso_subject or ""})
    audit.record(AuditAction.CHANGED, "User", user.id, f"{user.email}: council link made")
    return url_for("auth.sso_start", link=token, _external=True)


def _linked(identity: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.sso_subject == identity))


def _linking(claims: Claims, token: str, already: User | None) -> User:
    """The account an administrator's link names, while the link holds."""
    try:
        wanted = _serializer().loads(token, max_age=LINK_DAYS * 24 * 3600)
        user = db.session.get(User, int(wanted["user"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        user = wanted = None
    if user is None or (user.sso_subject or "") != wanted["was"]:
        _refuse(claims, "link not valid")
        raise NotAllowed(
            "That link to a Hearth account has expired or was used already. Ask a Hearth "
            "administrator for a new one."
        )
    if already is not None and already.id != user.id:
        _refuse(claims, f"already linked to user {already.id}")
        raise NotAllowed(
            "Your council account is linked to another Hearth account already. Ask a Hearth "
            "administrator."
        )
    return user


def user_for(claims: Claims, link: str | None = None) -> User:
    """The Hearth user these verified claims belong to, with today's roles.

    `link` is an administrator's link (`link_address`) the person came through."""
    config = current_app.config
    if not claims.identity or len(claims.identity) > _IDENTITY_LENGTH:
        raise NotAllowed("The council's sign-in did not say who you are.")
    mapping = role_map(config)
    roles = roles_from(claims, mapping)
    if mapping and not roles:
        _refuse(claims, "no Hearth role at the council")
        raise NotAllowed(
            "Your council account has no Hearth role. Ask IT to add you to a Hearth group."
        )
    user = _linked(claims.identity)
    if link:
        user = _linking(claims, link, already=user)
    elif user is None and config.get("OIDC_CREATE_USERS") and roles:
        user = _create(claims)
    if user is None:
        _refuse(claims, "no Hearth account linked")
        raise NotAllowed(
            "Your council account is not linked to a Hearth account. Ask a Hearth "
            "administrator for a link to yours (or to add you)."
        )
    if not user.active:
        _refuse(claims, "account deactivated in Hearth")
        raise NotAllowed("Your Hearth account is switched off. Ask a Hearth administrator.")
    if user.sso_subject != claims.identity:
        user.sso_subject = claims.identity
        audit.record(
            AuditAction.CHANGED, "User", user.id, f"{user.email}: linked to council account"
        )
    if mapping:
        user.set_roles(roles)
    return user


def needs_own_code(user: User, claims: Claims) -> bool:
    """True when Hearth must ask for its own second step: the user's roles need two
    steps and the provider did not say it took more than one."""
    return not claims.used_mfa and user.has_role(*one_time_codes.required_roles())


def _create(claims: Claims) -> User:
    """A new account, only for an address the provider verified that nobody here holds
    (an account with it already is linked only by an administrator)."""
    taken = db.session.scalar(sa.select(User.id).where(User.email == claims.email))
    if not claims.email or not claims.email_verified or taken is not None:
        why = "email in use" if taken is not None else "no verified email"
        _refuse(claims, f"not created: {why}")
        raise NotAllowed(
            "Hearth could not make an account for your council account. Ask a Hearth "
            "administrator to add you."
        )
    user = User(
        email=claims.email,
        full_name=claims.name[:120],
        password_hash=unusable_password_hash(),
        sso_subject=claims.identity,
        active=True,
    )
    db.session.add(user)
    return user


def _refuse(claims: Claims, why: str) -> None:
    summary = f"{claims.email or claims.identity} (single sign-on: {why})"
    audit.record(AuditAction.LOGIN_FAILED, "User", summary=summary)

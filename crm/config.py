"""Settings, read from the environment with safe defaults.

Nothing here opens a connection or touches the disk: the factory resolves the
instance-folder defaults (SQLite file, generated secret key) once it knows
where the instance folder is.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from datetime import timedelta


class Config:
    """Defaults shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY: str | None = None
    # Keys the audit trail's hash chain (else SECRET_KEY, but production needs its own).
    AUDIT_CHAIN_KEY: str | None = None
    # The file each seal and verification appends the chain's head to, outside the
    # database (crm/audit_anchor.py); default: audit-anchor.jsonl in the instance folder.
    AUDIT_ANCHOR_PATH: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    TIMEZONE = "Europe/London"

    # Sessions: HttpOnly and SameSite=Lax always; Secure when served over HTTPS.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=60)
    SESSION_REFRESH_EACH_REQUEST = True
    # However busy, a session ends this long after sign-in (SESSION_MAX_HOURS): a
    # working day and a bit, so a cookie copied from a shared desk does not last.
    SESSION_MAX_LIFETIME = timedelta(hours=10)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime already bounds the token

    # Served from the app itself: the product must work on a closed network.
    BOOTSTRAP_SERVE_LOCAL = True

    # Argon2id parameters (OWASP: m=19 MiB, t=2, p=1 is the floor; we go above it).
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_COST = 64 * 1024  # KiB
    PASSWORD_HASH_PARALLELISM = 1
    PASSWORD_MIN_LENGTH = 12
    # Sign-in throttling per email and network address (crm/auth/throttle.py): free
    # attempts, then a wait that doubles with each failure, up to a ceiling.
    SIGN_IN_FREE_ATTEMPTS = 5
    SIGN_IN_FIRST_WAIT_MINUTES = 1
    SIGN_IN_LONGEST_WAIT_MINUTES = 60
    # Roles that must use a second factor when signing in with a password
    # (crm/auth/one_time_codes.py); MFA_REQUIRED_ROLES=none in the environment turns it off.
    MFA_REQUIRED_ROLES: tuple[str, ...] = ("administrator", "manager")
    # The council whose service this is: its name on every page (the public form's header
    # shows it rather than Hearth), its logo (an image file on the server) and the web
    # address of its privacy notice, linked from the public form.
    COUNCIL_NAME: str | None = None
    COUNCIL_LOGO: str | None = None
    COUNCIL_PRIVACY_NOTICE_URL: str | None = None
    # How the public reaches the fostering team, given on the public form's thank-you
    # page (left out when unset rather than asking people to call an unknown number).
    FOSTERING_TEAM_PHONE: str | None = None
    FOSTERING_TEAM_EMAIL: str | None = None
    # The applicant's door (crm/door): how long a sign-in link works, and how long a
    # signed-in applicant may leave their page before signing in again.
    DOOR_LINK_MINUTES = 15
    DOOR_IDLE_MINUTES = 30
    # Single sign-on through the council's OpenID Connect provider (crm/auth/oidc.py);
    # off while OIDC_ISSUER is unset.
    OIDC_ISSUER: str | None = None
    OIDC_CLIENT_ID: str | None = None
    OIDC_CLIENT_SECRET: str | None = None
    OIDC_ROLES_CLAIM = "roles"
    OIDC_ROLE_MAP: str | None = None
    OIDC_CREATE_USERS = False
    OIDC_BUTTON_LABEL = "Sign in with your council account"

    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "hearth@localhost"
    # Messages to applicants and carers (crm/outreach/): "smtp" sends them through the
    # MAIL_* server above; "notify" through GOV.UK Notify, email and text messages, with
    # one generic template per channel whose personalisation is ((subject)) and ((body))
    # (the council's words are edited and kept in Hearth; see docs/outreach.md).
    OUTREACH_BACKEND = "smtp"
    NOTIFY_API_KEY: str | None = None
    NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"
    NOTIFY_EMAIL_TEMPLATE_ID: str | None = None
    NOTIFY_SMS_TEMPLATE_ID: str | None = None
    # Send a message straight after the commit that queues it (an acknowledgement in
    # seconds); the retry job sends whatever that could not.
    OUTREACH_SEND_AT_ONCE = True
    # Where staff reach Hearth, so links in emails open (HEARTH_PUBLIC_URL).
    PUBLIC_URL: str | None = "http://127.0.0.1:5000"

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Reverse proxies in front of Hearth whose X-Forwarded-For/-Proto/-Host/-Port
    # headers are believed (crm/__init__.py, docs/nginx.conf.example): exactly this many,
    # counted from Hearth outwards. 0 believes none, so a client cannot name its own
    # address; behind one TLS proxy it must be 1, or every user shares the proxy's
    # address in the sign-in waits, rate limits and audit trail.
    PROXY_HOPS = 0

    # Demo logins (flask seed-demo) are refused under the production config.
    ALLOW_DEMO_USERS = True

    PAGE_SIZE = 25
    # The dashboard reads the snapshot job's copy of the year-to-date figures while it
    # is this recent (the job refreshes it every 15 minutes); otherwise it computes.
    DASHBOARD_SNAPSHOT_MAX_AGE_MINUTES = 20
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024  # uploads; a 100,000-row tracker is about 15 MB
    # Documents on a case or household (crm/storage.py): each at most this large (a
    # scanned Form F is a few MB), kept on the local disk outside the web root
    # (DOCUMENT_FOLDER, default instance/documents) or, with DOCUMENT_STORAGE=s3, in an
    # S3-compatible bucket (boto3 must then be installed).
    DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    DOCUMENT_STORAGE = "local"
    DOCUMENT_FOLDER: str | None = None
    DOCUMENT_S3_BUCKET: str | None = None
    DOCUMENT_S3_ENDPOINT: str | None = None
    DOCUMENT_S3_REGION: str | None = None
    DOCUMENT_S3_PREFIX = "documents/"


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    # The demo's managers and administrator sign in without an authenticator app,
    # so a newcomer can try every role at once; production keeps the default.
    MFA_REQUIRED_ROLES: tuple[str, ...] = ()


class TestingConfig(Config):
    """In-memory SQLite (or TEST_DATABASE_URL), cheap hashing, no rate limits."""

    ENV_NAME = "testing"
    TESTING = True
    PUBLIC_URL = "https://hearth.test"
    SECRET_KEY = "testing-only-not-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_COST = 8
    RATELIMIT_ENABLED = False
    # Off for the suite's convenience; tests/test_csrf.py turns it on and proves
    # that every state-changing route refuses a request without a token.
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    PUBLIC_URL = None  # must be set when email is on: a guessed address would mislead
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    ALLOW_DEMO_USERS = False


# Environment variable -> (setting, parser). Read by the factory, never at import.
def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _names(value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    return () if names == ("none",) else names


def _minutes(value: str) -> timedelta:
    return timedelta(minutes=int(value))


def _hops(value: str) -> int:
    if not value.strip().isdigit():
        raise ConfigurationError(
            f"PROXY_HOPS must be the number of reverse proxies in front of Hearth "
            f"(0, 1, ...), not {value!r}"
        )
    return int(value)


def _hours(value: str) -> timedelta:
    return timedelta(hours=float(value))


ENVIRONMENT_SETTINGS: dict[str, tuple[str, object]] = {
    "SECRET_KEY": ("SECRET_KEY", str),
    "AUDIT_CHAIN_KEY": ("AUDIT_CHAIN_KEY", str),
    "AUDIT_ANCHOR_PATH": ("AUDIT_ANCHOR_PATH", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", _bool),
    "SESSION_IDLE_MINUTES": ("PERMANENT_SESSION_LIFETIME", _minutes),
    "SESSION_MAX_HOURS": ("SESSION_MAX_LIFETIME", _hours),
    "MAIL_SERVER": ("MAIL_SERVER", str),
    "MAIL_PORT": ("MAIL_PORT", int),
    "MAIL_USE_TLS": ("MAIL_USE_TLS", _bool),
    "MAIL_USERNAME": ("MAIL_USERNAME", str),
    "MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "MAIL_DEFAULT_SENDER": ("MAIL_DEFAULT_SENDER", str),
    "HEARTH_PUBLIC_URL": ("PUBLIC_URL", str),
    "RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "PROXY_HOPS": ("PROXY_HOPS", _hops),
    "DASHBOARD_SNAPSHOT_MAX_AGE_MINUTES": ("DASHBOARD_SNAPSHOT_MAX_AGE_MINUTES", int),
    "MFA_REQUIRED_ROLES": ("MFA_REQUIRED_ROLES", _names),
    "COUNCIL_NAME": ("COUNCIL_NAME", str),
    "COUNCIL_LOGO": ("COUNCIL_LOGO", str),
    "FOSTERING_TEAM_PHONE": ("FOSTERING_TEAM_PHONE", str),
    "FOSTERING_TEAM_EMAIL": ("FOSTERING_TEAM_EMAIL", str),
    "DOOR_LINK_MINUTES": ("DOOR_LINK_MINUTES", int),
    "DOOR_IDLE_MINUTES": ("DOOR_IDLE_MINUTES", int),
    "COUNCIL_PRIVACY_NOTICE_URL": ("COUNCIL_PRIVACY_NOTICE_URL", str),
    "OIDC_ISSUER": ("OIDC_ISSUER", str),
    "OIDC_CLIENT_ID": ("OIDC_CLIENT_ID", str),
    "OIDC_CLIENT_SECRET": ("OIDC_CLIENT_SECRET", str),
    "OIDC_ROLES_CLAIM": ("OIDC_ROLES_CLAIM", str),
    "OIDC_ROLE_MAP": ("OIDC_ROLE_MAP", str),
    "OIDC_CREATE_USERS": ("OIDC_CREATE_USERS", _bool),
    "OIDC_BUTTON_LABEL": ("OIDC_BUTTON_LABEL", str),
    "DOCUMENT_MAX_MB": ("DOCUMENT_MAX_BYTES", lambda mb: int(mb) * 1024 * 1024),
    "DOCUMENT_STORAGE": ("DOCUMENT_STORAGE", str),
    "DOCUMENT_FOLDER": ("DOCUMENT_FOLDER", str),
    "DOCUMENT_S3_BUCKET": ("DOCUMENT_S3_BUCKET", str),
    "DOCUMENT_S3_ENDPOINT": ("DOCUMENT_S3_ENDPOINT", str),
    "DOCUMENT_S3_REGION": ("DOCUMENT_S3_REGION", str),
    "DOCUMENT_S3_PREFIX": ("DOCUMENT_S3_PREFIX", str),
    "OUTREACH_BACKEND": ("OUTREACH_BACKEND", str),
    "NOTIFY_API_KEY": ("NOTIFY_API_KEY", str),
    "NOTIFY_BASE_URL": ("NOTIFY_BASE_URL", str),
    "NOTIFY_EMAIL_TEMPLATE_ID": ("NOTIFY_EMAIL_TEMPLATE_ID", str),
    "NOTIFY_SMS_TEMPLATE_ID": ("NOTIFY_SMS_TEMPLATE_ID", str),
    "OUTREACH_SEND_AT_ONCE": ("OUTREACH_SEND_AT_ONCE", _bool),
}


def settings_from_environment(testing: bool = False) -> dict:
    """Settings given in the environment, parsed.

    The test suite reads only TEST_DATABASE_URL, so a developer's DATABASE_URL
    can never point the suite (which empties tables) at real data.
    """
    if testing:
        url = os.environ.get("TEST_DATABASE_URL")
        return {"SQLALCHEMY_DATABASE_URI": url} if url else {}
    settings = {}
    for variable, (setting, parse) in ENVIRONMENT_SETTINGS.items():
        raw = os.environ.get(variable)
        if raw:
            settings[setting] = parse(raw)  # type: ignore[operator]
    return settings


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


class ConfigurationError(RuntimeError):
    """Raised when the app is asked to start with settings that are unsafe."""


#: SECRET_KEY values seen in examples, documentation and this code: never for production.
KNOWN_SECRET_KEYS = frozenset(
    {
        "testing-only-not-secret",
        "hearth-demo-password",
        "dev",
        "development",
        "secret",
        "secret-key",
        "secret_key",
        "changeme",
        "change-me",
        "change-this",
        "please-change-me",
        "your-secret-key",
        "supersecret",
        "password",
    }
)
SECRET_KEY_MIN_LENGTH = 32
#: The least a key's characters may carry, in bits (their Shannon entropy times their
#: number): a 32-character key of random hex carries about 120 (never under 90 in 200,000
#: tries); 40 x's carry none.
SECRET_KEY_MIN_BITS = 80


def secret_key_weakness(key: str) -> str | None:
    """Why `key` will not do as a production SECRET_KEY (None: it will). It signs the
    session cookies, so a guessable one lets anyone sign in as anyone."""
    if key.strip().lower() in KNOWN_SECRET_KEYS or "change" in key.lower():
        return "it is a known example value"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it is {len(key)} characters long; it needs at least {SECRET_KEY_MIN_LENGTH}"
    counts = Counter(key)
    bits = -sum(n * math.log2(n / len(key)) for n in counts.values())
    if bits < SECRET_KEY_MIN_BITS or key in (key + key)[1:-1]:  # or a pattern repeated
        return "it repeats a short pattern or too few different characters to be hard to guess"
    return None


def resolve_config(config: str | type[Config] | dict | None) -> type[Config] | dict:
    """Pick a config class by name (or HEARTH_ENV), or pass an object through."""
    if config is None:
        config = os.environ.get("HEARTH_ENV", "development")
    if isinstance(config, str):
        try:
            return CONFIGS[config]
        except KeyError as exc:
            raise ConfigurationError(
                f"Unknown configuration {config!r}; use one of {', '.join(CONFIGS)}"
            ) from exc
    return config

"""Hearth: foster carer recruitment CRM and retention tracker."""

from __future__ import annotations

import logging
import secrets
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from crm.config import (
    Config,
    ConfigurationError,
    resolve_config,
    secret_key_weakness,
    settings_from_environment,
)
from crm.extensions import (
    CONTENT_SECURITY_POLICY,
    bootstrap,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    talisman,
)


def create_app(
    config: str | type[Config] | dict | None = None, instance_path: str | None = None
) -> Flask:
    """Build a Hearth app.

    `config` is a config name ("development", "testing", "production"), a
    config class, or a mapping of overrides on top of the testing config. The
    factory never writes to the database or starts the scheduler.
    """
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    _load_config(app, config)
    _warn_in_development(app)
    register_request_hooks(app)  # the access rule runs before CSRF and everything else
    register_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def _load_config(app: Flask, config: str | type[Config] | dict | None) -> None:
    resolved = resolve_config(config)
    if isinstance(resolved, dict):
        app.config.from_object(resolve_config("testing"))
        app.config.update(settings_from_environment(testing=True))
        app.config.update(resolved)
    else:
        app.config.from_object(resolved)
        testing = bool(getattr(resolved, "TESTING", False))
        app.config.update(settings_from_environment(testing=testing))
    _fill_instance_defaults(app)


def _check_roles(app: Flask) -> None:
    from crm.models.user import Role

    known = {role.value for role in Role}
    config = app.config
    mapped = [
        pair.split("=", 1)[1].strip()
        for pair in (config["OIDC_ROLE_MAP"] or "").split(",")
        if "=" in pair
    ]
    for setting, names in (
        ("MFA_REQUIRED_ROLES", config["MFA_REQUIRED_ROLES"]),
        ("OIDC_ROLE_MAP", mapped),
    ):
        unknown = [name for name in names if name not in known]
        if unknown:
            raise ConfigurationError(
                f"{setting} names no such role: {', '.join(unknown)} "
                f"(roles: {', '.join(sorted(known))})"
            )
    if config["OIDC_ISSUER"] and not config["OIDC_CLIENT_ID"]:
        raise ConfigurationError("OIDC_ISSUER needs OIDC_CLIENT_ID (and OIDC_CLIENT_SECRET)")


def _check_audit_chain_key(app: Flask) -> None:
    """The audit trail's key must be its own: with SECRET_KEY's, anyone who can sign
    a session can also re-forge the trail after editing it."""
    key = app.config.get("AUDIT_CHAIN_KEY")
    if not key or key == app.config["SECRET_KEY"]:
        raise ConfigurationError(
            "Production needs AUDIT_CHAIN_KEY to be set, to a key other than SECRET_KEY "
            "(it keys the audit trail's hash chain; generate one with "
            "`python -c 'import secrets; print(secrets.token_hex(32))'` and keep it "
            "stable, as a new key fails every old link)"
        )


def _fill_instance_defaults(app: Flask) -> None:
    """Production refuses to guess; development keeps its state in instance/."""
    _check_roles(app)
    production = app.config.get("ENV_NAME") == "production"
    if production:
        missing = [k for k in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI") if not app.config.get(k)]
        if app.config.get("MAIL_SERVER") and not app.config.get("PUBLIC_URL"):
            missing.append("PUBLIC_URL")
        if missing:
            names = {
                "SECRET_KEY": "SECRET_KEY",
                "SQLALCHEMY_DATABASE_URI": "DATABASE_URL",
                "PUBLIC_URL": "HEARTH_PUBLIC_URL (for links in emails)",
            }
            raise ConfigurationError(
                "Production needs " + " and ".join(names[m] for m in missing) + " to be set"
            )
        _refuse_a_weak_secret_key(app.config["SECRET_KEY"])
        _check_audit_chain_key(app)
        return
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'hearth.db'}"
    if not app.config.get("SECRET_KEY"):
        instance.mkdir(parents=True, exist_ok=True)
        key_file = instance / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()


def register_proxy(app: Flask) -> None:
    """Believe the forwarding headers of exactly PROXY_HOPS reverse proxies.

    Behind the council's TLS proxy every request comes from the proxy's address over
    plain HTTP: the sign-in waits, rate limits and audit trail would then see one
    address for everyone (one person's failed guesses slowing every officer), and
    single sign-on would send the provider an http:// address on the wrong host.
    Each trusted proxy must overwrite the headers a client sent, not pass them on
    (docs/nginx.conf.example); with no proxy (0, the default) none is believed, so
    a client cannot choose the address it is counted under.
    """
    hops = app.config["PROXY_HOPS"]
    if isinstance(hops, bool) or not isinstance(hops, int) or hops < 0:
        raise ConfigurationError(f"PROXY_HOPS must be 0 or more, not {hops!r}")
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=0
        )
    else:
        app.before_request(_warn_once_if_forwarded)


#: Set in app.extensions once the warning below has been logged.
PROXY_WARNED = "hearth_proxy_warned"


def _warn_once_if_forwarded() -> None:
    """Say (once for each app, so once a worker) when requests seem to come through a
    proxy no one told Hearth about: behind it, everyone shares the proxy's address."""
    if "X-Forwarded-For" in request.headers and not current_app.extensions.get(PROXY_WARNED):
        current_app.extensions[PROXY_WARNED] = True
        logging.getLogger("crm").warning(
            "A request came with X-Forwarded-For, but PROXY_HOPS is 0, so Hearth believes "
            "no proxy: behind a reverse proxy every user has the proxy's address (shared "
            "sign-in waits and rate limits). Set PROXY_HOPS=1 behind one proxy "
            "(docs/nginx.conf.example); ignore this if no proxy runs and a client sent it."
        )


def _refuse_a_weak_secret_key(key: str) -> None:
    weakness = secret_key_weakness(key)
    if weakness:
        raise ConfigurationError(
            f"SECRET_KEY is too weak for production: {weakness}. It signs every session "
            "cookie. Make one with: python -c 'import secrets; print(secrets.token_hex(32))'"
        )


#: Said at start-up and shown on every page while Hearth runs as development.
DEVELOPMENT_WARNING = (
    "Hearth is running in DEVELOPMENT mode (HEARTH_ENV is not 'production'): managers and "
    "administrators sign in without two-step sign-in, cookies are not marked Secure and "
    "demo data may be seeded. Not for real data: set HEARTH_ENV=production."
)


def _warn_in_development(app: Flask) -> None:
    """Without HEARTH_ENV the app runs as development: say so loudly, unless under test."""
    if app.config.get("ENV_NAME") == "development" and not app.testing:
        logging.getLogger("crm").warning(DEVELOPMENT_WARNING)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, compare_type=True, render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the council's proxy; HSTS is sent over HTTPS
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy=PERMISSIONS_POLICY,
    )
    from crm import models  # noqa: F401  (register every table with the metadata)
    from crm.auth import oidc, passwords

    passwords.prepare(app)
    oidc.configure(app)
    from crm.audit import register_audit_listeners

    register_audit_listeners()
    from crm.clocks import judge_on_write

    judge_on_write()
    from crm.models.corrections import leave_out_voided

    leave_out_voided()
    if not sa.event.contains(sa.Engine, "connect", _sqlite_pragmas):
        sa.event.listen(sa.Engine, "connect", _sqlite_pragmas)


#: No page needs the browser's powerful features: none may be used, nor by anything
#: embedded (Permissions-Policy; issue 18).
PERMISSIONS_POLICY = {
    feature: "()"
    for feature in (
        "camera", "microphone", "geolocation", "payment", "usb", "serial", "bluetooth",
        "display-capture", "fullscreen",
    )
}  # fmt: skip


def _sqlite_pragmas(connection, _record) -> None:
    """On SQLite files: write-ahead logging, so readers never wait for a writer (several
    gunicorn workers), and wait up to 5 s for a write lock instead of failing."""
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 5000")
        if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not memory
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    from crm.admin import bp as admin_bp
    from crm.api import bp as api_bp
    from crm.auth import bp as auth_bp
    from crm.bookings import bp as bookings_bp
    from crm.cases import bp as cases_bp
    from crm.dashboard import bp as dashboard_bp
    from crm.determinations import bp as determinations_bp
    from crm.door import bp as door_bp
    from crm.door import staff_bp as door_staff_bp
    from crm.households import bp as households_bp
    from crm.main import bp as main_bp
    from crm.matching import bp as matching_bp
    from crm.panels import bp as panels_bp
    from crm.privacy import bp as privacy_bp
    from crm.public import bp as public_bp
    from crm.sufficiency import bp as sufficiency_bp
    from crm.uploads import bp as uploads_bp

    blueprints = (
        main_bp,
        auth_bp,
        admin_bp,
        cases_bp,
        households_bp,
        dashboard_bp,
        public_bp,
        uploads_bp,
        api_bp,
        privacy_bp,
        sufficiency_bp,
        matching_bp,
        bookings_bp,
        determinations_bp,
        panels_bp,
        door_bp,
        door_staff_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    from crm.documents import bp as documents_bp

    app.register_blueprint(documents_bp)


def register_errorhandlers(app: Flask) -> None:
    from crm.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from crm.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from crm.cli import register

    register(app)


#: The app's own CSS, scripts and images, and the council's logo: the only responses a
#: browser may keep.
CACHEABLE_ENDPOINTS = frozenset({"static", "bootstrap.static", "public.logo"})


def never_stored(response: Response) -> Response:
    """Every page and download may hold someone's personal data: no browser or proxy
    keeps a copy (Cache-Control: no-store), so the back button on a shared computer
    shows nothing after sign-out; only CACHEABLE_ENDPOINTS may be cached."""
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def register_request_hooks(app: Flask) -> None:
    from crm.auth.access import enforce_access

    app.before_request(enforce_access)
    app.after_request(never_stored)
    if not app.debug and not app.testing:
        logging.getLogger("crm").setLevel(logging.INFO)

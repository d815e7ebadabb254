"""Behind the council's TLS proxy each person is still their own network address.

Hearth runs behind a real nginx on loopback (tests/reverse_proxy.py, with the headers
of docs/nginx.conf.example) and PROXY_HOPS=1, as a council deploys it. Every request
then reaches Hearth from the proxy's address over plain HTTP; unless Hearth believes
exactly that one proxy's forwarding headers, one person's failed guesses would slow
every officer, the rate limits would be shared by everyone, the audit trail would
name the proxy, and single sign-on would send the provider an http:// address
(issue 29, item 2). Visitors connect from their own loopback addresses and forge
X-Forwarded-For, which the proxy overwrites.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from crm import create_app
from crm.extensions import db as _db
from crm.extensions import limiter
from crm.models import AuditAction, AuditEvent, Role, SignInThrottle
from tests.database import empty_database
from tests.factories import PASSWORD, UserFactory
from tests.reverse_proxy import behind_nginx, check_documented_configuration, require_nginx

ATTACKER, OFFICE, NEIGHBOUR = "127.0.0.2", "127.0.0.3", "127.0.0.4"
OFFICERS_EMAIL = "olive.officer@council.gov.uk"

ENQUIRY = {
    "first_name": "Priya",
    "last_name": "Shah",
    "email": "priya@example.com",
    "postcode": "LE2 7AB",
    "source": "social_media",
}


@pytest.fixture(scope="module")
def proxied(app, tmp_path_factory, identity_provider):
    """Hearth as deployed: one proxy trusted, CSRF and rate limits on, cookies Secure,
    single sign-on configured; on the suite's database (a file when it is SQLite)."""
    require_nginx()
    folder = tmp_path_factory.mktemp("proxied")
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    if database == "sqlite://":
        database = f"sqlite:///{folder / 'hearth.db'}"
    served = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "PROXY_HOPS": 1,
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": True,
            "SESSION_COOKIE_SECURE": True,
            "OIDC_ISSUER": identity_provider,
            "OIDC_CLIENT_ID": "hearth",
            "OIDC_CLIENT_SECRET": "not-so-secret",
        }
    )
    with served.app_context():
        _db.create_all()
        empty_database()
    with behind_nginx(served, folder) as proxy:
        proxy.app = served
        yield proxy
    with served.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def hearth(proxied):
    """Each test starts with fresh rate-limit counts and an empty database."""
    limiter.enabled = True
    limiter.reset()
    with proxied.app.app_context():
        yield proxied
        empty_database()


@pytest.fixture
def officer(hearth):
    return UserFactory(email=OFFICERS_EMAIL, roles=[Role.RECRUITMENT_OFFICER])


def sign_in(visitor, email, password, claimed=None):
    headers = {"X-Forwarded-For": claimed} if claimed else None
    return visitor.submit("/auth/login", {"email": email, "password": password}, headers)


def test_a_stranger_failing_as_an_officer_never_keeps_her_out_at_her_own_desk(hearth, officer):
    attacker = hearth.visitor(ATTACKER)
    for n in range(7):
        sign_in(attacker, OFFICERS_EMAIL, f"guess {n}", claimed=OFFICE)
    assert "Too many failed sign-ins" in sign_in(attacker, OFFICERS_EMAIL, PASSWORD).text
    signed_in = sign_in(hearth.visitor(OFFICE), OFFICERS_EMAIL, PASSWORD)
    assert (signed_in.status_code, signed_in.headers["Location"]) == (302, "/")


def test_failures_are_counted_under_the_address_the_proxy_saw_not_the_one_claimed(hearth, officer):
    attacker = hearth.visitor(ATTACKER)
    for n in range(3):
        sign_in(attacker, OFFICERS_EMAIL, f"guess {n}", claimed=OFFICE)
    counted = _db.session.execute(sa.select(SignInThrottle.address, SignInThrottle.failures))
    assert counted.all() == [(ATTACKER, 3)]


def test_the_sign_in_rate_limit_counts_each_address_apart(hearth):
    """10 sign-in posts a minute from one address, whatever it claims to be."""
    busy = hearth.visitor(ATTACKER)
    statuses = [
        sign_in(busy, f"person{n}@council.gov.uk", "x", claimed=f"198.51.100.{n}").status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]
    assert sign_in(hearth.visitor(OFFICE), "someone@council.gov.uk", "x").status_code == 200


def test_the_public_forms_limit_counts_each_member_of_the_public_apart(hearth):
    """5 enquiries an hour from one address; a neighbour can still send theirs."""
    busy = hearth.visitor(ATTACKER)
    statuses = [
        busy.submit("/foster-with-us/", ENQUIRY, {"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]
    sent = hearth.visitor(NEIGHBOUR).submit("/foster-with-us/", ENQUIRY)
    assert (sent.status_code, sent.headers["Location"]) == (302, "/foster-with-us/thank-you")


def test_the_audit_trail_records_the_address_the_proxy_saw(hearth, officer):
    sign_in(hearth.visitor(OFFICE), OFFICERS_EMAIL, PASSWORD, claimed="198.51.100.7")
    addresses = _db.session.scalars(
        sa.select(AuditEvent.ip_address).where(AuditEvent.action == AuditAction.LOGGED_IN)
    )
    assert addresses.all() == [OFFICE]


def test_single_sign_on_sends_the_provider_the_public_https_address(hearth):
    forged = {
        "X-Forwarded-Proto": "http",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Port": "81",
    }
    to_provider = hearth.visitor(OFFICE).get("/auth/sso", forged).headers["Location"]
    redirect_uri = parse_qs(urlsplit(to_provider).query)["redirect_uri"]
    assert redirect_uri == [f"{hearth.url}/auth/sso/callback"]
    assert hearth.url.startswith("https://127.0.0.1:") and hearth.url != hearth.app_url


def test_the_documented_configuration_is_one_nginx_accepts(tmp_path):
    checked = check_documented_configuration(tmp_path)
    assert checked.returncode == 0, checked.stderr


# Hearth reached directly, without the proxy: forwarding headers are whatever the
# client typed, so none is believed unless PROXY_HOPS says a proxy added it.


@pytest.fixture
def officer_without_proxy(db):
    return UserFactory(email=OFFICERS_EMAIL, roles=[Role.RECRUITMENT_OFFICER])


def test_without_a_proxy_a_claimed_forwarded_address_is_ignored(client, officer_without_proxy):
    for n in range(3):
        client.post(
            "/auth/login",
            data={"email": OFFICERS_EMAIL, "password": f"guess {n}"},
            headers={"X-Forwarded-For": OFFICE, "X-Forwarded-Proto": "https"},
            environ_base={"REMOTE_ADDR": ATTACKER},
        )
    counted = _db.session.execute(sa.select(SignInThrottle.address, SignInThrottle.failures))
    assert counted.all() == [(ATTACKER, 3)]


def test_one_hop_believes_only_the_address_its_proxy_added():
    """A proxy that appends to X-Forwarded-For passes on what the client wrote before
    the address it saw; with PROXY_HOPS=1 only that last address counts."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "PROXY_HOPS": 1})
    with app.app_context():
        _db.create_all()
        app.test_client().post(
            "/auth/login",
            data={"email": OFFICERS_EMAIL, "password": "guess"},
            headers={"X-Forwarded-For": f"{OFFICE}, {ATTACKER}"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        addresses = _db.session.scalars(sa.select(SignInThrottle.address)).all()
        _db.session.remove()
        _db.drop_all()
    assert addresses == [ATTACKER]


def test_a_forwarded_request_without_proxy_hops_is_reported_once(caplog):
    client = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).test_client()
    for _ in range(2):
        client.get("/auth/login", headers={"X-Forwarded-For": OFFICE})
    warnings = [r.getMessage() for r in caplog.records if "PROXY_HOPS is 0" in r.getMessage()]
    assert len(warnings) == 1

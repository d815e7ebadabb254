"""Single sign-on against a real OpenID Connect provider running in the suite
(oidc-provider-mock: Authlib's provider, signing real ID tokens), not a stub of
Hearth's own code: the whole redirect, code exchange and token check happen.

Who someone is comes from the provider's identity for them, never from an email
address it sends (issue 29: "nOAuth"); an existing account is linked only through
an administrator's link."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import requests
import sqlalchemy as sa

from crm import create_app
from crm.extensions import db as _db
from crm.models import AuditAction, AuditEvent, Role, User
from tests.conftest import RequestScopedClient, login
from tests.database import empty_database
from tests.factories import PASSWORD, TOTP_SECRET, UserFactory
from tests.identity_provider import set_claims

ROLE_MAP = "Hearth.Managers=manager,Hearth.Officers=recruitment_officer"


@pytest.fixture(scope="module")
def provider(identity_provider):
    return identity_provider


@pytest.fixture(scope="module")
def sso_app(provider):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "OIDC_ISSUER": provider,
            "OIDC_CLIENT_ID": "hearth",
            "OIDC_CLIENT_SECRET": "not-so-secret",
            "OIDC_ROLE_MAP": ROLE_MAP,
            "SERVER_NAME": "hearth.test",
        }
    )
    app.test_client_class = RequestScopedClient
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()


@pytest.fixture
def sso(sso_app):
    """A browser at Hearth, and a way to sign in at the provider as someone."""
    with sso_app.app_context():
        yield SignOn(sso_app.test_client())
        empty_database()


class SignOn:
    def __init__(self, client):
        self.client = client

    def as_person(self, provider_user: dict, next_=None, start="/auth/sso"):
        """Click "Sign in with your council account" (or open `start`, an address an
        administrator gave), sign in at the provider as `provider_user` (its claims),
        and come back to Hearth."""
        url = start + (f"?next={next_}" if next_ else "")
        to_provider = self.client.get(url).headers["Location"]
        set_claims("{0.scheme}://{0.netloc}".format(urlsplit(to_provider)), provider_user)
        answer = requests.post(
            to_provider, data={"sub": provider_user["sub"]}, allow_redirects=False, timeout=5
        )
        back = urlsplit(answer.headers["Location"])
        return self.client.get(f"{back.path}?{back.query}")

    def signed_in_as(self):
        page = self.client.get("/notifications")
        return page.status_code == 200


def person(sub="alice-123", email="alice@council.gov.uk", roles=("Hearth.Officers",), **more):
    return {"sub": sub, "email": email, "name": "Alice Adams", "roles": list(roles), **more}


def linked(provider, sub="alice-123", **kwargs):
    """An account already linked to the provider's subject `sub`."""
    kwargs.setdefault("email", "alice@council.gov.uk")
    return UserFactory(sso_subject=f"iss:{provider} sub:{sub}", **kwargs)


def link_made_by_an_administrator(sso_app, user) -> str:
    """An administrator presses "Make a link to their council account" on `user`'s page;
    the path and query of the address the page shows."""
    admin = sso_app.test_client()
    login(admin, UserFactory(roles=[Role.ADMINISTRATOR]))
    page = admin.post(f"/admin/users/{user.id}/council-link").get_data(as_text=True)
    address = urlsplit(html.unescape(re.search(r'id="council-link">([^<]+)<', page)[1]))
    return f"{address.path}?{address.query}"


def password_sign_in(client, email):
    return client.post("/auth/login", data={"email": email, "password": PASSWORD})


def test_the_sign_in_page_offers_the_councils_sign_in(sso):
    page = sso.client.get("/auth/login").get_data(as_text=True)
    assert "Sign in with your council account" in page


def test_the_button_goes_to_the_provider_with_state_and_nonce(sso, provider):
    location = sso.client.get("/auth/sso").headers["Location"]
    assert location.startswith(f"{provider}/oauth2/authorize")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] and query["nonce"] and query["scope"] == ["openid email profile"]


def test_the_providers_roles_replace_hearths_at_each_sign_in(sso, provider):
    user = linked(provider, roles=[Role.MANAGER])
    sso.as_person(person(roles=["Hearth.Officers"]))
    _db.session.expire_all()
    assert _db.session.get(User, user.id).roles == {Role.RECRUITMENT_OFFICER}


def test_a_person_with_no_hearth_role_at_the_council_is_refused(sso, provider):
    linked(provider, roles=[Role.MANAGER])
    response = sso.as_person(person(roles=["Payroll"]), next_="/cases/")
    assert response.headers["Location"] == "/auth/login"
    assert not sso.signed_in_as()
    page = sso.client.get("/auth/login").get_data(as_text=True)
    assert "no Hearth role" in page


def test_a_linked_account_signs_in_by_its_subject(sso, provider):
    linked(provider)
    response = sso.as_person(person(), next_="/cases/")
    assert response.headers["Location"] == "/cases/"
    assert sso.signed_in_as()


# Taking over an account by its email (issue 29)


@pytest.fixture
def administrator():
    return UserFactory(email="admin@demo.hearth", roles=[Role.ADMINISTRATOR])


@pytest.fixture
def own_roles(sso_app):
    """Hearth's own roles stand (no OIDC_ROLE_MAP), as in the review that found it."""
    sso_app.config["OIDC_ROLE_MAP"] = None
    yield
    sso_app.config["OIDC_ROLE_MAP"] = ROLE_MAP


@pytest.mark.parametrize(
    "mallory",
    [
        {"sub": "mallory-guest-77", "email": "admin@demo.hearth"},
        {"sub": "mallory-guest-77", "email": "admin@demo.hearth", "email_verified": True},
        {"sub": "mallory-guest-77", "preferred_username": "admin@demo.hearth"},
    ],
    ids=["email", "verified email", "preferred_username"],
)
def test_a_provider_account_with_the_administrators_email_does_not_become_them(
    sso, own_roles, administrator, mallory
):
    response = sso.as_person(mallory, next_="/admin/users")
    assert response.headers["Location"] == "/auth/login"
    assert sso.client.get("/admin/users").status_code != 200
    _db.session.expire_all()
    assert _db.session.get(User, administrator.id).sso_subject is None


def test_the_administrator_still_signs_in_with_their_password_after_the_attempt(
    sso, own_roles, administrator
):
    sso.as_person({"sub": "mallory-guest-77", "email": "admin@demo.hearth"})
    response = password_sign_in(sso.client, "admin@demo.hearth")
    assert response.headers["Location"] == "/auth/code"


def test_an_account_is_not_made_for_an_email_someone_here_has(sso, sso_app, administrator):
    sso_app.config["OIDC_CREATE_USERS"] = True
    try:
        mallory = person(sub="mallory-guest-77", email="admin@demo.hearth", email_verified=True)
        sso.as_person(mallory)
    finally:
        sso_app.config["OIDC_CREATE_USERS"] = False
    assert not sso.signed_in_as()
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


# Accounts made at first sign-in (OIDC_CREATE_USERS)


@pytest.fixture
def creating_accounts(sso_app):
    sso_app.config["OIDC_CREATE_USERS"] = True
    yield
    sso_app.config["OIDC_CREATE_USERS"] = False


def test_nobody_is_created_just_in_time_unless_configured(sso):
    sso.as_person(person(email="new@council.gov.uk", email_verified=True))
    assert not sso.signed_in_as()
    assert _db.session.scalar(sa.select(User).where(User.email == "new@council.gov.uk")) is None


def test_just_in_time_creation_makes_the_account_with_the_mapped_role(
    sso, provider, creating_accounts
):
    sso.as_person(person(sub="bob-9", email="bob@council.gov.uk", email_verified=True))
    assert sso.signed_in_as()
    created = _db.session.scalar(sa.select(User).where(User.email == "bob@council.gov.uk"))
    assert created.roles == {Role.RECRUITMENT_OFFICER}
    assert created.sso_subject == f"iss:{provider} sub:bob-9"


@pytest.mark.parametrize("verified", [None, False, "false"])
def test_no_account_is_made_for_an_email_the_provider_did_not_verify(
    sso, creating_accounts, verified
):
    claims = person(sub="bob-9", email="bob@council.gov.uk")
    if verified is not None:
        claims["email_verified"] = verified
    sso.as_person(claims)
    assert not sso.signed_in_as()
    assert _db.session.scalar(sa.select(User).where(User.email == "bob@council.gov.uk")) is None


# Linking an existing account: only through an administrator's link


def test_an_existing_account_is_linked_through_the_administrators_link(sso, sso_app, provider):
    alice = UserFactory(email="alice@council.gov.uk")
    start = link_made_by_an_administrator(sso_app, alice)
    response = sso.as_person(person(), start=start)
    assert response.headers["Location"] == "/"
    _db.session.expire_all()
    assert _db.session.get(User, alice.id).sso_subject == f"iss:{provider} sub:alice-123"
    sso.client.post("/auth/logout")
    sso.as_person(person())  # and from then on without the link
    assert sso.signed_in_as()


def test_an_existing_account_with_the_same_email_is_not_linked_without_it(sso):
    alice = UserFactory(email="alice@council.gov.uk")
    response = sso.as_person(person())
    assert response.headers["Location"] == "/auth/login"
    _db.session.expire_all()
    assert _db.session.get(User, alice.id).sso_subject is None


def test_the_administrators_link_works_once(sso, sso_app, provider):
    alice = UserFactory(email="alice@council.gov.uk")
    start = link_made_by_an_administrator(sso_app, alice)
    sso.as_person(person(), start=start)
    sso.client.post("/auth/logout")
    sso.as_person(person(sub="mallory-guest-77", email="mallory@guest.example"), start=start)
    assert not sso.signed_in_as()
    _db.session.expire_all()
    assert _db.session.get(User, alice.id).sso_subject == f"iss:{provider} sub:alice-123"


def test_a_link_not_made_by_hearth_is_refused(sso):
    alice = UserFactory(email="alice@council.gov.uk")
    sso.as_person(person(), start=f"/auth/sso?link=forged.{alice.id}")
    assert not sso.signed_in_as()
    _db.session.expire_all()
    assert _db.session.get(User, alice.id).sso_subject is None


def test_an_entra_account_is_known_by_its_object_id_in_its_tenant(sso, sso_app):
    alice = UserFactory(email="alice@council.gov.uk")
    entra = {"tid": "tenant-1", "oid": "object-1"}
    sso.as_person(
        person(sub="pairwise-a", **entra), start=link_made_by_an_administrator(sso_app, alice)
    )
    _db.session.expire_all()
    assert _db.session.get(User, alice.id).sso_subject == "tid:tenant-1 oid:object-1"
    sso.client.post("/auth/logout")
    sso.as_person(person(sub="pairwise-b", **entra))  # Entra's sub differs between apps
    assert sso.signed_in_as()


def test_the_same_object_id_in_another_tenant_is_someone_else(sso, sso_app):
    alice = UserFactory(email="alice@council.gov.uk")
    entra = {"tid": "tenant-1", "oid": "object-1"}
    sso.as_person(person(sub="alice", **entra), start=link_made_by_an_administrator(sso_app, alice))
    sso.client.post("/auth/logout")
    sso.as_person(person(sub="guest", tid="tenant-2", oid="object-1"))
    assert not sso.signed_in_as()


def test_an_account_switched_off_in_hearth_stays_out(sso, provider):
    linked(provider, active=False)
    sso.as_person(person())
    assert not sso.signed_in_as()


def test_a_linked_account_can_no_longer_use_its_password(sso, provider):
    linked(provider)
    page = password_sign_in(sso.client, "alice@council.gov.uk").get_data(as_text=True)
    assert "signs in through the council" in page
    assert not sso.signed_in_as()


# Two-step sign-in for the roles that need it


def test_a_manager_is_asked_for_hearths_own_code_when_the_council_took_one_step(sso, provider):
    linked(provider, roles=[Role.MANAGER])
    response = sso.as_person(person(roles=["Hearth.Managers"]), next_="/dashboard/")
    assert response.headers["Location"] == "/auth/code"
    assert not sso.signed_in_as()
    response = sso.client.post("/auth/code", data={"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert response.headers["Location"] == "/dashboard/"
    assert sso.client.get("/dashboard/").status_code == 200


def test_a_manager_the_council_checked_in_two_steps_is_not_asked_again(sso, provider):
    linked(provider, roles=[Role.MANAGER], second_factor=False)
    sso.as_person(person(roles=["Hearth.Managers"], amr=["pwd", "mfa"]))
    assert sso.client.get("/dashboard/").status_code == 200


def test_a_manager_without_a_code_of_their_own_must_set_one_up(sso, provider):
    linked(provider, roles=[Role.MANAGER], second_factor=False)
    sso.as_person(person(roles=["Hearth.Managers"], amr=["pwd"]))
    assert sso.client.get("/dashboard/").headers["Location"] == "/auth/two-step"


# The exchange with the provider


def test_an_answer_with_a_forged_state_is_refused(sso, provider):
    linked(provider)
    sso.client.get("/auth/sso")
    response = sso.client.get("/auth/sso/callback?code=stolen&state=forged")
    assert response.headers["Location"] == "/auth/login"
    assert not sso.signed_in_as()


def test_a_refusal_at_the_provider_comes_back_as_a_message(sso):
    response = sso.client.get("/auth/sso/callback?error=access_denied&state=x")
    assert response.headers["Location"] == "/auth/login"


def test_each_single_sign_on_is_audited(sso, provider):
    linked(provider)
    sso.as_person(person())
    summaries = _db.session.scalars(
        sa.select(AuditEvent.summary).where(AuditEvent.action == AuditAction.LOGGED_IN)
    ).all()
    assert summaries == ["alice@council.gov.uk (single sign-on)"]


def test_without_a_configured_provider_there_is_no_sso_route(client):
    assert client.get("/auth/sso").status_code == 404
    assert b"council account" not in client.get("/auth/login").data


def test_an_answer_replayed_after_use_is_refused(sso, provider):
    linked(provider)
    to_provider = sso.client.get("/auth/sso").headers["Location"]
    set_claims("{0.scheme}://{0.netloc}".format(urlsplit(to_provider)), person())
    answer = requests.post(to_provider, data={"sub": "alice-123"}, allow_redirects=False)
    back = urlsplit(answer.headers["Location"])
    sso.client.get(f"{back.path}?{back.query}")
    sso.client.post("/auth/logout")
    replayed = sso.client.get(f"{back.path}?{back.query}")
    assert replayed.headers["Location"] == "/auth/login"
    assert not sso.signed_in_as()

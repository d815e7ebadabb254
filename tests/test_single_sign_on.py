"""Single sign-on against a real OpenID Connect provider running in the suite
(oidc-provider-mock: Authlib's provider, signing real ID tokens), not a stub of
Hearth's own code: the whole redirect, code exchange and token check happen."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import sqlalchemy as sa

from crm import create_app
from crm.extensions import db as _db
from crm.models import AuditAction, AuditEvent, Role, User
from tests.conftest import RequestScopedClient
from tests.database import empty_database
from tests.factories import PASSWORD, UserFactory
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

    def as_person(self, provider_user: dict, next_=None):
        """Click "Sign in with your council account", sign in at the provider as
        `provider_user` (its claims), and come back to Hearth."""
        url = "/auth/sso" + (f"?next={next_}" if next_ else "")
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


def person(sub="alice-123", email="alice@council.gov.uk", roles=("Hearth.Managers",)):
    return {"sub": sub, "email": email, "name": "Alice Adams", "roles": list(roles)}


def test_the_sign_in_page_offers_the_councils_sign_in(sso):
    page = sso.client.get("/auth/login").get_data(as_text=True)
    assert "Sign in with your council account" in page


def test_the_button_goes_to_the_provider_with_state_and_nonce(sso, provider):
    location = sso.client.get("/auth/sso").headers["Location"]
    assert location.startswith(f"{provider}/oauth2/authorize")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] and query["nonce"] and query["scope"] == ["openid email profile"]


def test_an_existing_account_signs_in_and_is_linked_to_the_provider(sso):
    user = UserFactory(email="alice@council.gov.uk", roles=[Role.MANAGER])
    response = sso.as_person(person(), next_="/cases/")
    assert response.headers["Location"] == "/cases/"
    assert sso.signed_in_as()
    _db.session.expire_all()
    assert _db.session.get(User, user.id).sso_subject == "alice-123"


def test_the_providers_roles_replace_hearths_at_each_sign_in(sso):
    user = UserFactory(email="alice@council.gov.uk", roles=[Role.MANAGER])
    sso.as_person(person(roles=["Hearth.Officers"]))
    _db.session.expire_all()
    assert _db.session.get(User, user.id).roles == {Role.RECRUITMENT_OFFICER}


def test_a_person_with_no_hearth_role_at_the_council_is_refused(sso):
    UserFactory(email="alice@council.gov.uk", roles=[Role.MANAGER])
    response = sso.as_person(person(roles=["Payroll"]), next_="/cases/")
    assert response.headers["Location"] == "/auth/login"
    assert not sso.signed_in_as()
    page = sso.client.get("/auth/login").get_data(as_text=True)
    assert "no Hearth role" in page


def test_nobody_is_created_just_in_time_unless_configured(sso):
    sso.as_person(person(email="new@council.gov.uk"))
    assert not sso.signed_in_as()
    assert _db.session.scalar(sa.select(User).where(User.email == "new@council.gov.uk")) is None


def test_just_in_time_creation_makes_the_account_with_the_mapped_role(sso, sso_app):
    sso_app.config["OIDC_CREATE_USERS"] = True
    try:
        sso.as_person(person(sub="bob-9", email="bob@council.gov.uk", roles=["Hearth.Officers"]))
    finally:
        sso_app.config["OIDC_CREATE_USERS"] = False
    assert sso.signed_in_as()
    created = _db.session.scalar(sa.select(User).where(User.email == "bob@council.gov.uk"))
    assert created.roles == {Role.RECRUITMENT_OFFICER} and created.sso_subject == "bob-9"


def test_an_account_switched_off_in_hearth_stays_out(sso):
    UserFactory(email="alice@council.gov.uk", roles=[Role.MANAGER], active=False)
    sso.as_person(person())
    assert not sso.signed_in_as()


def test_a_linked_account_can_no_longer_use_its_password(sso):
    UserFactory(email="alice@council.gov.uk", roles=[Role.MANAGER])
    sso.as_person(person())
    sso.client.post("/auth/logout")
    page = sso.client.post(
        "/auth/login", data={"email": "alice@council.gov.uk", "password": PASSWORD}
    ).get_data(as_text=True)
    assert "signs in through the council" in page
    assert not sso.signed_in_as()


def test_a_manager_signed_in_through_the_council_is_not_asked_for_hearths_own_code(sso):
    UserFactory(email="alice@council.gov.uk", roles=[Role.MANAGER], second_factor=False)
    sso.as_person(person())
    assert sso.client.get("/dashboard/").status_code == 200


def test_an_answer_with_a_forged_state_is_refused(sso):
    UserFactory(email="alice@council.gov.uk", roles=[Role.MANAGER])
    sso.client.get("/auth/sso")
    response = sso.client.get("/auth/sso/callback?code=stolen&state=forged")
    assert response.headers["Location"] == "/auth/login"
    assert not sso.signed_in_as()


def test_a_refusal_at_the_provider_comes_back_as_a_message(sso):
    response = sso.client.get("/auth/sso/callback?error=access_denied&state=x")
    assert response.headers["Location"] == "/auth/login"


def test_each_single_sign_on_is_audited(sso):
    UserFactory(email="alice@council.gov.uk", roles=[Role.MANAGER])
    sso.as_person(person())
    summaries = _db.session.scalars(
        sa.select(AuditEvent.summary).where(AuditEvent.action == AuditAction.LOGGED_IN)
    ).all()
    assert summaries == ["alice@council.gov.uk (single sign-on)"]


def test_without_a_configured_provider_there_is_no_sso_route(client):
    assert client.get("/auth/sso").status_code == 404
    assert b"council account" not in client.get("/auth/login").data


def test_an_answer_replayed_after_use_is_refused(sso):
    UserFactory(email="alice@council.gov.uk", roles=[Role.MANAGER])
    to_provider = sso.client.get("/auth/sso").headers["Location"]
    set_claims("{0.scheme}://{0.netloc}".format(urlsplit(to_provider)), person())
    answer = requests.post(to_provider, data={"sub": "alice-123"}, allow_redirects=False)
    back = urlsplit(answer.headers["Location"])
    sso.client.get(f"{back.path}?{back.query}")
    sso.client.post("/auth/logout")
    replayed = sso.client.get(f"{back.path}?{back.query}")
    assert replayed.headers["Location"] == "/auth/login"
    assert not sso.signed_in_as()

"""Every route is closed by default: anonymous users go to login, wrong roles get 403."""

from __future__ import annotations

import pytest

from crm import create_app
from crm.auth.access import ALWAYS_OPEN, allowed_roles
from crm.models import Role
from tests.conftest import login

PUBLIC_ENDPOINTS = {
    "auth.login",
    "auth.second_factor",
    "auth.sso_start",
    "auth.sso_callback",
    "public.accessibility",
    "public.logo",
    "public.register_interest",
    "public.thank_you",
}


def _routes():
    app = create_app("testing")
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in ALWAYS_OPEN:
                continue
            args = {name: 999999 for name in rule.arguments}
            url = app.url_for(rule.endpoint, **args)
            method = (
                "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
            )
            yield rule.endpoint, method, url, allowed_roles(rule.endpoint)


ROUTES = list(_routes())
PROTECTED = [r for r in ROUTES if r[3] is not None]


def test_only_the_expected_endpoints_are_public():
    assert {endpoint for endpoint, _, _, roles in ROUTES if roles is None} == PUBLIC_ENDPOINTS


def test_every_protected_endpoint_names_at_least_one_role():
    assert [e for e, _, _, roles in PROTECTED if not roles] == []


@pytest.mark.parametrize(
    ("endpoint", "method", "url", "roles"), PROTECTED, ids=[r[0] for r in PROTECTED]
)
def test_anonymous_users_are_sent_to_login(client, endpoint, method, url, roles):
    response = client.open(url, method=method)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("endpoint", "method", "url", "roles"), PROTECTED, ids=[r[0] for r in PROTECTED]
)
def test_users_without_the_role_are_refused(as_role, endpoint, method, url, roles):
    for role in set(Role) - set(roles):
        client = as_role(role)
        assert client.open(url, method=method).status_code == 403, (endpoint, role)


@pytest.mark.parametrize(
    ("endpoint", "method", "url", "roles"), PROTECTED, ids=[r[0] for r in PROTECTED]
)
def test_users_with_the_role_get_past_the_door(as_role, endpoint, method, url, roles):
    for role in roles:
        client = as_role(role)
        assert client.open(url, method=method).status_code not in (401, 403), (endpoint, role)


def test_a_view_without_declared_roles_is_refused_even_when_signed_in(app, as_role):
    local = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})  # its own throwaway database

    @local.route("/forgotten")
    def forgotten():
        return "should never be shown"

    with local.app_context():
        from crm.extensions import db

        db.create_all()
        from tests.factories import UserFactory

        user = UserFactory(roles=[Role.MANAGER, Role.ADMINISTRATOR])
        client = local.test_client()
        login(client, user)
        assert client.get("/forgotten").status_code == 403
        db.drop_all()

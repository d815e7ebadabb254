"""Every state-changing route refuses a request without a CSRF token."""

from __future__ import annotations

import pytest

from crm.models import Role
from tests.conftest import login
from tests.factories import UserFactory


@pytest.fixture
def csrf_on(app):
    """The suite runs with CSRF off for convenience; turn it on as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def _post_urls(app):
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods:
                yield app.url_for(rule.endpoint, **{a: 1 for a in rule.arguments})


def test_every_post_route_needs_a_csrf_token(csrf_on, client):
    login(client, UserFactory(roles=list(Role)))
    urls = list(_post_urls(csrf_on))
    assert urls, "expected some POST routes"
    for url in urls:
        response = client.post(url, data={})
        assert response.status_code == 400, url
        assert b"Your form expired" in response.data


def _token_from_another_session(app) -> str:
    other = app.test_client()
    login(other, UserFactory(roles=[Role.RECRUITMENT_OFFICER]))
    page = other.get("/auth/password").get_data(as_text=True)
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


@pytest.mark.parametrize("kind", ["garbage", "another session's"])
def test_every_post_route_refuses_a_wrong_csrf_token(csrf_on, client, db, kind):
    token = "IjAwMDAi.bad.token" if kind == "garbage" else _token_from_another_session(csrf_on)
    login(client, UserFactory(roles=list(Role)))
    rows_before = _rows(db)
    for url in _post_urls(csrf_on):
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 400, url
    assert _rows(db) == rows_before


def _rows(db) -> dict[str, int]:
    import sqlalchemy as sa

    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }

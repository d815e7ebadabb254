"""Every state-changing route refuses a request without a CSRF token."""

from __future__ import annotations

import pytest

from crm import create_app
from crm.extensions import db
from crm.models import Role
from tests.factories import UserFactory


@pytest.fixture
def csrf_app():
    app = create_app({"WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


def _post_routes(app):
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods:
                yield app.url_for(rule.endpoint, **{a: 1 for a in rule.arguments})


def test_every_post_route_needs_a_csrf_token(csrf_app):
    user = UserFactory(roles=list(Role))
    client = csrf_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    urls = list(_post_routes(csrf_app))
    assert urls, "expected some POST routes"
    for url in urls:
        response = client.post(url, data={})
        assert response.status_code == 400, url
        assert b"Your form expired" in response.data

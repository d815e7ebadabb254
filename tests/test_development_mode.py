"""Without HEARTH_ENV Hearth runs as development, with managers signing in without a
second step, cookies not Secure and demo data allowed (issue 29, item 13): it says so
loudly, in the log when it starts and in a banner on every page."""

from __future__ import annotations

import logging

import pytest
from werkzeug.routing import IntegerConverter

from crm import create_app
from crm.models import Role
from tests.conftest import login
from tests.factories import CaseFactory, HouseholdFactory, UserFactory

BANNER = "Development mode: not for real data"


def test_starting_without_hearth_env_warns_in_the_log(monkeypatch, tmp_path, caplog):
    monkeypatch.delenv("HEARTH_ENV", raising=False)
    with caplog.at_level(logging.WARNING, logger="crm"):
        app = create_app(instance_path=str(tmp_path))
    assert app.config["ENV_NAME"] == "development"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("DEVELOPMENT mode" in w and "Not for real data" in w for w in warnings)


def test_the_test_suite_is_not_warned(caplog):
    with caplog.at_level(logging.WARNING, logger="crm"):
        create_app("testing")
    assert not any("DEVELOPMENT" in r.getMessage() for r in caplog.records)


@pytest.fixture
def in_development(app):
    """The suite's app, run as development would be (the banner reads the setting)."""
    app.config["ENV_NAME"] = "development"
    yield app
    app.config["ENV_NAME"] = "testing"


def _pages(app, ids):
    """Every GET route, with the given ids (1 for other numbers, a word for text)."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in {"static", "bootstrap.static"}:
                continue
            args = {
                name: ids.get(name, 1 if isinstance(converter, IntegerConverter) else "csv")
                for name, converter in rule._converters.items()
            }
            yield app.url_for(rule.endpoint, **args)


def test_every_page_shows_the_development_banner(in_development, client, db):
    case, household = CaseFactory(), HouseholdFactory()
    ids = {"case_id": case.id, "record_id": case.id, "household_id": household.id, "kind": "case"}
    login(client, UserFactory(roles=list(Role)))
    pages = 0
    missing = []
    for url in _pages(in_development, ids):
        response = client.get(url)
        if response.mimetype == "text/html" and response.status_code // 100 != 3:
            pages += 1
            if BANNER not in response.get_data(as_text=True):
                missing.append((url, response.status_code))
    assert pages > 40 and missing == []


@pytest.mark.parametrize("path", ["/auth/login", "/foster-with-us/", "/no-such-page"])
def test_the_banner_is_shown_before_signing_in_too(in_development, client, db, path):
    assert BANNER in client.get(path).get_data(as_text=True)


def test_no_banner_outside_development(client, db):
    assert BANNER not in client.get("/auth/login").get_data(as_text=True)

"""In Chromium, no page breaks the Content-Security-Policy: every page the URL map
has (with real ids, on the demo service) is opened, and the browser's own
`securitypolicyviolation` events are collected. An inline script or style, an
injected event handler or a resource from elsewhere would each raise one."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.demo import seed_demo
from crm.extensions import db
from crm.models import Case, Household, Role
from tests.browser.conftest import serving, sign_in
from tests.factories import UserFactory

LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '')));
"""


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("csp"), MFA_REQUIRED_ROLES=()) as server:
        with server.app.app_context():
            seed_demo(seed=2, today=date(2026, 3, 31), years=1)
            server.email = UserFactory(roles=list(Role), email="everyone@example.org").email
        yield server


def _pages(app):
    with app.app_context():
        household = db.session.scalar(sa.select(Household).order_by(Household.id))
        ids = {
            "case_id": db.session.scalar(sa.select(Case.id).order_by(Case.id)),
            "household_id": household.id,
            "person_id": household.carers[0].id,
            "kind": "carer",
            "user_id": 1,
            "campaign_id": 1,
            "source_id": 1,
            "measure": "supervision",
        }
        with app.test_request_context():
            for rule in app.url_map.iter_rules():
                if "GET" not in rule.methods or rule.endpoint.startswith(("static", "bootstrap")):
                    continue
                if "." in rule.rule.rsplit("/", 1)[-1] or not set(rule.arguments) <= set(ids):
                    continue
                if rule.endpoint.startswith("auth.sso"):
                    continue
                yield app.url_for(rule.endpoint, **{a: ids[a] for a in rule.arguments})


def test_no_page_raises_a_content_security_policy_violation(page, demo_server):
    page.add_init_script(LISTEN)
    sign_in(page, demo_server, demo_server.email)
    found, opened = {}, 0
    for path in _pages(demo_server.app):
        page.goto(f"{demo_server.url}{path}")
        page.wait_for_load_state("load")
        opened += 1
        violations = page.evaluate("window.__violations")
        if violations:
            found[path] = violations
    assert found == {}
    assert opened >= 40

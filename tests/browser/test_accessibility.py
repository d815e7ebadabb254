"""WCAG 2.2 AA, checked by axe-core (through axe-playwright-python, which carries its
own copy of axe: nothing is downloaded) on every page of the demo service, for a user
holding every role, at desktop and phone widths, and then as each role alone (its own
menu, queues and refusals): no serious or critical violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from crm.models import Role
from tests.browser.axe_checks import serious_violations
from tests.browser.conftest import every_page, pages_for, sign_in


@pytest.mark.parametrize("width", [1280, 390])
def test_no_page_has_a_serious_accessibility_violation(page, demo_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    axe = Axe()
    found = {}
    for path in ["/auth/login", "/foster-with-us/"]:
        page.goto(f"{demo_server.url}{path}")
        if problems := serious_violations(axe, page):
            found[path] = problems
    sign_in(page, demo_server, demo_server.email)
    for path in every_page(demo_server.app):
        if path.startswith("/api/"):
            continue  # JSON for other systems, not a page
        page.goto(f"{demo_server.url}{path}")
        if problems := serious_violations(axe, page):
            found[path] = problems
    assert found == {}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_no_page_a_role_opens_has_a_serious_accessibility_violation(
    page, demo_server, user_with_on, role
):
    axe = Axe()
    sign_in(page, demo_server, user_with_on(demo_server, role))
    found = {}
    for path in pages_for(demo_server.app, role):
        if path.startswith("/api/"):
            continue
        page.goto(f"{demo_server.url}{path}")
        if problems := serious_violations(axe, page):
            found[path] = problems
    assert found == {}

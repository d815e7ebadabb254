"""In Chromium: a 600-character unbroken address in a note wraps on the case page
instead of making the page wider than the screen, on a phone and on a desktop."""

from __future__ import annotations

import pytest

from crm.models import Role
from tests.browser.conftest import sign_in
from tests.factories import CaseFactory

LONG_URL = "https://example.org/" + "a" * 580


@pytest.mark.parametrize("width", [390, 1280])
def test_a_long_unbroken_url_does_not_widen_the_case_page(page, live_server, user_with, width):
    with live_server.app.app_context():
        case_id = CaseFactory(message=f"See {LONG_URL} for our details").id
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, user_with(Role.RECRUITMENT_OFFICER))
    page.goto(f"{live_server.url}/cases/{case_id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

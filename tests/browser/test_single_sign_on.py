"""In a real browser: a manager signs in with their council account at the council's
OpenID Connect provider (a real one, in its own process) and lands on the dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from crm.models import Role
from tests.browser.conftest import serving
from tests.factories import UserFactory
from tests.identity_provider import set_claims


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory, identity_provider):
    settings = {
        "OIDC_ISSUER": identity_provider,
        "OIDC_CLIENT_ID": "hearth",
        "OIDC_CLIENT_SECRET": "browser-test",
        "OIDC_ROLE_MAP": "Hearth.Managers=manager",
    }
    with serving(tmp_path_factory.mktemp("sso"), **settings) as server:
        yield server


def test_a_manager_signs_in_with_their_council_account(page, sso_server, identity_provider):
    with sso_server.app.app_context():
        # linked to her council account already (an administrator's link does that once)
        UserFactory(
            email="carol@council.gov.uk",
            roles=[Role.MANAGER],
            second_factor=False,
            sso_subject=f"iss:{identity_provider} sub:carol-77",
        )
    person = {"sub": "carol-77", "email": "carol@council.gov.uk", "name": "Carol Clark"}
    # the council checked two factors, so Hearth does not ask for its own code again
    set_claims(identity_provider, {**person, "roles": ["Hearth.Managers"], "amr": ["pwd", "mfa"]})

    page.goto(f"{sso_server.url}/auth/login")
    page.get_by_role("link", name="Sign in with your council account").click()
    expect(page).to_have_url(re.compile(re.escape(identity_provider) + "/oauth2/authorize"))
    page.get_by_placeholder("sub").fill("carol-77")
    page.get_by_role("button", name="Authorize").click()
    expect(page).to_have_url(f"{sso_server.url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fostering pipeline")

"""In a real browser, each role signs in and lands on its own home page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crm.models import Role
from tests.browser.conftest import sign_in

HOMES = [
    (Role.RECRUITMENT_OFFICER, "/cases/mine", "My cases"),
    (Role.SUPERVISING_SOCIAL_WORKER, "/households/caseload", "My caseload"),
    (Role.MANAGER, "/dashboard/", "Fostering pipeline"),
    (Role.ADMINISTRATOR, "/admin/users", "Users"),
]


@pytest.mark.parametrize(("role", "path", "heading"), HOMES, ids=[r.value for r, _, _ in HOMES])
def test_each_role_signs_in_and_sees_its_home_page(
    page, live_server, user_with, role, path, heading
):
    sign_in(page, live_server, user_with(role))
    expect(page).to_have_url(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_a_wrong_password_shows_the_generic_message(page, live_server, user_with):
    sign_in(page, live_server, user_with(Role.MANAGER), password="not the right one")
    expect(page.get_by_role("alert")).to_contain_text("do not match an active account")
    expect(page.get_by_label("Email address")).not_to_be_empty()


def test_signing_out_returns_to_the_sign_in_page(page, live_server, user_with):
    sign_in(page, live_server, user_with(Role.MANAGER))
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page).to_have_url(f"{live_server.url}/auth/login?next=/dashboard/")

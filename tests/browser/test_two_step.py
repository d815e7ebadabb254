"""In a real browser: a manager sets up two-step sign-in, then signs in with a code."""

from __future__ import annotations

import pyotp
from playwright.sync_api import expect

from crm.models import Role
from tests.browser.conftest import sign_in


def test_a_manager_sets_up_two_step_sign_in_and_then_signs_in_with_a_code(
    page, live_server, user_with
):
    email = user_with(Role.MANAGER, second_factor=False)
    sign_in(page, live_server, email)
    expect(page).to_have_url(f"{live_server.url}/auth/two-step")
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator("#setup-key").inner_text()
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    recovery = page.locator("#recovery-codes li").first.inner_text()
    page.get_by_role("link", name="I have kept them; carry on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fostering pipeline")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/auth/code")
    page.get_by_label("Code").fill(recovery)  # the app's code was used a moment ago
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fostering pipeline")
    expect(page.get_by_role("status").first).to_contain_text("9 are left")

"""A live Hearth server and Debian's Chromium driven by Playwright.

The browser is never downloaded: Playwright launches /usr/bin/chromium. Where
it is missing the browser tests skip, unless HEARTH_REQUIRE_BROWSER is set (as
CI sets it), when they fail.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from datetime import date
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from crm import create_app
from crm.dashboard.views import SECTIONS
from crm.demo import seed_demo
from crm.enquiry_sources import ensure_default_sources
from crm.extensions import db
from crm.models import Case, Household, HouseholdMember, PanelItem, PanelMember, PanelSitting, Role
from tests.factories import PASSWORD, TOTP_SECRET, UserFactory

CHROMIUM = Path(os.environ.get("HEARTH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@contextlib.contextmanager
def serving(folder: Path, **settings):
    """Hearth on a random loopback port, with CSRF on as in production, and `settings`."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'hearth.db'}",
            "WTF_CSRF_ENABLED": True,
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "DOCUMENT_FOLDER": str(folder / "documents"),
            **settings,
        }
    )
    with app.app_context():
        db.create_all()
        ensure_default_sources()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("HEARTH_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def user_with(live_server):
    """Create a user holding `roles` in the live server's database."""

    def make(*roles: Role, **kwargs):
        with live_server.app.app_context():
            user = UserFactory(roles=list(roles), **kwargs)
            return user.email

    return make


@pytest.fixture
def user_with_on():
    """Create a user holding `roles` in a given server's database; their email."""

    def make(server, *roles: Role, **kwargs):
        with server.app.app_context():
            return UserFactory(roles=list(roles), **kwargs).email

    return make


def sign_in(page, live_server, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form, typing the authenticator's code when asked for one."""
    page.goto(f"{live_server.url}/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    # Wait for the answer to the sign-in itself: wait_for_load_state alone returned at
    # once on a loaded machine (the login page had loaded), and the next goto cancelled
    # the sign-in, leaving the test signed out.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    # A code is taken once (replay protection): a second sign-in of the same user within
    # the same 30 seconds waits for the next code, as a person would.
    for _ in range(2):
        if not page.url.startswith(f"{live_server.url}/auth/code"):
            return
        if "used already" in page.content():
            time.sleep(30 - time.time() % 30 + 1)
        page.get_by_label("Code").fill(pyotp.TOTP(TOTP_SECRET).now())
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("demo"), MFA_REQUIRED_ROLES=()) as server:
        with server.app.app_context():
            seed_demo(seed=2, today=date(2026, 3, 31), years=1)
            server.email = UserFactory(roles=list(Role), email="everyone@example.org").email
        yield server


def every_page(app):
    """Every page the URL map has that a GET opens, with real ids from the demo service."""
    with app.app_context():
        household = db.session.scalar(sa.select(Household).order_by(Household.id))
        ids = {
            "case_id": db.session.scalar(sa.select(Case.id).order_by(Case.id)),
            "member_id": db.session.scalar(
                sa.select(HouseholdMember.id)
                .where(HouseholdMember.case_id == sa.select(sa.func.min(Case.id)).scalar_subquery())
                .order_by(HouseholdMember.id)
            ),
            "household_id": household.id,
            "person_id": household.carers[0].id,
            "carer_id": household.carers[0].id,
            "kind": "carer",
            "user_id": 1,
            "campaign_id": 1,
            "source_id": 1,
            "measure": "supervision",
            "sitting_id": db.session.scalar(sa.select(sa.func.min(PanelSitting.id))),
            "item_id": db.session.scalar(sa.select(sa.func.min(PanelItem.id))),
            "panel_member_id": db.session.scalar(sa.select(sa.func.min(PanelMember.id))),
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
            for section in list(SECTIONS)[1:]:  # the dashboard's other sections
                yield app.url_for("dashboard.index", section=section)
            # Matching's results, not only its empty form.
            yield app.url_for("matching.find", age=13, **{"others-0-age": 10}, district="LE2")


def pages_for(app, role: Role):
    """The pages of `every_page` that `role` may open."""
    from crm.auth.access import allowed_roles

    adapter = app.url_map.bind("localhost")
    with app.app_context():
        for path in every_page(app):
            endpoint, _ = adapter.match(path.split("?")[0])
            roles = allowed_roles(endpoint)
            if roles is None or not roles or role in roles:
                yield path

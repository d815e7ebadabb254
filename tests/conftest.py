"""Fixtures: the app, an emptied database per test, clients and a user of each role."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient

from crm import create_app
from crm.extensions import db as _db
from crm.extensions import limiter
from crm.models import Role
from tests.database import empty_database
from tests.factories import UserFactory

#: Shared fixtures that live beside their helpers (the household import files).
pytest_plugins = [
    "tests.household_files",
    "tests.identity_provider",
    "tests.mail_server",
    "tests.notify_server",
]


class RequestScopedClient(FlaskClient):
    """A test client whose requests do not share Flask-Login's cached user.

    Tests hold an app context open (for the database), and Flask reuses an open
    context for requests, so `g` would otherwise outlive a request.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app and schema for the session (SQLite in memory, or TEST_DATABASE_URL)."""
    app = create_app("testing")
    app.config["UPLOAD_FOLDER"] = str(tmp_path_factory.mktemp("uploads"))
    app.config["DOCUMENT_FOLDER"] = str(tmp_path_factory.mktemp("documents"))
    app.config["AUDIT_ANCHOR_PATH"] = str(tmp_path_factory.mktemp("audit") / "anchor.jsonl")
    app.test_client_class = RequestScopedClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        empty_database()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def rate_limits_off():
    """The limiter is one object for every app: a test that builds an app with rate
    limits on turns them on for all; turn them off and forget its counts after."""
    yield
    if limiter.enabled and getattr(limiter, "_storage", None) is not None:
        limiter.reset()
    limiter.enabled = False


@pytest.fixture
def db(app):
    """The database inside an app context, emptied after each test (with the audit
    trail's anchor, which describes what was in it)."""
    with app.app_context():
        yield _db
        empty_database()
        Path(app.config["AUDIT_ANCHOR_PATH"]).unlink(missing_ok=True)


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


def login(client, user) -> None:
    """Sign a test client in as `user` without going through the form."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["signed_in_at"] = int(time.time())


@pytest.fixture
def make_user(db):
    def make(*roles: Role, **kwargs):
        return UserFactory(roles=list(roles) or [Role.RECRUITMENT_OFFICER], **kwargs)

    return make


@pytest.fixture
def officer(make_user):
    return make_user(Role.RECRUITMENT_OFFICER, full_name="Olive Officer")


@pytest.fixture
def ssw(make_user):
    return make_user(Role.SUPERVISING_SOCIAL_WORKER, full_name="Sam Social")


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER, full_name="Mo Manager")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR, full_name="Ada Admin")


@pytest.fixture
def as_role(client, make_user):
    """as_role(Role.MANAGER) -> a client signed in as a new user holding that role."""

    def sign_in(*roles: Role):
        user = make_user(*roles)
        login(client, user)
        client.user = user
        return client

    return sign_in


@pytest.fixture
def officer_client(client, officer):
    login(client, officer)
    return client


@pytest.fixture
def ssw_client(client, ssw):
    login(client, ssw)
    return client


@pytest.fixture
def manager_client(client, manager):
    login(client, manager)
    return client


@pytest.fixture
def admin_client(client, admin):
    login(client, admin)
    return client


@pytest.fixture
def service(db):
    """The hand-built service of tests/hand_built.py, with its answers worked by hand."""
    from tests.hand_built import build_service

    build_service(db)


@pytest.fixture
def service_with_kinship(service, db):
    """The hand-built service with its kinship case and households added."""
    from tests.hand_built import build_kinship

    build_kinship(db)

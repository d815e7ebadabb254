"""Sessions end after a period of inactivity (SESSION_IDLE_MINUTES), and however busy
a set time after sign-in (SESSION_MAX_HOURS); signing out, a new password or new roles
end them on the server (issue 29)."""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp
import pytest

from crm.config import settings_from_environment
from crm.models import Role
from tests.conftest import login
from tests.factories import PASSWORD, TOTP_SECRET


@pytest.fixture
def clock(monkeypatch):
    """Move the clock the session signer reads, by minutes."""
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])

    def advance(minutes: float) -> None:
        now[0] += minutes * 60

    return advance


def sign_in(client, user) -> None:
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/auth/code"
    response = client.post("/auth/code", data={"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert response.status_code == 302


def test_a_session_ends_after_the_idle_limit(client, make_user, clock):
    sign_in(client, make_user(Role.MANAGER))
    clock(61)
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_activity_keeps_a_session_alive_past_the_limit(client, make_user, clock):
    sign_in(client, make_user(Role.MANAGER))
    for _ in range(3):  # 150 minutes in all, never 60 idle
        clock(50)
        assert client.get("/dashboard/?date_from=2001-04-01&date_to=2001-04-30").status_code == 200


def test_the_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user(Role.MANAGER)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_busy_session_still_ends_ten_hours_after_sign_in(client, make_user, clock):
    sign_in(client, make_user(Role.MANAGER))
    for _ in range(11):  # 9 h 10 min, never 60 idle
        clock(50)
        assert client.get("/notifications").status_code == 200
    clock(51)  # 10 h 1 min after sign-in
    response = client.get("/notifications")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_longest_a_session_lasts_is_a_setting(monkeypatch):
    monkeypatch.setenv("SESSION_MAX_HOURS", "8")
    assert settings_from_environment()["SESSION_MAX_LIFETIME"] == timedelta(hours=8)


def test_a_copy_of_the_cookie_opens_nothing_after_signing_out(app, client, officer):
    sign_in_by_form(client, officer)
    copied = client.get_cookie("session").value
    client.post("/auth/logout")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/cases/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_new_roles_end_the_persons_sessions(app, client, officer, admin):
    login(client, officer)
    assert client.get("/cases/").status_code == 200
    administrator = app.test_client()
    login(administrator, admin)
    administrator.post(
        f"/admin/users/{officer.id}",
        data={"full_name": officer.full_name, "email": officer.email, "roles": ["manager"],
              "active": "y"},
    )  # fmt: skip
    assert client.get("/cases/").headers["Location"].startswith("/auth/login")


def test_the_administrator_saving_their_own_roles_stays_signed_in(admin_client, admin):
    admin_client.post(
        f"/admin/users/{admin.id}",
        data={"full_name": admin.full_name, "email": admin.email,
              "roles": ["administrator", "manager"], "active": "y"},
    )  # fmt: skip
    assert admin_client.get("/admin/users").status_code == 200


def sign_in_by_form(client, user) -> None:
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302

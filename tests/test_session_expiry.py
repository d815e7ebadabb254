"""Sessions end after a period of inactivity (SESSION_IDLE_MINUTES), not while in use."""

from __future__ import annotations

import time

import pyotp
import pytest

from crm.models import Role
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

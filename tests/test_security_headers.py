"""Every response carries the security headers, with a CSP that allows no inline script."""

from __future__ import annotations

import pytest

URLS = ["/auth/login", "/foster-with-us/", "/no/such/page", "/static/hearth.css"]


@pytest.mark.parametrize("url", URLS)
def test_every_response_has_the_security_headers(client, url):
    response = client.get(url)
    headers = response.headers
    response.close()  # static files stream from disk
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]


def test_signed_in_pages_have_them_too(manager_client):
    assert (
        "default-src 'self'" in manager_client.get("/dashboard/").headers["Content-Security-Policy"]
    )


def test_the_session_cookie_is_httponly_and_samesite_lax(client, officer):
    response = client.post(
        "/auth/login", data={"email": officer.email, "password": "correct horse battery staple"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie

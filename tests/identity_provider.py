"""A real OpenID Connect provider for the suite: oidc-provider-mock (built on Authlib's
provider) in its own process, as a council's Entra ID would be, signing real ID tokens.

Its own process, so that its deprecation warnings are not the suite's errors and a
hung provider cannot hang the suite (it is stopped at the end of the session).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest
import requests


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def identity_provider():
    """The provider's address (its issuer); nonces required, as Hearth always sends one."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), "--require-nonce", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("the test identity provider did not start")
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def set_claims(issuer: str, person: dict) -> None:
    """Tell the provider who `person["sub"]` is: the claims it will vouch for."""
    claims = {key: value for key, value in person.items() if key != "sub"}
    requests.put(f"{issuer}/users/{person['sub']}", json=claims, timeout=5).raise_for_status()

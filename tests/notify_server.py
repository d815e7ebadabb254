"""A stand-in for GOV.UK Notify's API on loopback: it answers POST
/v2/notifications/email and /v2/notifications/sms as Notify does (201 with the
notification's id; 400 with Notify's error body for a refused recipient; 403 when
the token is wrong), and checks the JWT the real client signs with the API key's
secret (iss is the service id, iat within 30 seconds), so a key or signing mistake
fails here as it would against Notify.

The real `notifications-python-client` talks to it over HTTP: only its base_url
points here.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
#: As Notify issues them: key name, service id, secret.
API_KEY = f"hearth_test-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
SMS_TEMPLATE = "a9b3b5c2-7d4e-4f5a-9c1e-2b6d8e0f1a23"


@dataclass
class Notify:
    host: str = "127.0.0.1"
    port: int = 0
    sent: list[dict] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    bad_tokens: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def clear(self) -> None:
        self.sent.clear()
        self.refused.clear()
        self.bad_tokens.clear()


def _token_problem(header: str | None) -> str | None:
    if not header or not header.startswith("Bearer "):
        return "Unauthorized: authentication token must be provided"
    try:
        claims = jwt.decode(header[7:], SECRET, algorithms=["HS256"], options={"verify_iat": True})
    except jwt.InvalidTokenError as exc:
        return f"Invalid token: {exc}"
    if claims.get("iss") != SERVICE_ID:
        return "Invalid token: service not found"
    if abs(time.time() - claims.get("iat", 0)) > 30:
        return "Error: Your system clock must be accurate to within 30 seconds"
    return None


def _handler(notify: Notify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet in the suite
            pass

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            problem = _token_problem(self.headers.get("Authorization"))
            if problem:
                notify.bad_tokens.append(problem)
                errors = [{"error": "AuthError", "message": problem}]
                return self._answer(403, {"status_code": 403, "errors": errors})
            kind = {"/v2/notifications/email": "email", "/v2/notifications/sms": "sms"}.get(
                self.path
            )
            if kind is None:
                return self._answer(404, {"status_code": 404, "errors": []})
            to = body.get("email_address") if kind == "email" else body.get("phone_number")
            if to in notify.refused:
                errors = [{"error": "BadRequestError", "message": f"Not a valid {kind}: {to}"}]
                return self._answer(400, {"status_code": 400, "errors": errors})
            notification = {"id": str(uuid.uuid4()), "kind": kind, "to": to, **body}
            notify.sent.append(notification)
            personalisation = body.get("personalisation") or {}
            content = {"body": personalisation.get("body", "")}
            if kind == "email":
                content["subject"] = personalisation.get("subject", "")
            return self._answer(
                201,
                {
                    "id": notification["id"],
                    "reference": body.get("reference"),
                    "content": content,
                    "uri": f"{notify.url}/v2/notifications/{notification['id']}",
                    "template": {"id": body.get("template_id"), "version": 1, "uri": ""},
                },
            )

    return Handler


@pytest.fixture(scope="session")
def notify_server():
    notify = Notify()
    server = ThreadingHTTPServer((notify.host, 0), _handler(notify))
    notify.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield notify
    server.shutdown()
    server.server_close()


@pytest.fixture
def notify(app, notify_server, monkeypatch):
    """Hearth sending its messages to applicants through the stand-in Notify."""
    notify_server.clear()
    monkeypatch.setitem(app.config, "OUTREACH_BACKEND", "notify")
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", API_KEY)
    monkeypatch.setitem(app.config, "NOTIFY_BASE_URL", notify_server.url)
    monkeypatch.setitem(app.config, "NOTIFY_EMAIL_TEMPLATE_ID", EMAIL_TEMPLATE)
    monkeypatch.setitem(app.config, "NOTIFY_SMS_TEMPLATE_ID", SMS_TEMPLATE)
    yield notify_server
    notify_server.clear()

"""Hearth behind a real reverse proxy on loopback: Debian's nginx ending TLS in front of
Hearth served over HTTP, with the forwarding headers of docs/nginx.conf.example, so
the tests see what a council's deployment sees (every request from the proxy's
address, over plain HTTP, on another port).

Visitors connect from chosen loopback addresses (127.0.0.2, 127.0.0.3, ...: all of
127/8 is this machine), so two people are two real network addresses.

Where nginx is missing the tests that need it skip, unless HEARTH_REQUIRE_BROWSER is
set (as CI sets it, after installing nginx-light), when they fail.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import os
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from requests.adapters import HTTPAdapter
from werkzeug.serving import make_server

NGINX = Path(os.environ.get("HEARTH_NGINX", "/usr/sbin/nginx"))
#: The documented configuration; its `location /` block is what the suite runs.
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "nginx.conf.example"


def require_nginx() -> None:
    if not NGINX.exists():
        if os.environ.get("HEARTH_REQUIRE_BROWSER"):
            pytest.fail(f"{NGINX} is missing; install Debian's nginx-light package")
        pytest.skip(f"{NGINX} is not installed (Debian's nginx-light runs the proxy tests)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for https://127.0.0.1, which the visitors trust."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "proxy.pem", folder / "proxy.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def documented_location() -> str:
    """The `location / { ... }` block of docs/nginx.conf.example, as councils copy it."""
    found = re.search(r"^    location / \{\n.*?^    \}\n", EXAMPLE.read_text(), re.M | re.S)
    assert found, f"{EXAMPLE} has no `location /` block"
    return found.group(0)


def check_documented_configuration(folder: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on the whole of docs/nginx.conf.example, with a test certificate in
    place of the council's."""
    require_nginx()
    cert, key = _self_signed_certificate(folder)
    site = (
        EXAMPLE.read_text()
        .replace("/etc/ssl/certs/hearth.council.example.pem", str(cert))
        .replace("/etc/ssl/private/hearth.council.example.key", str(key))
    )
    conf = folder / "check.conf"
    conf.write_text(f"pid {folder / 'check.pid'};\nevents {{}}\nhttp {{\n{site}\n}}\n")
    return subprocess.run(
        [str(NGINX), "-t", "-p", str(folder), "-c", str(conf), "-e", str(folder / "check.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )


def _nginx_conf(folder: Path, app_port: int, port: int, cert: Path, key: Path) -> str:
    temp = {name: folder / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""  # a root master runs workers as root
    return f"""
{user}
daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    upstream hearth {{
        server 127.0.0.1:{app_port};
        keepalive 4;
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
{documented_location()}
    }}
}}
"""


@dataclass
class Proxied:
    """Hearth behind nginx: `url` is the public https address, `app_url` Hearth's own."""

    url: str
    app_url: str
    certificate: Path

    def visitor(self, address: str) -> Visitor:
        return Visitor(self.url, address, self.certificate)


@contextlib.contextmanager
def behind_nginx(app, folder: Path) -> Iterator[Proxied]:
    """Serve `app` on a loopback port (werkzeug, threaded) with nginx in front of it."""
    require_nginx()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    cert, key = _self_signed_certificate(folder)
    port = _free_port()
    conf = folder / "nginx.conf"
    conf.write_text(_nginx_conf(folder, server.server_port, port, cert, key))
    nginx = subprocess.Popen(
        [str(NGINX), "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(nginx, port, folder)
        yield Proxied(f"https://127.0.0.1:{port}", f"http://127.0.0.1:{server.server_port}", cert)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        server.shutdown()
        thread.join(timeout=5)


def _wait_for(nginx: subprocess.Popen, port: int, folder: Path) -> None:
    for _ in range(100):
        if nginx.poll() is not None:
            log = folder / "error.log"
            pytest.fail("nginx did not start: " + (log.read_text() if log.exists() else ""))
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    pytest.fail("nginx did not open its port")


class _FromAddress(HTTPAdapter):
    """Connections leave from one loopback address, as from one person's machine."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class _HiddenFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""


class Visitor:
    """One person's browser at one network address: keeps its cookies, sends the page's
    hidden fields (CSRF token, once token) and its Referer with every form, as a browser
    does, and may add any headers it likes (such as a forged X-Forwarded-For)."""

    def __init__(self, base: str, address: str, certificate: Path):
        self.base, self.address = base, address
        self.session = requests.Session()
        self.session.trust_env = False  # no CA bundle or proxy from the environment
        self.session.verify = str(certificate)
        self.session.mount("https://", _FromAddress(address))

    def get(self, path: str, headers: dict | None = None) -> requests.Response:
        return self.session.get(
            urljoin(self.base, path), headers=headers, allow_redirects=False, timeout=10
        )

    def submit(self, path: str, data: dict, headers: dict | None = None) -> requests.Response:
        """Open the form at `path` and send it with `data`."""
        page = self.get(path, headers)
        hidden = _HiddenFields()
        hidden.feed(page.text)
        return self.session.post(
            page.url,
            data={**hidden.fields, **data},
            headers={"Referer": page.url, **(headers or {})},
            allow_redirects=False,
            timeout=10,
        )

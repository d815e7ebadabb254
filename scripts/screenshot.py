"""Take the README's screenshots: demo data in a throwaway database, real Chromium.

.venv/bin/python scripts/screenshot.py   # writes docs/*.png
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crm import create_app  # noqa: E402
from crm.demo import seed_demo  # noqa: E402
from crm.demo.staff import DEMO_PASSWORD  # noqa: E402
from crm.enquiry_sources import ensure_default_sources  # noqa: E402
from crm.extensions import db  # noqa: E402

SHOTS = [
    ("manager@demo.hearth", "/dashboard/", "dashboard.png"),
    ("manager@demo.hearth", "/dashboard/#trend-h", "dashboard-trends.png"),
    ("officer@demo.hearth", "/cases/?stage=open", "cases.png"),
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/demo.db",
                "PASSWORD_HASH_TIME_COST": 1,
                "PASSWORD_HASH_MEMORY_COST": 8,
            }
        )
        with app.app_context():
            db.create_all()
            ensure_default_sources()
            seed_demo(seed=1)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                ],
            )
            for email, path, name in SHOTS:
                page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-GB")
                page.goto(f"{url}/auth/login")
                page.get_by_label("Email address").fill(email)
                page.get_by_label("Password").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                path, _, section = path.partition("#")  # "#x": just the section x heads
                page.goto(url + path)
                target = ROOT / "docs" / name
                if section:
                    page.locator(f'section[aria-labelledby="{section}"]').screenshot(path=target)
                else:
                    page.screenshot(path=str(target), full_page=False)
                page.close()
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()

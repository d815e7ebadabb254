"""Locust scenario for bench/load.py: 16 staff using Hearth at once.

Each simulated person waits 0.5-1.5 s between requests (people read pages) and
opens, in proportion, the officers' case list, a case page, the SSW caseload and
the manager's dashboard, signed in with the session cookies bench/load.py made.
"""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

COOKIES = json.loads(os.environ["HEARTH_BENCH_COOKIES"])
CASE_IDS = json.loads(os.environ["HEARTH_BENCH_CASE_IDS"])
AS_OF = os.environ["HEARTH_BENCH_AS_OF"]


class Staff(HttpUser):
    wait_time = between(0.5, 1.5)

    def _get(self, path: str, name: str, role: str) -> None:
        self.client.cookies.clear()  # each page as its own role, whatever came back last
        with self.client.get(
            path,
            name=name,
            cookies={"session": COOKIES[role]},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task(3)
    def case_list(self) -> None:
        self._get("/cases/?stage=open", "case list", "officer")

    @task(3)
    def case_page(self) -> None:
        self._get(f"/cases/{random.choice(CASE_IDS)}", "case page", "officer")

    @task(2)
    def caseload(self) -> None:
        self._get("/households/caseload", "caseload", "ssw")

    @task(1)
    def dashboard(self) -> None:
        self._get(f"/dashboard/?as_of={AS_OF}", "dashboard", "manager")

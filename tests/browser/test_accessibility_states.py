"""WCAG 2.2 AA in the states links cannot reach (issue 32, item 9): every form refused
(its required fields left blank), the results of each search, an import's preview and
the two-step set-up page, checked by axe-core as the linked pages are; and after a
refusal, focus is on the summary of what to put right."""

from __future__ import annotations

import csv

from axe_playwright_python.sync_playwright import Axe

from crm.models import Role
from tests.browser.axe_checks import serious_violations
from tests.browser.conftest import every_page, sign_in

#: Forms whose sending does something that blanking a field does not stop.
NOT_SENT = ("logout", "sign-out", "erase", "delete", "run", "seal", "revoke")

REFUSE = """(index) => {
  const form = document.querySelectorAll("main form[method=post]")[index];
  form.noValidate = true;
  form.querySelectorAll("[required]").forEach((input) => { input.value = ""; });
  form.requestSubmit();
}"""

FORMS_WITH_REQUIRED_FIELDS = """(notSent) => Array.from(
  document.querySelectorAll("main form[method=post]"),
  (form, index) => [index, form.getAttribute("action") || location.pathname,
                    form.querySelectorAll("[required]").length]
).filter(([, action, required]) => required > 0 && !notSent.some((w) => action.includes(w)))"""


def test_every_refused_form_has_no_serious_violation_and_focuses_its_summary(page, demo_server):
    """At desktop width only (the linked pages are checked at both): 26 forms, two minutes."""
    page.set_viewport_size({"width": 1280, "height": 900})
    axe = Axe()
    sign_in(page, demo_server, demo_server.email)
    found, refused = {}, 0
    for path in every_page(demo_server.app):
        if path.startswith("/api/"):
            continue
        page.goto(f"{demo_server.url}{path}")
        for index, action, _ in page.evaluate(FORMS_WITH_REQUIRED_FIELDS, list(NOT_SENT)):
            page.goto(f"{demo_server.url}{path}")
            with page.expect_navigation():
                page.evaluate(REFUSE, index)
            if not page.locator(".is-invalid, .error-summary, .invalid-feedback").count():
                continue
            refused += 1
            where = f"{path} -> {action}"
            if problems := serious_violations(axe, page):
                found[where] = problems
            if page.locator(".error-summary").count():
                focused = page.evaluate(
                    "document.activeElement.classList.contains('error-summary')"
                )
                if not focused:
                    found[where] = ["focus is not on the error summary"]
    assert refused >= 10  # the check reached the forms, not only their pages
    assert found == {}


SEARCHES = ["/cases/?q=smith", "/cases/?q=zzzz-nobody", "/households/?q=a", "/cases/?stage=stage2"]


def test_search_results_have_no_serious_violation(page, demo_server):
    sign_in(page, demo_server, demo_server.email)
    found = {}
    for path in SEARCHES:
        page.goto(f"{demo_server.url}{path}")
        if problems := serious_violations(Axe(), page):
            found[path] = problems
    assert found == {}


def test_an_import_preview_has_no_serious_violation(page, demo_server, tmp_path):
    path = tmp_path / "tracker.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["reference", "first_name", "last_name", "enquiry_date", "source"])
        writer.writerow(["AX-1", "Ada", "Lovelace", "2026-01-05", "website"])
        writer.writerow(["AX-2", "Bad", "Date", "not a date", "website"])
    sign_in(page, demo_server, demo_server.email)
    page.goto(f"{demo_server.url}/imports/tracker")
    page.get_by_label("Tracker file (.csv or .xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    assert serious_violations(Axe(), page) == []


def test_the_two_step_set_up_page_has_no_serious_violation(page, demo_server, user_with_on):
    email = user_with_on(demo_server, Role.RECRUITMENT_OFFICER)
    sign_in(page, demo_server, email)
    page.goto(f"{demo_server.url}/auth/two-step")
    assert serious_violations(Axe(), page) == []

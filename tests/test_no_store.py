"""No page or download is kept by a browser or proxy (issue 29, item 13): every response
but the app's static files says `Cache-Control: no-store`, so personal data is not left in
a shared computer's cache or shown again by its back button after sign-out. Walked over
every route of the URL map (as tests/test_access.py does), signed in with every role and
with the ids of real records, so the pages and downloads answer with their data."""

from __future__ import annotations

from datetime import date

import pytest

from crm import create_app
from crm.domain.stages import EventKind
from crm.models import Role
from tests.conftest import login
from tests.factories import CaseFactory, HouseholdFactory, UserFactory, advance, panel_sitting

#: Values for the routes' other arguments: a step, a download's format, a table.
ARGUMENTS = {"kind": "first_contact", "fmt": "csv", "key": "summary", "name": "cases"}
#: Where a route's argument means something else.
ARGUMENTS_OF = {
    "privacy.document": {"kind": "case"},
    "privacy.export": {"kind": "case"},
    "households.certificates": {"kind": "carer"},
    "dashboard.compliance_download": {"key": "compliance"},
}
CACHEABLE = {"static", "bootstrap.static", "public.logo"}


def _rules():
    return sorted(
        (rule.endpoint, rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"}))
        for rule in create_app("testing").url_map.iter_rules()
        if rule.endpoint not in CACHEABLE
    )


GET_RULES = [(endpoint, rule) for endpoint, rule, methods in _rules() if "GET" in methods]


@pytest.fixture
def records(db):
    case = advance(CaseFactory(reference="NS-1"), (EventKind.FIRST_CONTACT, date(2025, 4, 2)))
    household = HouseholdFactory(reference="NS-H")
    panel_sitting(date(2025, 5, 8))  # a sitting and its members, for the panel's pages
    return {
        "case_id": case.id,
        "record_id": case.id,
        "household_id": household.id,
        "person_id": household.carers[0].id,
    }


def _url(app, endpoint: str, ids: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        given = ARGUMENTS | ARGUMENTS_OF.get(endpoint, {})
        args = {name: given.get(name, ids.get(name, 1)) for name in rule.arguments}
        return app.url_for(endpoint, **args)


@pytest.mark.parametrize(("endpoint", "rule"), GET_RULES, ids=[e for e, _ in GET_RULES])
def test_every_page_and_download_is_never_stored(app, client, records, endpoint, rule):
    login(client, UserFactory(roles=list(Role)))
    response = client.get(_url(app, endpoint, records))
    assert response.headers.get("Cache-Control") == "no-store", response.status_code


def test_the_walk_reaches_the_pages_and_downloads_themselves(app, client, records):
    """The walk above would pass on error pages alone: most must answer with content."""
    login(client, UserFactory(roles=list(Role)))
    # not the applicant's own pages, which refuse a staff session by design
    # (tests/test_door.py); the walk above still finds each of them saying no-store
    staff_rules = [(e, rule) for e, rule in GET_RULES if not e.startswith("door.")]
    answered = [
        endpoint
        for endpoint, _ in staff_rules
        if client.get(_url(app, endpoint, records)).status_code == 200
    ]
    assert len(answered) > 0.6 * len(staff_rules)
    downloads = {
        "cases.export",
        "dashboard.download",
        "privacy.export",
        "dashboard.ofsted_download",
    }
    assert {"cases.show", "households.show", *downloads} <= set(answered)


def test_a_posts_answer_is_never_stored_either(officer_client, records):
    response = officer_client.post(
        f"/cases/{records['case_id']}/activities", data={"kind": "call", "on": "2025-04-03"}
    )
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/auth/login", "/foster-with-us/", "/no-such-page"])
def test_pages_for_anyone_are_never_stored(client, db, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_the_static_files_may_be_cached(client, db):
    response = client.get("/static/hearth.css")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")

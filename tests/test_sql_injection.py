"""SQL injection through every sort, filter and search parameter of every page: each
classic payload is sent to every page as every filter the app knows, and must be
treated as a value (never a 500, never more rows, never a changed database)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from wtforms.fields.core import UnboundField

from crm.formfields import FilterForm
from crm.models import Role
from tests.conftest import login
from tests.factories import CaseFactory, HouseholdFactory, UserFactory

PAYLOADS = [
    "' OR '1'='1",
    "1 OR 1=1",
    "'; DROP TABLE users; --",
    "1; DELETE FROM cases",
    '" OR ""="',
    "reference DESC; SELECT 1",
    "(SELECT password_hash FROM users LIMIT 1)",
    "last_name, (CASE WHEN 1=1 THEN 1 ELSE 1/0 END)",
    "%' AND 1=0 UNION SELECT email, password_hash FROM users --",
    "1' AND SLEEP(5)--",
]
# Parameters read straight from the query string, besides the filter forms' fields.
LOOSE_PARAMETERS = {"sort", "dir", "order", "page", "per_page", "on", "worker", "band"}


def _filter_fields() -> set[str]:
    import crm.admin.forms  # noqa: F401  (import every module that defines a filter form)
    import crm.cases.forms  # noqa: F401
    import crm.dashboard.forms  # noqa: F401
    import crm.households.forms  # noqa: F401
    import crm.privacy.forms  # noqa: F401

    names, forms = set(), [FilterForm]
    while forms:
        form = forms.pop()
        forms.extend(form.__subclasses__())
        for klass in form.__mro__:
            names |= {n for n, v in vars(klass).items() if isinstance(v, UnboundField)}
    return names - {"submit", "csrf_token"}


PARAMETERS = sorted(_filter_fields() | LOOSE_PARAMETERS)


def _pages(app):
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if (
                "GET" in rule.methods
                and not rule.arguments
                and not rule.endpoint.startswith(("static", "bootstrap", "auth.sso"))
            ):
                yield app.url_for(rule.endpoint)


def _snapshot(db) -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name != "audit_events"
    }


@pytest.fixture
def everyone(client, db):
    CaseFactory(last_name="Nobody-Matches")
    HouseholdFactory()
    user = UserFactory(roles=list(Role))
    login(client, user)
    return client


# The pages that sort, filter or search, each sent every parameter alone.
LISTS = [
    "/cases/",
    "/cases/mine",
    "/households/",
    "/households/caseload",
    "/households/at-risk",
    "/admin/audit",
    "/privacy/",
]


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_no_page_runs_a_payload_given_in_every_parameter_at_once(app, db, everyone, payload):
    before = _snapshot(db)
    query = dict.fromkeys(PARAMETERS, payload)
    failures = [
        (page, status)
        for page in _pages(app)
        if (status := everyone.get(page, query_string=query).status_code) >= 500
    ]
    assert failures == []
    assert _snapshot(db) == before


@pytest.mark.parametrize("payload", PAYLOADS[:4], ids=range(4))
def test_no_list_runs_a_payload_given_in_any_one_parameter(db, everyone, payload):
    before = _snapshot(db)
    failures = [
        (page, name)
        for page in LISTS
        for name in PARAMETERS
        if everyone.get(page, query_string={name: payload}).status_code >= 500
    ]
    assert failures == []
    assert _snapshot(db) == before


def test_the_lists_named_are_real_pages(everyone):
    assert [everyone.get(page).status_code for page in LISTS] == [200] * len(LISTS)


@pytest.mark.parametrize("payload", PAYLOADS[:2] + PAYLOADS[8:9])
def test_a_search_payload_finds_nothing_rather_than_everything(everyone, payload):
    page = everyone.get("/cases/", query_string={"q": payload}).get_data(as_text=True)
    assert "Nobody-Matches" not in page

"""Every form and JSON endpoint, fuzzed with Hypothesis: whatever arrives (random text,
huge values, odd unicode, wrong types), the answer is never a 500, and a refused
request leaves nothing half-saved."""

from __future__ import annotations

import os
from datetime import date

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm import create_app
from crm.domain.stages import EventKind as K
from crm.models import AuditAction, AuditEvent, Placement, Role
from tests.conftest import login
from tests.factories import CaseFactory, HouseholdFactory, UserFactory, advance

ODD = [
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "1e309",
    "NaN",
    "2025-13-45",
    "31/02/2025",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "0001-01",
    "9999-12",
    "\u202etxt.exe",
    "٣٤",
    "🏠" * 50,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "a\x00b",
    "\ud7ff\ue000",
]
VALUES = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=40),
    st.sampled_from(["x" * 5000, "é" * 3000, "9" * 400]),  # far past every length limit
    st.integers().map(str),
    st.dates().map(date.isoformat),
)


def _form_field_names() -> list[str]:
    """Every field name of every form in the app."""
    import crm.admin.forms  # noqa: F401
    import crm.auth.forms  # noqa: F401
    import crm.cases.forms  # noqa: F401
    import crm.dashboard.forms  # noqa: F401
    import crm.households.forms  # noqa: F401
    import crm.privacy.forms  # noqa: F401
    import crm.public.forms  # noqa: F401
    import crm.uploads.forms  # noqa: F401

    names: set[str] = set()
    stack = list(FlaskForm.__subclasses__())
    while stack:
        form = stack.pop()
        stack.extend(form.__subclasses__())
        names.update(
            name for name in dir(form) if hasattr(getattr(form, name, None), "field_class")
        )
    return sorted(names - {"csrf_token"})


FIELDS = _form_field_names()


@pytest.fixture
def world(app, db, client):
    """A signed-in user with every role, a case at Stage 1 and a household with a child."""
    user = UserFactory(roles=list(Role))
    case = advance(
        CaseFactory(reference="FUZZ-1", enquiry_date=date(2025, 4, 1)),
        (K.FIRST_CONTACT, date(2025, 4, 2)),
        (K.INITIAL_VISIT, date(2025, 4, 9)),
        (K.APPLICATION, date(2025, 5, 1)),
    )
    household = HouseholdFactory(reference="FUZZ-H", supervising_worker=user)
    household.placements.append(Placement(child_reference="C1", start_date=date(2024, 1, 1)))
    db.session.commit()
    login(client, user)
    ids = {"case_id": case.id, "household_id": household.id, "user_id": user.id}
    return client, ids


def _url(app, endpoint: str, ids: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    arguments = {}
    for name in rule.arguments:
        arguments[name] = {"kind": "stage2_start", "fmt": "csv"}.get(name, ids.get(name, 1))
    with app.test_request_context():
        return app.url_for(endpoint, **arguments)


def _writes(db) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.action != AuditAction.VIEWED)
    )


# Deterministic in the suite (the same examples every run, so CI never goes red by
# chance); HYPOTHESIS_EXAMPLES=200 explores further by hand.
FUZZ = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "12")),
    derandomize="HYPOTHESIS_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    database=None,
)


#: Every POST route (signing out has nothing to fuzz).
POST_ENDPOINTS = sorted(
    rule.endpoint
    for rule in create_app("testing").url_map.iter_rules()
    if "POST" in rule.methods and rule.endpoint != "auth.logout"
)


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
@FUZZ
@given(data=st.fixed_dictionaries({}, optional={name: VALUES for name in FIELDS}))
def test_no_form_answers_a_500_or_half_saves(app, world, db, endpoint, data):
    client, ids = world
    before = _writes(db)
    response = client.post(_url(app, endpoint, ids), data=data)
    assert response.status_code < 500, (endpoint, data)
    # Refused: nothing at all was written (302: saved and sent on; 201: made, and the
    # page shows what only it may show, such as an invitation's one-time address).
    if response.status_code not in (201, 302):
        db.session.rollback()
        assert _writes(db) == before, (endpoint, data)


@FUZZ
@given(
    params=st.fixed_dictionaries(
        {}, optional={name: VALUES for name in ("from", "to", "as_of", "date_from", "date_to")}
    )
)
def test_the_metrics_api_answers_bad_parameters_with_a_4xx(world, params):
    client, _ = world
    response = client.get("/api/metrics", query_string=params)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.is_json and "error" in response.get_json()


@FUZZ
@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            name: VALUES
            for name in (
                "q",
                "stage",
                "flag",
                "source",
                "owner",
                "date_from",
                "date_to",
                "page",
                "step",
                "status",
                "worker",
                "category",
                "reason",
                "as_of",
                "month",
                "year",
                "sort",
                "band",
                "on",
                "current_on",
                "approved_from",
                "deregistered_to",
                "age",
            )
        },
    ),
    path=st.sampled_from(
        [
            "/cases/",
            "/households/",
            "/households/caseload",
            "/households/at-risk",
            "/dashboard/",
            "/dashboard/summary",
            "/dashboard/ofsted",
            "/households/capacity",
            "/admin/audit",
            "/privacy/",
            "/cases/export.csv",
            "/dashboard/compliance",
            "/dashboard/forecast",
            "/dashboard/download/summary.csv",
            "/matching/",
            "/sufficiency/",
        ]
    ),
)
def test_no_list_or_report_page_answers_a_500(world, params, path):
    client, _ = world
    assert client.get(path, query_string=params).status_code < 500


#: Every name a page or the API reads a date, month or period from.
DATE_PARAMETERS = (
    "from",
    "to",
    "as_of",
    "date_from",
    "date_to",
    "month",
    "on",
    "current_on",
    "approved_from",
    "approved_to",
    "deregistered_from",
    "deregistered_to",
)
GET_ENDPOINTS = sorted(
    rule.endpoint
    for rule in create_app("testing").url_map.iter_rules()
    if "GET" in rule.methods and rule.endpoint not in {"static", "bootstrap.static"}
)


@pytest.mark.parametrize("far_off", [("0001-01-01", "0001-01"), ("9999-12-31", "9999-12")])
@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_no_page_answers_a_500_for_a_date_at_the_end_of_time(app, world, endpoint, far_off):
    """Year 1 and year 9999 in every date parameter of every page at once."""
    client, ids = world
    day, month = far_off
    params = {name: month if name == "month" else day for name in DATE_PARAMETERS}
    assert client.get(_url(app, endpoint, ids), query_string=params).status_code < 500


@pytest.mark.parametrize("page", ["9" * 40, "-5", "x", "1e9"])
def test_any_page_number_gives_a_page(world, page):
    client, _ = world
    assert client.get("/cases/", query_string={"page": page}).status_code == 200


def test_making_a_form_again_and_again_does_not_pile_up_its_filters(app):
    from crm.cases.forms import EnquiryForm

    with app.test_request_context():
        first = len(EnquiryForm().first_name.filters)
        for _ in range(5):
            EnquiryForm()
        assert len(EnquiryForm().first_name.filters) == first

"""Dates from outside run from 1900 to 2200 (crm/dates.py, issue 29 item 13): a date or
month outside that range in any page's or the API's query string is refused with a 400
that says so (year 1 and year 9999 answered 500), one typed into a form is that field's
error, and a command refuses it too. Every form's date box is Hearth's, so none can
forget the range."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from wtforms import DateField as WTFormsDateField

from crm.formfields import DateField
from crm.models import Activity, Role
from tests.conftest import login
from tests.factories import CaseFactory, UserFactory

MESSAGE = "between 1900 and 2200"

#: Every date, month or period parameter a page or the API reads from its query string.
DATED_PAGES = [
    "/api/metrics?from={day}&to=2025-03-31",
    "/api/metrics?from=2024-04-01&to={day}",
    "/api/metrics?from=2024-04-01&to=2025-03-31&as_of={day}",
    "/dashboard/?date_from={day}",
    "/dashboard/?date_to={day}",
    "/dashboard/?as_of={day}",
    "/dashboard/summary?month={month}",
    "/dashboard/download/summary.csv?as_of={day}",
    "/dashboard/forecast?as_of={day}",
    "/dashboard/compliance?as_of={day}",
    "/dashboard/compliance/compliance.csv?as_of={day}",
    "/households/capacity?on={day}",
    "/households/?current_on={day}",
    "/households/?approved_from={day}",
    "/households/?approved_to={day}",
    "/households/?deregistered_from={day}",
    "/households/?deregistered_to={day}",
    "/cases/?date_from={day}",
    "/cases/?date_to={day}",
    "/cases/export.csv?date_from={day}",
    "/matching/?age=9&on={day}",
    "/admin/audit?date_from={day}",
    "/admin/audit?date_to={day}",
]
FAR_OFF = [("0001-01-01", "0001-01"), ("9999-12-31", "9999-12"), ("1899-12-31", "1899-12")]


@pytest.fixture
def everyone(client, db):
    login(client, UserFactory(roles=list(Role)))
    return client


@pytest.mark.parametrize(("day", "month"), FAR_OFF)
@pytest.mark.parametrize("page", DATED_PAGES)
def test_a_date_outside_the_range_is_refused_with_a_400_saying_so(everyone, page, day, month):
    response = everyone.get(page.format(day=day, month=month))
    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)


def test_the_api_says_which_parameter_in_its_json(everyone):
    response = everyone.get("/api/metrics?from=0001-01-01&to=9999-12-31")
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "'from' must be a date between 1900 and 2200, not '0001-01-01'.",
        "status": 400,
    }


@pytest.mark.parametrize(
    "page",
    [
        "/api/metrics?from=1900-01-01&to=2200-12-31",
        "/dashboard/summary?month=1900-01",
        "/dashboard/summary?month=2200-12",
        "/households/capacity?on=2200-12-31",
        "/cases/?date_from=1900-01-01&date_to=2200-12-31",
    ],
)
def test_the_ends_of_the_range_are_accepted(everyone, page):
    assert everyone.get(page).status_code == 200


def test_a_form_that_saves_explains_the_range_on_the_field(officer_client, db):
    case = CaseFactory()
    response = officer_client.post(
        f"/cases/{case.id}/activities", data={"kind": "call", "on": "0001-01-01", "note": "x"}
    )
    assert response.status_code == 400
    assert "Give a date between 1900 and 2200." in response.get_data(as_text=True)
    assert db.session.query(Activity).count() == 0


def test_the_metrics_command_refuses_it_too(runner):
    result = runner.invoke(args=["metrics", "--from", "0001-01-01", "--to", "2025-03-31"])
    assert result.exit_code != 0
    assert MESSAGE in result.output


def _forms():
    stack = list(FlaskForm.__subclasses__())
    while stack:
        form = stack.pop()
        stack.extend(form.__subclasses__())
        yield form


def test_every_forms_date_box_is_hearths(app):
    """A form written with WTForms' own DateField would take year 1 again."""
    import crm.admin.forms  # noqa: F401
    import crm.cases.forms  # noqa: F401
    import crm.dashboard.forms  # noqa: F401
    import crm.households.forms  # noqa: F401
    import crm.matching.forms  # noqa: F401

    dated = {
        (form.__name__, name): getattr(form, name).field_class
        for form in _forms()
        for name in dir(form)
        if issubclass(getattr(getattr(form, name), "field_class", object), WTFormsDateField)
    }
    assert len(dated) > 30
    assert {where for where, field in dated.items() if not issubclass(field, DateField)} == set()

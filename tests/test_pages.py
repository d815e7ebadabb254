"""The pages people use every day render, filter and page as they expect."""

from __future__ import annotations

from datetime import date

import pytest

from crm.domain.stages import EventKind
from crm.models import Role
from tests.factories import CaseFactory, HouseholdFactory, advance

K = EventKind


@pytest.mark.parametrize(
    ("role", "home", "heading"),
    [
        (Role.RECRUITMENT_OFFICER, "/cases/mine", b"My cases"),
        (Role.SUPERVISING_SOCIAL_WORKER, "/households/caseload", b"My caseload"),
        (Role.MANAGER, "/dashboard/", b"Fostering pipeline"),
        (Role.ADMINISTRATOR, "/admin/users", b"Users"),
    ],
)
def test_each_role_lands_on_its_own_home_page(as_role, role, home, heading):
    client = as_role(role)
    response = client.get("/")
    assert response.headers["Location"] == home
    page = client.get(home)
    assert page.status_code == 200
    assert b"<h1" in page.data and heading in page.data


def test_navigation_shows_only_what_the_role_may_open(as_role):
    page = as_role(Role.SUPERVISING_SOCIAL_WORKER).get("/households/caseload").data
    assert b"My caseload" in page
    assert b"Audit log" not in page and b"Dashboard" not in page


def test_an_unknown_url_gets_a_friendly_404(officer_client):
    response = officer_client.get("/no/such/page")
    assert response.status_code == 404
    assert b"We could not find that page or record." in response.data


def test_a_case_that_does_not_exist_is_a_404_not_a_traceback(officer_client):
    assert officer_client.get("/cases/424242").status_code == 404


def test_dates_are_shown_the_uk_way(officer_client, db):
    case = CaseFactory(enquiry_date=date(2025, 4, 3))
    page = officer_client.get(f"/cases/{case.id}").data
    assert b"3 Apr 2025" in page


def test_the_case_list_filters_by_stage(officer_client, db):
    applied = advance(
        CaseFactory(),
        (K.FIRST_CONTACT, date(2025, 4, 2)),
        (K.INITIAL_VISIT, date(2025, 4, 9)),
        (K.APPLICATION, date(2025, 5, 1)),
    )
    waiting = CaseFactory()
    page = officer_client.get("/cases/?stage=stage1").data
    assert applied.reference.encode() in page
    assert waiting.reference.encode() not in page


def test_the_case_list_searches_by_postcode_ignoring_spaces(officer_client, db):
    match = CaseFactory(postcode="LE3 9QP")
    other = CaseFactory(postcode="NG1 1AA")
    page = officer_client.get("/cases/?q=le39qp").data
    assert match.reference.encode() in page and other.reference.encode() not in page


def test_the_case_list_searches_by_email(officer_client, db):
    match = CaseFactory(email="unique.person@example.com")
    other = CaseFactory(email="someone.else@example.com")
    page = officer_client.get("/cases/?q=unique.person").data
    assert match.reference.encode() in page and other.reference.encode() not in page


def test_the_case_list_pages_25_at_a_time(officer_client, db):
    CaseFactory.create_batch(30)
    first = officer_client.get("/cases/").get_data(as_text=True)
    second = officer_client.get("/cases/?page=2").get_data(as_text=True)
    assert "Showing 1–25 of 30" in first
    assert "Showing 26–30 of 30" in second


def test_a_nonsense_page_number_shows_the_first_page(officer_client, db):
    CaseFactory()
    assert officer_client.get("/cases/?page=banana").status_code == 200


def test_filters_keep_what_was_typed(officer_client, db):
    page = officer_client.get("/cases/?q=Smith&stage=stage2").get_data(as_text=True)
    assert 'value="Smith"' in page
    assert '<option selected value="stage2">' in page


def test_an_inverted_date_range_is_explained(officer_client, db):
    page = officer_client.get("/cases/?date_from=2025-05-01&date_to=2025-04-01").data
    assert b"The end date is before the start date." in page


def test_my_cases_lists_only_my_open_cases(client, officer, make_user, db):
    from tests.conftest import login

    colleague = make_user(Role.RECRUITMENT_OFFICER)
    mine, theirs = CaseFactory(owner=officer), CaseFactory(owner=colleague)
    login(client, officer)
    page = client.get("/cases/mine").data
    assert mine.reference.encode() in page and theirs.reference.encode() not in page


def test_the_caseload_lists_the_workers_current_households(client, ssw, make_user, db):
    from tests.conftest import login

    other = make_user(Role.SUPERVISING_SOCIAL_WORKER)
    mine, theirs = (
        HouseholdFactory(supervising_worker=ssw),
        HouseholdFactory(supervising_worker=other),
    )
    login(client, ssw)
    page = client.get("/households/caseload").data
    assert mine.reference.encode() in page and theirs.reference.encode() not in page


def test_the_dashboard_counts_open_cases_by_stage_and_links_to_the_list(manager_client, db):
    CaseFactory.create_batch(3)
    page = manager_client.get("/dashboard/").get_data(as_text=True)
    assert 'href="/cases/?stage=enquiry" aria-label="3 cases at New enquiry">3</a>' in page


def test_an_administrator_can_add_a_user_and_the_form_keeps_input_on_error(admin_client, db):
    bad = admin_client.post(
        "/admin/users/new",
        data={
            "full_name": "New Person",
            "email": "new.person@fostering.example.gov.uk",
            "roles": [],
        },
    ).get_data(as_text=True)
    assert 'value="New Person"' in bad
    assert "Choose at least one role." in bad
    good = admin_client.post(
        "/admin/users/new",
        data={
            "full_name": "New Person",
            "email": "new.person@fostering.example.gov.uk",
            "roles": ["manager"],
            "active": "y",
        },
    )
    assert good.status_code == 201 and b'id="invitation-link"' in good.data


def test_two_users_cannot_share_an_email(admin_client, officer):
    page = admin_client.post(
        "/admin/users/new",
        data={
            "full_name": "Copy",
            "email": officer.email.upper(),
            "roles": ["manager"],
        },
    ).data
    assert b"Another account already uses this email address." in page


def test_deactivating_a_user_keeps_the_account(admin_client, officer, db):
    admin_client.post(
        f"/admin/users/{officer.id}",
        data={
            "full_name": officer.full_name,
            "email": officer.email,
            "roles": ["recruitment_officer"],
        },
    )
    db.session.refresh(officer)
    assert officer.active is False


def test_an_administrator_changes_a_stalled_limit(admin_client, db):
    from dataclasses import asdict

    from crm.domain.settings import Settings
    from crm.models.setting import load_settings

    data = asdict(Settings()) | {"stage1_limit_days": 45}
    assert admin_client.post("/admin/settings", data=data).status_code == 302
    assert load_settings().stage1_limit_days == 45


def test_a_negative_setting_is_refused(admin_client, db):
    from dataclasses import asdict

    from crm.domain.settings import Settings

    page = admin_client.post(
        "/admin/settings", data=asdict(Settings()) | {"panel_limit_days": -1}
    ).data
    assert b"Number must be between 0 and 3650." in page


def test_the_case_list_searches_by_phone_whatever_the_spacing(officer_client, db):
    match = CaseFactory(phone="07700 900 123", phone_key="07700900123")
    other = CaseFactory(phone="07700 900 456", phone_key="07700900456")
    page = officer_client.get("/cases/?q=07700900123").data
    assert match.reference.encode() in page and other.reference.encode() not in page

"""Two tabs never lose data (issue 32, item 2): a form opened before someone else saved
keeps their changes and applies only what this person changed; where both changed the
same field differently, the page shows both and asks."""

from __future__ import annotations

import re
from datetime import date

from crm.models import Case, Role
from tests.conftest import login
from tests.factories import CaseFactory, UserFactory

CONTACT = {
    "first_name": "Amira",
    "last_name": "Haddad",
    "email": "amira@example.com",
    "phone": "07700 900456",
    "address": "1 High St",
    "postcode": "LE2 7AB",
}


def opened(client, url: str) -> dict[str, str]:
    """The hidden fields a page was opened with (its version and signed values)."""
    page = client.get(url).get_data(as_text=True)
    return dict(re.findall(r'name="(version|opened_with)" type="hidden" value="([^"]*)"', page))


def a_case(**kwargs) -> Case:
    return CaseFactory(**{f: v for f, v in CONTACT.items() if f != "phone"}, **kwargs)


def test_the_two_tab_case_keeps_both_changes(officer_client, db):
    case = a_case()
    url = f"/cases/{case.id}/contact"
    tab_a, tab_b = opened(officer_client, url), opened(officer_client, url)
    officer_client.post(url, data={**CONTACT, **tab_a, "address": "22 New Road"})

    response = officer_client.post(url, data={**CONTACT, **tab_b, "email": "a.h@example.com"})

    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Case, case.id)
    assert (saved.address, saved.email) == ("22 New Road", "a.h@example.com")


def test_the_save_says_whose_changes_were_kept(officer_client, db):
    case = a_case()
    url = f"/cases/{case.id}/contact"
    tab_a, tab_b = opened(officer_client, url), opened(officer_client, url)
    officer_client.post(url, data={**CONTACT, **tab_a, "address": "22 New Road"})
    officer_client.post(url, data={**CONTACT, **tab_b, "email": "a.h@example.com"})
    page = officer_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Their changes are kept with yours" in page and "changed the address" in page


def test_the_same_field_changed_twice_shows_both_and_saves_nothing(officer_client, db):
    case = a_case()
    url = f"/cases/{case.id}/contact"
    tab_a, tab_b = opened(officer_client, url), opened(officer_client, url)
    officer_client.post(url, data={**CONTACT, **tab_a, "address": "22 New Road"})

    response = officer_client.post(url, data={**CONTACT, **tab_b, "address": "9 Elm Close"})

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Changed meanwhile to “22 New Road”; yours is “9 Elm Close”" in page
    db.session.expire_all()
    assert db.session.get(Case, case.id).address == "22 New Road"


def test_choosing_after_both_were_shown_saves_the_choice(officer_client, db):
    case = a_case()
    url = f"/cases/{case.id}/contact"
    tab_a, tab_b = opened(officer_client, url), opened(officer_client, url)
    officer_client.post(url, data={**CONTACT, **tab_a, "address": "22 New Road"})
    page = officer_client.post(url, data={**CONTACT, **tab_b, "address": "9 Elm Close"})
    again = dict(
        re.findall(
            r'name="(version|opened_with)" type="hidden" value="([^"]*)"',
            page.get_data(as_text=True),
        )
    )

    response = officer_client.post(url, data={**CONTACT, **again, "address": "9 Elm Close"})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).address == "9 Elm Close"


def test_saving_what_the_page_shows_never_puts_back_the_old_value(officer_client, db):
    """The issue's report: the refusal page re-filled B's form with the old address, and
    "save again" put it back over A's. Whatever page B is shown, sending it keeps A's."""
    case = a_case()
    url = f"/cases/{case.id}/contact"
    tab_a, tab_b = opened(officer_client, url), opened(officer_client, url)
    officer_client.post(url, data={**CONTACT, **tab_a, "address": "22 New Road"})
    response = officer_client.post(url, data={**CONTACT, **tab_b, "email": "a.h@example.com"})
    if response.status_code == 409:  # save again what the page shows
        page = response.get_data(as_text=True)
        shown = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', page))
        officer_client.post(url, data={**CONTACT, **shown})
    db.session.expire_all()
    assert db.session.get(Case, case.id).address == "22 New Road"


def test_the_assessment_form_merges_a_worker_and_a_panel_date(client, make_user, db):
    manager = make_user(Role.MANAGER)
    worker = UserFactory(roles=[Role.SUPERVISING_SOCIAL_WORKER], full_name="Sam Social")
    case = CaseFactory()
    login(client, manager)
    url = f"/cases/{case.id}/assessment"
    tab_a, tab_b = opened(client, url), opened(client, url)
    client.post(url, data={**tab_a, "assessing_worker": str(worker.id)})

    response = client.post(
        url, data={**tab_b, "assessing_worker": "", "panel_booked_for": "2026-03-12"}
    )

    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Case, case.id)
    assert (saved.assessing_worker_id, saved.panel_booked_for) == (worker.id, date(2026, 3, 12))


def test_a_worker_chosen_twice_is_shown_by_name(client, make_user, db):
    manager = make_user(Role.MANAGER)
    sam = UserFactory(roles=[Role.SUPERVISING_SOCIAL_WORKER], full_name="Sam Social")
    pat = UserFactory(roles=[Role.SUPERVISING_SOCIAL_WORKER], full_name="Pat Worker")
    case = CaseFactory()
    login(client, manager)
    url = f"/cases/{case.id}/assessment"
    tab_a, tab_b = opened(client, url), opened(client, url)
    client.post(url, data={**tab_a, "assessing_worker": str(sam.id)})
    response = client.post(url, data={**tab_b, "assessing_worker": str(pat.id)})
    assert response.status_code == 409
    assert "Changed meanwhile to “Sam Social”; yours is “Pat Worker”" in response.get_data(
        as_text=True
    )


def test_the_merge_field_by_field():
    from crm.formfields import three_way_merge

    opened_with = {"address": ["1 High St"], "email": ["a@x.org"], "phone": ["0116"]}
    theirs = {"address": ["22 New Road"], "email": ["a@x.org"], "phone": ["0117"]}
    mine = {"address": ["1 High St"], "email": ["b@x.org"], "phone": ["0118"]}
    merged, both = three_way_merge(opened_with, mine, theirs)
    assert merged == {"address": ["22 New Road"], "email": ["b@x.org"], "phone": ["0118"]}
    assert both == ["phone"]


def test_without_the_opened_values_every_difference_is_asked_about():
    from crm.formfields import three_way_merge

    merged, both = three_way_merge(None, {"address": ["1 High St"]}, {"address": ["2 Low St"]})
    assert both == ["address"] and merged == {"address": ["1 High St"]}


def test_the_carers_preferences_merge_too(manager_client, db):
    from tests.factories import HouseholdFactory

    household = HouseholdFactory(approval_date=date(2023, 6, 1))
    db.session.commit()
    url = f"/households/{household.id}/preferences"
    tab_a, tab_b = opened(manager_client, url), opened(manager_client, url)
    manager_client.post(url, data={**tab_a, "prefers": "girl", "siblings_up_to": ""})

    response = manager_client.post(url, data={**tab_b, "prefers": "", "siblings_up_to": "3"})

    assert response.status_code == 302
    db.session.refresh(household)
    assert (household.prefers.value, household.siblings_up_to) == ("girl", 3)


def test_what_they_hope_to_offer_merges_too(officer_client, db):
    case = CaseFactory()
    url = f"/cases/{case.id}/offer"
    tab_a, tab_b = opened(officer_client, url), opened(officer_client, url)
    officer_client.post(url, data={**tab_a, "categories": ["short_term"]})

    response = officer_client.post(url, data={**tab_b, "places": "2"})

    assert response.status_code == 302
    db.session.refresh(case)
    assert (case.intended_categories, case.intended_places) == (["short_term"], 2)

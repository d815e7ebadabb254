"""No lost updates: a form opened on an older version of a case is refused, with what
changed, when someone else has since changed the same fields; and two saves racing in
the database cannot both win."""

from __future__ import annotations

import re
from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy.orm.exc import StaleDataError

from crm.models import ActivityKind, Case
from tests.factories import CaseFactory


def opened_version(client, case) -> str:
    page = client.get(f"/cases/{case.id}/assessment").get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def save(client, case, version: str, panel: str):
    return client.post(
        f"/cases/{case.id}/assessment",
        data={"version": version, "panel_booked_for": panel, "assessing_worker": ""},
    )


def test_a_stale_form_is_refused_and_says_what_changed(officer_client, officer, db):
    case = CaseFactory(reference="LOCK-1")
    mine = opened_version(officer_client, case)
    theirs = opened_version(officer_client, case)
    assert save(officer_client, case, theirs, "2026-01-10").status_code == 302

    response = save(officer_client, case, mine, "2026-02-20")

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Not saved:" in page and "changed panel booked for" in page
    assert 'value="2026-02-20"' in page  # what I typed is kept
    db.session.expire_all()
    assert db.session.get(Case, case.id).panel_booked_for == date(2026, 1, 10)


def test_saving_again_after_the_warning_succeeds(officer_client, db):
    case = CaseFactory(reference="LOCK-2")
    mine = opened_version(officer_client, case)
    save(officer_client, case, opened_version(officer_client, case), "2026-01-10")
    refused = save(officer_client, case, mine, "2026-02-20").get_data(as_text=True)
    fresh = re.search(r'name="version" type="hidden" value="(\d+)"', refused).group(1)
    assert save(officer_client, case, fresh, "2026-02-20").status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).panel_booked_for == date(2026, 2, 20)


def test_unrelated_changes_do_not_block_a_save(officer_client, officer, db):
    case = CaseFactory(reference="LOCK-3")
    mine = opened_version(officer_client, case)
    case.log_activity(ActivityKind.CALL, date(2025, 4, 2), officer, note="rang")
    db.session.commit()  # bumps the version, but touches no assessment field
    assert save(officer_client, case, mine, "2026-02-20").status_code == 302


def test_two_saves_racing_in_the_database_cannot_both_win(app, db):
    case = CaseFactory(reference="LOCK-4")
    other = db.session.get_bind().connect()
    other.execute(
        Case.__table__.update()
        .where(Case.__table__.c.id == case.id)
        .values(version=Case.__table__.c.version + 1, message="theirs")
    )
    other.commit()
    other.close()
    case.message = "mine"
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()


def test_terms_changed_since_the_form_was_opened_are_not_overwritten(client, make_user, db):
    from crm.models import ApprovalTerms, Role
    from tests.conftest import login
    from tests.factories import HouseholdFactory

    manager = make_user(Role.MANAGER, full_name="Dr Declan O'Neill")  # an apostrophe, escaped
    household = HouseholdFactory(reference="LOCK-H", approval_date=date(2023, 6, 1))
    login(client, manager)
    page = client.get(f"/households/{household.id}/terms").get_data(as_text=True)
    opened = re.search(r'name="version" type="hidden" value="(\d*)"', page).group(1)
    entry = {
        "decided_on": "2025-01-02",
        "effective_from": "2025-03-01",
        "places": "3",
        "min_age": "0",
        "max_age": "17",
        "categories": "short_term",
    }
    first = client.post(f"/households/{household.id}/terms", data={**entry, "version": opened})
    assert first.status_code == 302

    stale = client.post(
        f"/households/{household.id}/terms",
        data={**entry, "effective_from": "2025-04-01", "places": "1", "version": opened},
    )

    assert stale.status_code == 409
    text = stale.get_data(as_text=True)
    # Names such as O'Neill arrive HTML-escaped.
    assert f"{escape(manager.full_name)} changed the terms of approval at" in text
    assert db.session.query(ApprovalTerms).filter_by(household_id=household.id).count() == 2


def test_an_unrelated_change_to_the_household_does_not_block_new_terms(client, make_user, db):
    from crm.models import Role
    from tests.conftest import login
    from tests.factories import HouseholdFactory

    manager = make_user(Role.MANAGER)
    household = HouseholdFactory(reference="LOCK-H2", approval_date=date(2023, 6, 1))
    db.session.commit()
    login(client, manager)
    page = client.get(f"/households/{household.id}/terms").get_data(as_text=True)
    opened = re.search(r'name="version" type="hidden" value="(\d*)"', page).group(1)
    household.postcode = "LE1 1AA"  # someone corrects the address meanwhile
    db.session.commit()  # the household's row changed (its version moved on)
    assert household.version > int(opened)
    saved = client.post(
        f"/households/{household.id}/terms",
        data={
            "decided_on": "2025-01-02",
            "effective_from": "2025-03-01",
            "places": "3",
            "min_age": "0",
            "max_age": "17",
            "categories": "short_term",
            "version": opened,
        },
    )
    assert saved.status_code == 302

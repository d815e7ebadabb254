"""The manager's dashboard opens with what needs attention today, each count a link to
the list of exactly what it counted."""

from __future__ import annotations

import re

from crm.extensions import db
from crm.models import Flag, FlagKind
from crm.timeutil import today
from tests.factories import CaseFactory, HouseholdFactory


def attention(client) -> str:
    page = client.get("/dashboard/").get_data(as_text=True)
    return page.split('data-testid="attention">')[1].split("</section>")[0]


def link_for(part: str, label: str) -> tuple[int, str]:
    found = re.search(rf'<a href="([^"]+)"[^>]*><strong>(\d+)</strong> {label}</a>', part)
    return int(found.group(2)), found.group(1).replace("&amp;", "&")


def flag(kind: FlagKind, cleared: bool = False, **on) -> None:
    db.session.add(
        Flag(
            kind=kind, reason="r", raised_on=today(), cleared_on=today() if cleared else None, **on
        )
    )
    db.session.commit()


def test_nothing_waiting_says_so(manager_client):
    assert "Nothing late, waiting or at high risk." in attention(manager_client)


def test_an_open_panel_timescale_flag_is_counted_and_opens_its_case(manager_client, db):
    case = CaseFactory(reference="ATT-PANEL", owner=None)
    flag(FlagKind.PANEL_TIMESCALE, case_id=case.id)
    count, href = link_for(attention(manager_client), re.escape(FlagKind.PANEL_TIMESCALE.label))
    assert count == 1
    listing = manager_client.get(href).get_data(as_text=True)
    assert "ATT-PANEL" in listing


def test_a_cleared_flag_is_not_counted(manager_client, db):
    flag(FlagKind.STALLED, cleared=True, case_id=CaseFactory().id)
    assert "Assessments stalled" not in attention(manager_client)


def test_a_household_counts_once_however_many_duties_are_late(manager_client, db):
    household = HouseholdFactory()
    flag(FlagKind.SUPERVISION_VISIT_OVERDUE, household_id=household.id)
    flag(FlagKind.ANNUAL_REVIEW_OVERDUE, household_id=household.id)
    count, _ = link_for(attention(manager_client), "Households with visits, reviews or TSD overdue")
    assert count == 1


def test_an_unallocated_household_is_counted_and_listed(manager_client, db):
    HouseholdFactory(reference="HH-NOBODY", supervising_worker=None)
    count, href = link_for(
        attention(manager_client), "Households with no supervising social worker"
    )
    assert count == 1
    assert "HH-NOBODY" in manager_client.get(href).get_data(as_text=True)


def test_unassigned_new_enquiries_are_counted_and_listed(manager_client, db):
    CaseFactory(reference="ATT-NEW", owner=None)
    count, href = link_for(attention(manager_client), "New enquiries waiting for an officer")
    assert count == 1
    assert "ATT-NEW" in manager_client.get(href).get_data(as_text=True)

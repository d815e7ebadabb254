"""Kinship figures measured against the kinship clock, and the Ofsted return's
connected-persons lines (issue 33, item 7). A service worked by hand for 2025-26:

Five connected persons temporarily approved under reg 24 on 1 Apr 2025 (16 weeks end
on 21 Jul 2025, the approval lapsing on 22 Jul; one extension reaches 15 Sep at most):
  A approved by the ADM on 21 Jul 2025: within 16 weeks (day 111);
  B approved on 22 Jul 2025: not within 16 weeks (day 112), within 24;
  C not approved (rejected at panel) on 15 Sep 2025: within 24 weeks (day 167);
  D not approved (rejected) on 16 Sep 2025: later than 24 weeks (day 168);
  E still being assessed: not decided, not counted;
  G withdrawn by the applicant on 1 Jun 2025: no agency decision, not counted.
And F, temporarily approved 1 Apr 2024 and approved on 10 Mar 2025: decided in 2024-25.
So 2025-26: 4 decided, 1 within 16 weeks (25%), 3 within 24 weeks (75%), 1 later.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from crm.cases.services import NewReferral, approve_case, create_referral
from crm.domain.kinship import ReferralUrgency
from crm.domain.stages import EventKind as K
from crm.extensions import db
from crm.metrics.kinship import clock_figures, clock_rows
from crm.metrics.ofsted import ofsted_return
from crm.metrics.period import make_period
from crm.models import CarerType, TemporaryApproval
from tests.factories import advance

D = date
TODAY = D(2026, 3, 31)
YEAR = make_period(D(2025, 4, 1), D(2026, 3, 31), TODAY)


def temporarily_approved(name: str, on: date):
    case = create_referral(
        NewReferral(
            first_name=name,
            last_name="Hughes",
            referred_on=on,
            social_worker="Sunita Patel",
            child_reference=f"C-{name}",
            connection="Aunt",
            urgency=ReferralUrgency.IMMEDIATE,
        ),
        by=None,
        as_of=TODAY,
    )
    case.temporary_approval = TemporaryApproval(
        child_reference=f"C-{name}", approved_on=on, placed_on=on
    )
    advance(case, (K.APPLICATION, on), (K.STAGE2_START, on), today=TODAY)
    return case


def approved(case, panel: date, on: date):
    advance(case, (K.PANEL, panel), today=TODAY)
    approve_case(case, on, None, places=1, as_of=TODAY).reference = case.reference
    db.session.commit()


@pytest.fixture
def service(db):
    cases = {n: temporarily_approved(n, D(2025, 4, 1)) for n in "ABCDEG"}
    advance(cases["G"], (K.WITHDRAWN_BY_APPLICANT, D(2025, 6, 1), "AW3"), today=TODAY)
    approved(cases["A"], D(2025, 7, 10), D(2025, 7, 21))
    approved(cases["B"], D(2025, 7, 10), D(2025, 7, 22))
    advance(cases["C"], (K.PANEL, D(2025, 9, 15)), (K.REJECTED, D(2025, 9, 15)), today=TODAY)
    advance(cases["D"], (K.PANEL, D(2025, 9, 16)), (K.REJECTED, D(2025, 9, 16)), today=TODAY)
    cases["F"] = temporarily_approved("F", D(2024, 4, 1))
    approved(cases["F"], D(2025, 3, 1), D(2025, 3, 10))
    return cases


def test_the_denominator_is_the_temporary_approvals_decided_in_the_period(service):
    assert {r.case_id for r in clock_rows(YEAR)} == {service[n].id for n in "ABCD"}


def test_a_withdrawal_is_not_an_agency_decision(service):
    assert service["G"].id not in {r.case_id for r in clock_rows(YEAR)}


def test_decided_on_day_111_is_within_16_weeks_and_day_112_is_not(service):
    by_case = {r.case_id: r for r in clock_rows(YEAR)}
    a, b = by_case[service["A"].id], by_case[service["B"].id]
    assert (a.days, a.within_16_weeks) == (111, True)
    assert (b.days, b.within_16_weeks) == (112, False)


def test_decided_on_day_167_is_within_24_weeks_and_day_168_is_not(service):
    by_case = {r.case_id: r for r in clock_rows(YEAR)}
    c, d = by_case[service["C"].id], by_case[service["D"].id]
    assert (c.days, c.within_24_weeks) == (167, True)
    assert (d.days, d.within_24_weeks) == (168, False)


def test_the_shares_within_16_and_24_weeks(service):
    found = clock_figures(YEAR)
    assert (found["decided"], found["within_16_weeks"], found["within_24_weeks"]) == (4, 1, 3)
    assert found["later"] == 1
    assert found["share_within_16_weeks"] == 0.25
    assert found["share_within_24_weeks"] == 0.75


def test_the_previous_year_counts_its_own_decision(service):
    found = clock_figures(make_period(D(2024, 4, 1), D(2025, 3, 31), TODAY))
    assert (found["decided"], found["within_16_weeks"]) == (1, 0)


def test_the_ofsted_return_has_the_connected_persons_lines(service):
    rows = {
        r.measure: r.by_type
        for r in ofsted_return(2025, as_of=TODAY)
        if r.section == "Connected persons"
    }
    kinship, mainstream = CarerType.KINSHIP.value, CarerType.MAINSTREAM.value
    assert rows["Temporary approvals of connected persons (reg 24)"][kinship] == 6
    assert rows["Connected persons approved as foster carers"][kinship] == 2
    assert rows["  of whom temporarily approved first"][kinship] == 2
    assert rows["Full assessments decided after a temporary approval"][kinship] == 4
    assert rows["  within 16 weeks of the temporary approval"][kinship] == 1
    assert rows["  within 24 weeks of the temporary approval"][kinship] == 3
    assert all(by_type[mainstream] == 0 for by_type in rows.values())


@pytest.mark.parametrize(
    "figure, names",
    [
        ("decided", "ABCD"),
        ("within_16_weeks", "A"),
        ("within_24_weeks", "ABC"),
        ("later", "D"),
        ("temporary_approvals", "ABCDEG"),
        ("approved", "AB"),
    ],
)
def test_each_figure_opens_the_list_of_what_it_counted(service, manager_client, figure, names):
    page = manager_client.get("/dashboard/kinship?year=2025").get_data(as_text=True)
    link = re.search(rf'href="([^"]+)" data-kinship-figure="{figure}">(\d+)<', page)
    url, shown = link.group(1).replace("&amp;", "&"), int(link.group(2))
    listed = manager_client.get(url).get_data(as_text=True)
    references = set(re.findall(r'data-case="([^"]+)"', listed))
    assert shown == len(names)
    assert references == {service[n].reference for n in names}


def test_an_unknown_figure_is_not_found(service, manager_client):
    assert manager_client.get("/dashboard/kinship/cases?year=2025&figure=nope").status_code == 404

"""Placement stability (issue 31, item 7): placements ended planned and unplanned
(disruptions), per household, for the service per period and per financial year, and
as features of the retention model. Every figure here was worked out by hand."""

from __future__ import annotations

import re
from datetime import date

import pytest

from crm.domain.stability import Stability, stability_on
from crm.metrics.engine import compute_metrics
from crm.metrics.stability import stability_by_year
from crm.models import CarerType, Placement, PlacementEnding
from jobs.retention.features import features_at
from tests.factories import HouseholdFactory
from tests.retention_history import make_history

D = date
PLANNED, DISRUPTION = PlacementEnding.PLANNED, PlacementEnding.DISRUPTION


def placed(ref, start, end=None, ending=None):
    return Placement(child_reference=ref, start_date=start, end_date=end, ending=ending)


def test_a_households_placements_ended_planned_and_unplanned_on_a_day():
    # On 1 Mar 2026 (12 months back: after 1 Mar 2025):
    #   C1 planned, ended 10 Jan 2025: ever, not in the last 12 months
    #   C2 disruption, ended 1 Dec 2025: ever and in the last 12 months
    #   C3 disruption, ended 1 Jun 2024: ever only
    #   C4 still placed; C5 ends 2 Mar 2026, after the day: neither counts
    #   C6 ended 2 Mar 2025 (day 364 back), ending not recorded (an old import)
    #   C7 planned, ended on the day itself: counts, and in the last 12 months
    placements = [
        placed("C1", D(2024, 1, 1), D(2025, 1, 10), PLANNED),
        placed("C2", D(2025, 6, 1), D(2025, 12, 1), DISRUPTION),
        placed("C3", D(2023, 1, 1), D(2024, 6, 1), DISRUPTION),
        placed("C4", D(2025, 1, 1)),
        placed("C5", D(2025, 1, 1), D(2026, 3, 2), DISRUPTION),
        placed("C6", D(2024, 1, 1), D(2025, 3, 2)),
        placed("C7", D(2025, 9, 1), D(2026, 3, 1), PLANNED),
    ]
    found = stability_on(placements, D(2026, 3, 1))
    assert found == Stability(
        planned=2, disruptions=2, ending_not_recorded=1, disruptions_12m=1, planned_12m=1
    )
    assert found.ended == 5


@pytest.fixture
def service(db):
    """Three households approved on 1 Jan 2020 and their placements around 2024-25:
      M1 (mainstream): A ended 1 Apr 24 planned (first day), B ended 31 Mar 25 with a
         disruption (last day), C ended 31 Mar 24 planned (day before: not counted),
         D started 1 May 24 and runs on
      M2 (mainstream): E started 1 Jun 24, disrupted 1 Feb 25; F ended 15 Jul 25
         (after the period's end: not counted)
      K1 (kinship): G started 1 Sep 24, ended 1 Mar 25 planned; H ended 10 Oct 24
         with its ending not recorded
    So in 2024-25: started D, E, G = 3; ended A, B, E, G, H = 5: planned A, G = 2;
    disruptions B, E = 2; not recorded H = 1; 2 / 5 = 40% unplanned. Mainstream:
    started 2, ended 3 (planned 1, disruptions 2); kinship: started 1, ended 2."""
    m1 = HouseholdFactory(reference="M1", approval_date=D(2020, 1, 1))
    m1.placements += [
        placed("A", D(2023, 1, 1), D(2024, 4, 1), PLANNED),
        placed("B", D(2023, 1, 1), D(2025, 3, 31), DISRUPTION),
        placed("C", D(2023, 1, 1), D(2024, 3, 31), PLANNED),
        placed("D", D(2024, 5, 1)),
    ]
    m2 = HouseholdFactory(reference="M2", approval_date=D(2020, 1, 1))
    m2.placements += [
        placed("E", D(2024, 6, 1), D(2025, 2, 1), DISRUPTION),
        placed("F", D(2023, 6, 1), D(2025, 7, 15), PLANNED),
    ]
    k1 = HouseholdFactory(reference="K1", approval_date=D(2020, 1, 1), carer_type=CarerType.KINSHIP)
    k1.placements += [
        placed("G", D(2024, 9, 1), D(2025, 3, 1), PLANNED),
        placed("H", D(2022, 1, 1), D(2024, 10, 10)),
    ]
    db.session.commit()
    return {"M1": m1, "M2": m2, "K1": k1}


def figures(carer_type=None):
    found = compute_metrics(D(2024, 4, 1), D(2025, 3, 31), D(2025, 9, 30), carer_type=carer_type)
    return found["placements"]


def test_the_service_counts_placements_ended_in_the_period_by_how(service):
    assert figures() == {
        "started": 3,
        "ended": 5,
        "planned": 2,
        "disruptions": 2,
        "ending_not_recorded": 1,
        "unplanned_share": 0.4,
    }


def test_mainstream_and_kinship_are_counted_apart(service):
    assert figures(CarerType.MAINSTREAM) == {
        "started": 2,
        "ended": 3,
        "planned": 1,
        "disruptions": 2,
        "ending_not_recorded": 0,
        "unplanned_share": 0.6667,
    }
    assert figures(CarerType.KINSHIP)["ended"] == 2
    assert figures(CarerType.KINSHIP)["disruptions"] == 0


def test_each_financial_year_is_counted_on_its_own(service):
    # 2023-24: C ended 31 Mar 24 planned; started F (1 Jun 23). 2025-26 so far (to
    # 30 Sep 25): F ended 15 Jul 25 planned.
    years = {r["year"]: r for r in stability_by_year(D(2025, 9, 30))}
    assert list(years) == ["2021-22", "2022-23", "2023-24", "2024-25", "2025-26"]
    assert (years["2023-24"]["ended"], years["2023-24"]["planned"]) == (1, 1)
    assert years["2023-24"]["started"] == 1
    assert years["2024-25"]["disruptions"] == 2
    assert (years["2025-26"]["ended"], years["2025-26"]["planned"]) == (1, 1)
    assert years["2022-23"]["unplanned_share"] is None  # nothing ended: no share


def test_the_dashboards_disruption_count_opens_those_placements(service, manager_client):
    page = manager_client.get(
        "/dashboard/?section=carers&date_from=2024-04-01&date_to=2025-03-31&as_of=2025-09-30"
    ).get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" data-placement-figure="disruptions">(\d+)</a>', page)
    assert link.group(2) == "2"
    listed = manager_client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert 'data-placements-total="2"' in listed
    rows = re.findall(r"<tr>\s*<td><a [^>]+>(\w+)</a></td>\s*<td>[^<]+</td><td>(\w+)</td>", listed)
    assert sorted(rows) == [("M1", "B"), ("M2", "E")]


def test_every_count_in_the_years_table_opens_a_list_of_as_many(service, manager_client):
    page = manager_client.get(
        "/dashboard/?section=carers&date_from=2024-04-01&date_to=2025-03-31&as_of=2025-09-30"
    ).get_data(as_text=True)
    table = page[page.index('id="table-stability_by_year"') :]
    table = table[: table.index("</table>")]
    links = re.findall(r'<a href="(/households/placements-ended[^"]+)"[^>]*>(\d+)</a>', table)
    assert len(links) == 5 * 4  # ended, planned, disruptions, not recorded; five years
    for href, count in links:
        listed = manager_client.get(href.replace("&amp;", "&")).get_data(as_text=True)
        assert f'data-placements-total="{count}"' in listed, href


def test_the_list_refuses_nonsense_without_an_error(manager_client, db):
    response = manager_client.get(
        "/households/placements-ended?ended_from=yesterday&ended_to=2025-13-40&ending=x"
        "&carer_type=martian&page=-3"
    )
    assert response.status_code == 200
    assert "Give the dates as YYYY-MM-DD" in response.get_data(as_text=True)


def test_the_household_page_shows_its_stability(service, manager_client):
    page = manager_client.get(f"/households/{service['M1'].id}").get_data(as_text=True)
    # M1: A and C ended as planned, B with a disruption; D still placed. The page is
    # judged on today, so only the counts ever are pinned.
    line = re.search(r"<p [^>]*data-stability>([^<]+)</p>", page).group(1)
    assert line.startswith("Stability: 3 placements ended, 2 planned and 1 unplanned")


def test_the_retention_features_count_planned_endings_and_every_disruption():
    # On 1 Jun 2023: planned endings in the last 12 months: 1 Sep 22 (yes), 1 May 22
    # (no: 396 days back); disruptions ever: 1 Jan 21 and 1 Apr 23 = 2 (in 12 months: 1).
    history = make_history(
        {
            "households": [(1, "H1", D(2020, 1, 1), None, "mainstream", None)],
            "carers": [(1, D(1960, 5, 5))],
            "terms": [(1, D(2020, 1, 1), 2)],
            "placements": [
                (1, D(2020, 2, 1), D(2021, 1, 1), "disruption"),
                (1, D(2021, 2, 1), D(2022, 5, 1), "planned"),
                (1, D(2022, 6, 1), D(2022, 9, 1), "planned"),
                (1, D(2022, 10, 1), D(2023, 4, 1), "disruption"),
                (1, D(2023, 5, 1), D(2023, 7, 1), "disruption"),  # after the day
            ],
            "events": [],
        }
    )
    row = features_at(history, D(2023, 6, 1)).loc[1]
    assert (row["planned_endings_12m"], row["disruptions_ever"], row["disruptions_12m"]) == (
        1,
        2,
        1,
    )

"""The manager's dashboard shows the engine's figures, and each count opens its cases."""

from __future__ import annotations

import re

import pytest

from crm.metrics.engine import compute_metrics
from tests.hand_built import AS_OF, FROM, TO

PERIOD = f"date_from={FROM}&date_to={TO}&as_of={AS_OF}"


def figures_on_page(page: str) -> dict[str, int]:
    return {key: int(value) for key, value in re.findall(r'data-figure="(\w+)">(\d+)</a>', page)}


uses_service = pytest.mark.usefixtures("service")


@uses_service
def test_every_count_on_the_page_is_the_engines(manager_client):
    page = manager_client.get(f"/dashboard/?{PERIOD}").get_data(as_text=True)
    engine = compute_metrics(FROM, TO, AS_OF)["counts"]
    shown = figures_on_page(page)
    assert shown and all(engine[key] == value for key, value in shown.items())


@uses_service
def test_conversion_and_retention_figures_match_the_engine(manager_client):
    page = manager_client.get(f"/dashboard/?{PERIOD}").get_data(as_text=True)
    assert "57.1%" in page  # period enquiry -> application, 4 / 7
    assert "25.0%" in page  # turnover 1 / 4, and utilisation 2 / 8
    assert "median 198," in page


@uses_service
@pytest.mark.parametrize(
    ("figure", "references"),
    [
        ("enquiries", {"A", "B", "D", "E", "F", "G", "H"}),
        ("applications", {"A", "C", "E", "H"}),
        ("approvals", {"A"}),
        ("withdrawn_by_service", {"G"}),
        ("rejected", {"H"}),
    ],
)
def test_each_count_opens_exactly_the_cases_counted(
    manager_client,
    figure,
    references,
):
    page = manager_client.get(f"/dashboard/?{PERIOD}").get_data(as_text=True)
    link = re.search(rf'href="([^"]+)" data-figure="{figure}"', page).group(1)
    listing = manager_client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    listed = set(re.findall(r'<td><a href="/cases/\d+">([^<]+)</a></td>', listing))
    assert listed == references


@uses_service
def test_the_list_a_count_opens_says_what_was_counted_and_shows_its_date(manager_client):
    page = manager_client.get(f"/dashboard/?{PERIOD}").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" data-figure="applications"', page).group(1)
    listing = manager_client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    counted = listing.split('data-testid="counted">')[1].split("</div>")[0]
    assert "4 cases where “Application received (Stage 1)” is dated from 1 Apr 2024" in counted
    assert "dashboard&#39;s “Applications”" in counted or "dashboard's “Applications”" in counted
    assert '<th scope="col">Application received (Stage 1)</th>' in listing
    assert "<td>15 Apr 2024</td>" in listing  # case C's application, the date counted


@uses_service
def test_the_summary_comes_first_and_one_section_is_shown_at_a_time(manager_client):
    page = manager_client.get(f"/dashboard/?{PERIOD}").get_data(as_text=True)
    summary = page.split('data-testid="summary">')[1].split("</section>")[0]
    engine = compute_metrics(FROM, TO, AS_OF)
    assert f">{engine['counts']['approvals']}</a>" in summary
    assert f"{engine['households']['net_gain']:+d}" in summary
    assert 'id="counts-h"' in page and 'id="retention-h"' not in page
    carers = manager_client.get(f"/dashboard/?{PERIOD}&section=carers").get_data(as_text=True)
    assert 'id="retention-h"' in carers and 'id="counts-h"' not in carers


def test_an_unknown_section_shows_the_first(manager_client):
    page = manager_client.get("/dashboard/?section=nonsense").get_data(as_text=True)
    assert 'id="counts-h"' in page


def test_the_default_period_is_the_financial_year_so_far(manager_client):
    page = manager_client.get("/dashboard/").get_data(as_text=True)
    assert "Figures for 1 Apr" in page


def test_an_inverted_period_is_explained_not_an_error(manager_client):
    response = manager_client.get("/dashboard/?date_from=2025-05-01&date_to=2025-04-01")
    assert response.status_code == 200
    assert b"The end date is before the start date." in response.data


def test_a_period_with_no_data_shows_zeros(manager_client):
    page = manager_client.get("/dashboard/?date_from=2001-04-01&date_to=2002-03-31").get_data(
        as_text=True
    )
    assert figures_on_page(page)["enquiries"] == 0
    assert "No approvals in the period" in page


def test_the_period_boxes_show_the_period_in_use(manager_client):
    page = manager_client.get("/dashboard/?date_from=2024-04-01&date_to=2025-03-31").get_data(
        as_text=True
    )
    assert 'value="2024-04-01"' in page and 'value="2025-03-31"' in page


@uses_service
@pytest.mark.parametrize(
    ("figure", "references"),
    [
        ("at_start", {"L1", "L2", "L3", "L5"}),  # current on 31 Mar 2024
        ("approved_in_period", {"A", "L4"}),
        ("deregistered_in_period", {"L1"}),
        ("at_end", {"A", "L2", "L3", "L4", "L5"}),  # current on 31 Mar 2025
    ],
)
def test_each_household_figure_opens_exactly_the_households_counted(
    manager_client, figure, references
):
    page = manager_client.get(f"/dashboard/?{PERIOD}&section=carers").get_data(as_text=True)
    found = re.search(rf'href="([^"]+)" data-household-figure="{figure}">(\d+)</a>', page)
    link, shown = found.group(1), int(found.group(2))
    listing = manager_client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    listed = set(re.findall(r'<td><a href="/households/\d+">([^<]+)</a></td>', listing))
    assert listed == references
    assert shown == len(references) == compute_metrics(FROM, TO, AS_OF)["households"][figure]


@uses_service
def test_the_deregistrations_count_opens_the_households_counted(manager_client):
    page = manager_client.get(f"/dashboard/?{PERIOD}").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" data-figure="deregistrations"', page).group(1)
    listing = manager_client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    listed = set(re.findall(r'<a href="/households/\d+">[^<]*</a>', listing))
    count = int(re.search(r'data-figure="deregistrations">(\d+)<', page).group(1))
    assert count >= 1 and len(listed) == count

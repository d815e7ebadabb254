"""A long list counts only as far as anyone reads: past a limit it says "more than" and
still pages on; a list whose count is a dashboard figure counts exactly."""

from __future__ import annotations

from datetime import date

import pytest

from crm import pagination
from tests.database import counted
from tests.factories import CaseFactory


@pytest.fixture
def counts_up_to_ten(monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_UP_TO", 10)
    monkeypatch.setitem(pagination.current_app.config, "PAGE_SIZE", 4)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_list_past_the_limit_says_more_than(app, officer_client, db, counts_up_to_ten):
    CaseFactory.create_batch(13)
    page = _page(officer_client, "/cases/")
    assert "Showing 1–4 of more than 10 (filter to narrow the list)" in page
    assert 'rel="next"' in page


def test_a_list_at_the_limit_is_counted_exactly(app, officer_client, db, counts_up_to_ten):
    CaseFactory.create_batch(10)
    page = _page(officer_client, "/cases/")
    assert "Showing 1–4 of 10<" in page


def test_paging_past_the_limit_goes_on_while_cases_remain(
    app, officer_client, db, counts_up_to_ten
):
    CaseFactory.create_batch(14)
    third = _page(officer_client, "/cases/?page=3")
    assert "Showing 9–12 of more than 12" in third and 'rel="next"' in third
    last = _page(officer_client, "/cases/?page=4")
    assert "Showing 13–14 of 14<" in last and 'rel="next"' not in last


def test_a_dated_list_counts_exactly_past_the_limit(app, officer_client, db, counts_up_to_ten):
    CaseFactory.create_batch(13, enquiry_date=date(2025, 6, 1))
    page = _page(officer_client, "/cases/?date_from=2025-06-01&date_to=2025-06-30")
    assert "Showing 1–4 of 13<" in page
    assert "13 cases where" in page


def test_a_short_list_is_not_counted_again(officer_client, db):
    CaseFactory.create_batch(3)
    with counted(db.engine) as statements:
        page = _page(officer_client, "/cases/")
    assert "3 in all" in page
    assert not any("count(*)" in s.lower() and "cases" in s for s in statements)


def test_the_count_reads_no_column_of_the_rows(app, officer_client, db, counts_up_to_ten):
    CaseFactory.create_batch(13)
    with counted(db.engine) as statements:
        _page(officer_client, "/cases/?stage=enquiry")
    (count,) = [s for s in statements if s.lower().startswith("select count(*)") and "LIMIT" in s]
    assert "first_name" not in count  # so an index on the filters can answer it

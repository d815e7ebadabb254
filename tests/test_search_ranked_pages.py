"""A search scores only a few pages' worth of its best matches (crm.models.search,
crm.pagination.RANKED_TOP), so a common surname costs a page, not every match; each
page must still be the page of the whole ranked list, whatever the list's filters."""

from __future__ import annotations

import pytest

from crm.extensions import db as _db
from crm.models.search import SEARCH_TOP
from crm.pagination import paginate
from crm.queries.cases import case_list
from tests.factories import CaseFactory


@pytest.fixture
def sqlite(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL ranks the trigram matches of the columns instead")


@pytest.fixture
def smiths(sqlite, db):
    """Twenty Smiths with texts of different lengths (so of different ranks), and the
    three worst-ranked (the longest names) assessed by a source no one else has."""
    made = [
        CaseFactory(first_name="Ann" + "e" * (i % 7), last_name="Smith", source="website")
        for i in range(20)
    ]
    worst = sorted(made, key=lambda c: (-len(c.first_name), -c.id))[:3]
    for case in worst:
        case.source = "radio"
    db.session.commit()
    return made


def pages_of(app, query, per_page: int) -> list[list[int]]:
    pages, number = [], 1
    while True:
        with app.test_request_context(f"/cases/?page={number}"):
            page = paginate(query, per_page=per_page)
            if not page.items:
                return pages
            pages.append([case.id for case in page.items])
        number += 1


def everything_ranked(query) -> list[int]:
    return [case.id for case in _db.session.scalars(query.params({SEARCH_TOP: -1})).unique()]


def test_each_page_of_a_search_is_the_page_of_the_whole_ranked_list(app, smiths):
    query = case_list(q="smith")
    whole = everything_ranked(query)
    assert len(whole) == 20
    pages = pages_of(app, query, per_page=3)
    assert [case_id for page in pages for case_id in page] == whole


def test_a_filter_that_keeps_only_the_worst_ranked_still_finds_them(app, smiths):
    # Page 1 scores the best 12 of each table: none of them is from the radio.
    query = case_list(q="smith", source="radio")
    assert pages_of(app, query, per_page=3) == [everything_ranked(query)]
    assert len(everything_ranked(query)) == 3


def test_a_search_scores_only_the_best_matches_it_is_asked_for(smiths):
    # Two of the cases' table and two of the members' (none): the best two Smiths.
    query = case_list(q="smith")
    best_two = [case.id for case in _db.session.scalars(query.params({SEARCH_TOP: 2})).unique()]
    assert best_two == everything_ranked(query)[:2]

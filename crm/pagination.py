"""One pagination helper for every list page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select
from sqlalchemy.orm import lazyload

from crm.extensions import db

#: Far past any real list; an offset beyond it overflowed the database's integers.
MAX_PAGE = 1_000_000
#: A list counts its rows exactly up to here (or up to the page being read, if further),
#: and past it says "more than". Counting every one of a national service's 600,000
#: cases to draw the pager cost each unfiltered case list 25 ms of PostgreSQL's time,
#: for a figure nobody pages through; a filter narrows the list back to an exact count.
COUNT_UP_TO = 10_000


def requested_page() -> int:
    """The request's ?page=, clamping nonsense into range."""
    try:
        return min(max(int(request.args.get("page", 1)), 1), MAX_PAGE)
    except ValueError:
        return 1


def paginate(query: Select, per_page: int | None = None, exact: bool = False) -> Pagination:
    """Page a select() by the request's ?page=. The count stops past `COUNT_UP_TO`
    rows (`more_than` says so) unless `exact`: a list whose count is itself a figure
    (the cases behind a dashboard figure) asks for it exactly."""
    return CountedPages(
        select=query,
        session=db.session(),
        page=requested_page(),
        per_page=per_page or current_app.config["PAGE_SIZE"],
        max_per_page=200,
        error_out=False,
        up_to=None if exact else COUNT_UP_TO,
    )


#: The execution option naming the select a pager counts in place of the one it pages.
COUNTED_AS = "hearth_counted_as"


def counted_as(rows: Select) -> dict[str, Select]:
    """Execution options telling the pager to count `rows`: the same rows as the select
    they are given to, without what only orders them (a search's ranking, which costs
    a score for every match and changes no count)."""
    return {COUNTED_AS: rows}


#: The execution option naming the bound parameter that limits how many best-ranked
#: matches a search scores (crm.models.search.SEARCH_TOP).
RANKED_TOP = "hearth_ranked_top"
#: A ranked search scores this many pages' worth of its best matches for the page asked
#: for (every filter the list has then keeps most of them); a page that comes back short
#: is asked again of every match.
RANKED_PAGES = 4


def ranked_top(parameter: str) -> dict[str, str]:
    """Execution options telling the pager that `parameter` limits a search's ranking to
    its best rows: set to a few pages' worth, and to every row (-1) if that was too few
    to fill the page once the list's other filters had their say."""
    return {RANKED_TOP: parameter}


class CountedPages(SelectPagination):
    """Flask-SQLAlchemy's pages over a select(), counted no further than needed.

    A page part-filled, with rows on it or the first, is the last: its count is known
    without asking. Otherwise, given `up_to`, the count stops one row past both it and
    the page asked for; `more_than` is then true and `total` is the rows counted, so
    there is always a next page to go on to while rows remain."""

    more_than = False

    def _query_items(self) -> list:
        select = self._query_args["select"]
        parameter = select.get_execution_options().get(RANKED_TOP)
        if parameter is None:
            return super()._query_items()
        top = (self._query_offset + self.per_page) * RANKED_PAGES
        items = self._page_of(select.params({parameter: top}))
        if len(items) < self.per_page:  # filtered out, or the last page: ask of all
            items = self._page_of(select.params({parameter: -1}))
        return items

    def _page_of(self, select: Select) -> list:
        paged = select.limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(paged).unique().scalars())

    def _query_count(self) -> int:
        if len(self.items) < self.per_page and (self.items or self.page == 1):
            return self._query_offset + len(self.items)
        up_to = self._query_args["up_to"]
        limit = None if up_to is None else max(up_to, self.page * self.per_page) + 1
        # Only a constant of each row, so an index that answers the filters answers the
        # count (a subquery with a LIMIT is not flattened: it read every column of every row)
        paged = self._query_args["select"]
        select = paged.get_execution_options().get(COUNTED_AS, paged)
        select = select.options(lazyload("*")).order_by(None)
        rows = select.with_only_columns(sa.literal(1), maintain_column_froms=True)
        counted = sa.select(sa.func.count()).select_from(rows.limit(limit).subquery())
        total = self._query_args["session"].execute(counted).scalar()
        self.more_than = total == limit
        return total


class ListPagination(Pagination):
    """The same pages over a list already built in Python (a timeline merged from several
    tables), so one pager macro serves both."""

    more_than = False

    def _query_items(self) -> list:
        everything = self._query_args["everything"]
        return everything[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["everything"])


def paginate_list(everything: list, per_page: int) -> Pagination:
    """Page a list by the request's ?page=."""
    return ListPagination(
        page=requested_page(), per_page=per_page, error_out=False, everything=everything
    )

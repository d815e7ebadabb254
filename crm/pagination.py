"""One pagination helper for every list page."""

from __future__ import annotations

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from crm.extensions import db

#: Far past any real list; an offset beyond it overflowed the database's integers.
MAX_PAGE = 1_000_000


def requested_page() -> int:
    """The request's ?page=, clamping nonsense into range."""
    try:
        return min(max(int(request.args.get("page", 1)), 1), MAX_PAGE)
    except ValueError:
        return 1


def paginate(query: Select, per_page: int | None = None) -> Pagination:
    """Page a select() by the request's ?page=."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    return db.paginate(
        query, page=requested_page(), per_page=per_page, error_out=False, max_per_page=200
    )


class ListPagination(Pagination):
    """The same pages over a list already built in Python (a timeline merged from several
    tables), so one pager macro serves both."""

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

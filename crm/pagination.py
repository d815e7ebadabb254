"""One pagination helper for every list page."""

from __future__ import annotations

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from crm.extensions import db

#: Far past any real list; an offset beyond it overflowed the database's integers.
MAX_PAGE = 1_000_000


def paginate(query: Select, per_page: int | None = None) -> Pagination:
    """Page a select() by the request's ?page=, clamping nonsense into range."""
    try:
        page = min(max(int(request.args.get("page", 1)), 1), MAX_PAGE)
    except ValueError:
        page = 1
    per_page = per_page or current_app.config["PAGE_SIZE"]
    return db.paginate(query, page=page, per_page=per_page, error_out=False, max_per_page=200)

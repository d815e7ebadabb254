"""`column IN (a long list)` written the way each database reads it fastest."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from crm.extensions import db


def among(column: sa.ColumnElement, values: Sequence[object]) -> sa.ColumnElement[bool]:
    """`column` is one of `values`. On PostgreSQL, `= ANY(array)` with the values as one
    parameter: an IN list of a thousand placeholders was parsed on the client for each
    query (a 100,000-row tracker import spent 0.7 s there reading back what Hearth
    holds). Elsewhere the usual IN, which the caller keeps to SQLite's limit of
    parameters by chunking."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)

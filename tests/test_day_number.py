"""`day_number` is the database's own `date.toordinal()`, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.models.types import day_number


@pytest.mark.parametrize(
    "day",
    [date(1, 1, 1), date(1970, 1, 1), date(2024, 2, 29), date(2026, 11, 24), date(9999, 12, 31)],
)
def test_a_date_is_its_ordinal(db, day):
    assert db.session.scalar(sa.select(day_number(sa.literal(day, sa.Date)))) == day.toordinal()


def test_no_date_is_no_number(db):
    assert db.session.scalar(sa.select(day_number(sa.null()))) is None

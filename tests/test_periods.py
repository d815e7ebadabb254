"""Calendar arithmetic the statutory clocks rely on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from crm.domain.periods import add_months, financial_year


@pytest.mark.parametrize("months", [-36, -12, -1, 1, 12, 18, 216])
def test_add_months_moves_as_relativedelta_does_every_day_for_years(months):
    start = date(2019, 1, 1)
    for offset in range(0, 3 * 366):
        day = start + timedelta(days=offset)
        assert add_months(day, months) == day + relativedelta(months=months), day


def test_a_month_end_stays_within_the_shorter_month():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)


def test_the_financial_year_runs_april_to_march():
    assert financial_year(date(2025, 3, 31)) == (date(2024, 4, 1), date(2025, 3, 31))

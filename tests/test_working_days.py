"""Response times count working days in England, skipping weekends and bank holidays."""

from __future__ import annotations

from datetime import date

import numpy as np

from crm.domain.working_days import is_working_day, working_days_between, working_days_vector


def test_the_same_day_is_zero_working_days():
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 3)) == 0


def test_friday_to_monday_is_one_working_day():
    assert working_days_between(date(2025, 3, 7), date(2025, 3, 10)) == 1


def test_easter_bank_holidays_do_not_count():
    # Thursday 17 April 2025 -> Tuesday 22 April: Good Friday and Easter Monday skipped.
    assert working_days_between(date(2025, 4, 17), date(2025, 4, 22)) == 1


def test_christmas_and_boxing_day_do_not_count():
    # Wednesday 24 Dec 2025 -> Monday 29 Dec: 25th, 26th (and the weekend) skipped.
    assert working_days_between(date(2025, 12, 24), date(2025, 12, 29)) == 1


def test_a_substitute_bank_holiday_does_not_count():
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day (observed)


def test_an_end_before_the_start_is_zero():
    assert working_days_between(date(2025, 3, 10), date(2025, 3, 7)) == 0


def test_the_vector_form_agrees_with_the_single_form():
    starts = np.array(["2025-04-17", "2025-03-07", "2025-03-03"], dtype="datetime64[D]")
    ends = np.array(["2025-04-22", "2025-03-10", "2025-03-03"], dtype="datetime64[D]")
    assert working_days_vector(starts, ends).tolist() == [1, 1, 0]

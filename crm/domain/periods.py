"""Reporting periods: councils and Ofsted report on financial years, 1 April - 31 March."""

from __future__ import annotations

from datetime import date


def financial_year(day: date) -> tuple[date, date]:
    """The financial year containing `day`, as (1 April, 31 March)."""
    start_year = day.year if day.month >= 4 else day.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)

"""Reporting periods: councils and Ofsted report on financial years, 1 April - 31 March."""

from __future__ import annotations

from datetime import date


def financial_year(day: date) -> tuple[date, date]:
    """The financial year containing `day`, as (1 April, 31 March)."""
    start_year = day.year if day.month >= 4 else day.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, kept within the month (31 Jan + 1 month is
    28 or 29 Feb), as dateutil's relativedelta does; a plain function because the
    compliance trend calls it hundreds of thousands of times."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - date(year, month, 1)).days
    return date(year, month, min(day.day, last_day))

"""Figures read as people say them: whole days, age bands youngest first."""

from __future__ import annotations

from crm.formatting import whole_days
from tests.factories import HouseholdFactory


def test_day_counts_are_whole_days():
    assert [whole_days(v) for v in (180.0, 30.25, 30.5, 1234.6, None)] == [
        "180",
        "30",
        "31",
        "1,235",
        "–",
    ]


def test_capacity_by_age_lists_the_bands_youngest_first(manager_client, db):
    HouseholdFactory()
    page = manager_client.get("/households/capacity").get_data(as_text=True)
    section = page.split("By age range of the terms of approval")[2]
    bands = ("Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over")
    positions = [section.index(band) for band in bands]
    assert positions == sorted(positions)

"""Household and carer-event files for the import tests, and running the importers."""

from __future__ import annotations

import csv
from datetime import date

import pytest
import sqlalchemy as sa

from crm.imports.carer_events import COLUMNS as EVENT_COLUMNS
from crm.imports.carer_events import import_carer_events
from crm.imports.households import COLUMNS as HOUSEHOLD_COLUMNS
from crm.imports.households import import_households
from crm.imports.reading import read_table
from crm.models import Household

TODAY = date(2025, 6, 30)


def write(path, columns, *rows):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_households(path, skip=False):
    return import_households(read_table(path), TODAY, skip)


def run_events(path, skip=False):
    return import_carer_events(read_table(path), TODAY, skip)


def smiths(ssw, **extra):
    return {
        "reference": "HH-1",
        "approval_date": "15/01/2020",
        "carer1_name": "Ann Smith",
        "carer1_birth_date": "1960-02-02",
        "carer2_name": "Bob Smith",
        "approved_places": "2",
        "categories": "short_term;respite",
        "supervising_worker_email": ssw.email,
        **extra,
    }


def households(db):
    return {h.reference: h for h in db.session.scalars(sa.select(Household))}


def event(on: str, kind: str, **cells: str) -> dict[str, str]:
    """One row of HH-1's history in a carer events file (cells by column name)."""
    return {"household_reference": "HH-1", "date": on, "type": kind, **cells}


@pytest.fixture
def households_file(tmp_path, ssw):
    """Write rows as a households file (a pytest fixture: see tests/conftest.py)."""
    return lambda *rows: write(tmp_path / "h.csv", HOUSEHOLD_COLUMNS, *rows)


@pytest.fixture
def events_file(tmp_path):
    """Write rows as a carer events file."""
    return lambda *rows: write(tmp_path / "e.csv", EVENT_COLUMNS, *rows)

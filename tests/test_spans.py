"""One rule for when a dated span runs: on rows, in SQL and over pandas frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import Household
from crm.models.spans import running_on
from tests.factories import HouseholdFactory

APPROVED, LEFT = date(2024, 1, 10), date(2024, 6, 1)
DAYS = [date(2024, 1, 9), APPROVED, date(2024, 5, 31), LEFT, date(2024, 6, 2)]
EXPECTED = [False, True, True, False, False]  # the end date is the first day it no longer runs


def test_a_span_runs_from_its_start_until_the_day_before_its_end():
    assert [running_on(APPROVED, LEFT, day) for day in DAYS] == EXPECTED


def test_an_open_span_runs_from_its_start_on():
    assert running_on(APPROVED, None, date(2040, 1, 1))
    assert not running_on(None, None, APPROVED)


def test_pandas_frames_follow_the_same_rule():
    frame = pd.DataFrame({"start": [pd.Timestamp(APPROVED)] * 5, "end": [pd.Timestamp(LEFT)] * 5})
    found = [
        bool(running_on(frame["start"], frame["end"], pd.Timestamp(day)).iloc[0]) for day in DAYS
    ]
    assert found == EXPECTED


@pytest.mark.parametrize(("day", "expected"), list(zip(DAYS, EXPECTED, strict=True)))
def test_household_current_on_is_the_same_in_python_and_sql(db_session_household, day, expected):
    household = db_session_household
    in_sql = db.session.scalar(
        sa.select(sa.func.count()).where(Household.id == household.id, Household.current_on(day))
    )
    assert household.current_on(day) is expected
    assert bool(in_sql) is expected


@pytest.fixture
def db_session_household(db):
    household = HouseholdFactory(approval_date=APPROVED, deregistration_date=LEFT)
    db.session.flush()
    return household

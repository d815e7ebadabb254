"""One rule for when a dated span runs: on rows, in SQL and over pandas frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import ApprovalTerms, Household
from crm.models.spans import in_force_on, running_on
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


# Terms of approval: the worked example. Approved 1 June 2023 for two children aged 0-17
# (short-term). The first review, on 10 May 2024, agrees a change to one child aged 5-11
# from 20 May 2024 (the carers agreed, so no 28-day wait). A second review on 2 September
# 2024 proposes respite only; the carers do not agree, so it applies 28 days after they
# were told, from 30 September 2024. The same day's second record (a correction to ages
# 6-11) wins over the first, as the later record.
CHANGES = [
    (date(2023, 6, 1), 2, 0, 17),
    (date(2024, 5, 20), 1, 5, 11),
    (date(2024, 9, 30), 1, 5, 11),
    (date(2024, 9, 30), 1, 6, 11),
]
TERMS_DAYS = [
    date(2023, 5, 31),
    date(2023, 6, 1),
    date(2024, 5, 19),
    date(2024, 5, 20),
    date(2024, 9, 29),
    date(2024, 9, 30),
    date(2030, 1, 1),
]
IN_FORCE = [None, (2, 0), (2, 0), (1, 5), (1, 5), (1, 6), (1, 6)]  # (places, min_age)


def _changes() -> list[ApprovalTerms]:
    return [
        ApprovalTerms(effective_from=day, places=places, min_age=low, max_age=high)
        for day, places, low, high in CHANGES
    ]


def _seen(terms) -> tuple[int, int] | None:
    return None if terms is None else (terms.places, terms.min_age)


def test_terms_in_force_are_the_latest_change_on_or_before_the_day():
    assert [_seen(in_force_on(_changes(), day)) for day in TERMS_DAYS] == IN_FORCE


def test_a_change_recorded_out_of_date_order_still_applies_by_its_date():
    first, second, *_ = _changes()
    assert _seen(in_force_on([second, first], date(2024, 6, 1))) == (1, 5)


def test_the_database_finds_the_same_terms_in_force(db):
    household = HouseholdFactory(terms_history=_changes())
    found = []
    for day in TERMS_DAYS:
        terms = in_force_on(ApprovalTerms, day, where=[ApprovalTerms.household_id == household.id])
        row = db.session.execute(sa.select(terms.c.places, terms.c.min_age)).one_or_none()
        found.append(None if row is None else tuple(row))
    assert found == IN_FORCE


def test_pandas_finds_the_same_terms_in_force():
    frame = pd.DataFrame(
        [
            {
                "id": n,
                "household_id": 7,
                "effective_from": pd.Timestamp(day),
                "places": p,
                "min_age": low,
            }
            for n, (day, p, low, _) in enumerate(CHANGES, start=1)
        ]
    )
    found = []
    for day in TERMS_DAYS:
        rows = in_force_on(frame, pd.Timestamp(day))
        found.append(
            None if rows.empty else (int(rows.loc[7, "places"]), int(rows.loc[7, "min_age"]))
        )
    assert found == IN_FORCE

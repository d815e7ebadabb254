"""The subject access export and the erasure scrub cover every table that points at
a case or a household: derived from the models, so a new table cannot be forgotten."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from crm.extensions import db
from crm.models import CarerEventKind, Case, Flag, FlagKind, Household
from crm.privacy.records import NOT_THEIRS
from crm.privacy.services import case_record, household_record
from tests.factories import CaseFactory, HouseholdFactory

LATER = date(2030, 1, 1)
OWN_SECTIONS = {"case", "household", "access_log", "application"}


def tables_pointing_at(root: type) -> set[str]:
    """Read straight from the schema, independently of the export's own walk."""
    return {
        table.name
        for table in db.metadata.tables.values()
        for key in table.foreign_keys
        if key.column.table.name == root.__tablename__
        and (table.name, key.parent.name) not in NOT_THEIRS
    }


@pytest.mark.parametrize(("root", "record"), [(Case, case_record), (Household, household_record)])
def test_every_table_pointing_at_the_record_is_a_section_of_its_export(db, root, record):
    obj = CaseFactory() if root is Case else HouseholdFactory()
    db.session.flush()
    assert set(record(obj)) - OWN_SECTIONS == tables_pointing_at(root)


def test_every_opt_out_names_a_real_link_and_says_why():
    for (table, column), why in NOT_THEIRS.items():
        assert column in db.metadata.tables[table].columns
        assert len(why) > 20


def test_a_households_records_flags_and_risk_scores_are_all_exported(db):
    household = HouseholdFactory(approval_date=date(2024, 1, 1))
    household.log_record(
        CarerEventKind.SURVEY, date(2024, 5, 1), None, value=Decimal(4), as_of=LATER
    )
    household.start_placement("CH123", date(2024, 2, 1), as_of=LATER)
    db.session.add(
        Flag(kind=FlagKind.TSD_OVERDUE, household=household, reason="x", raised_on=LATER)
    )
    db.session.flush()
    bundle = household_record(household)
    assert len(bundle["carer_events"]) == 1
    flags = db.session.scalars(sa.select(Flag.id).where(Flag.household_id == household.id))
    assert sorted(f["id"] for f in bundle["flags"]) == sorted(flags)
    assert bundle["placements"][0]["child_reference"] == "[withheld: third party]"

"""The busiest pages' queries read the rows they show through an index, even where the
data is lopsided (most households with no worker yet, as after a first import)."""

from __future__ import annotations

from datetime import date

import pytest

from crm.models import Role
from crm.queries.households import caseload
from tests.factories import HouseholdFactory


@pytest.fixture
def sqlite_only(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plan")


def test_a_caseload_is_read_from_its_workers_index_in_order(db, ssw, make_user, sqlite_only):
    HouseholdFactory.create_batch(40, supervising_worker=None)
    for n in range(8):
        worker = make_user(Role.SUPERVISING_SOCIAL_WORKER, full_name=f"Worker {n}")
        HouseholdFactory.create_batch(5, supervising_worker=worker)
    HouseholdFactory.create_batch(5, supervising_worker=ssw)
    db.session.flush()
    connection = db.session.connection()
    connection.exec_driver_sql("ANALYZE")
    query = caseload(ssw)
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    plan = " ".join(row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert "USING INDEX ix_households_worker_reference (supervising_worker_id=?)" in plan
    assert "TEMP B-TREE" not in plan  # no sort: the index gives reference order


def test_one_households_places_read_only_that_households_rows(db, sqlite_only):
    """A household's page works out its places on a day; reading every household's
    placements to do it halved the page's throughput at national scale."""
    import sqlalchemy as sa

    from crm.metrics.places import PLACE_FIELDS, places_on_day

    shown, *_ = HouseholdFactory.create_batch(30)
    db.session.flush()
    connection = db.session.connection()
    connection.exec_driver_sql("ANALYZE")
    found = places_on_day(date(2026, 1, 1), only=[shown.id])
    query = sa.select(found.c.household_id, *(found.c[name] for name in PLACE_FIELDS))
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    plan = [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
    tables = ("approval_terms", "placements", "unavailable_places", "household_breaks")
    read_in_full = [step for step in plan if step.startswith(tuple(f"SCAN {t}" for t in tables))]
    assert read_in_full == [], plan  # SEARCH ... (household_id=?) for each

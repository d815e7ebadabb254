"""The busiest pages' queries read the rows they show through an index, even where the
data is lopsided (most households with no worker yet, as after a first import)."""

from __future__ import annotations

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

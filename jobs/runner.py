"""Run a job once, record it, and never let a failure escape.

Every run first claims (job, run_key) by inserting its JobRun row; the unique
constraint means a second scheduler or worker asking for the same run finds
the claim taken and skips. Scheduled runs use the as-of date as the key, so
each job runs once a day however many processes try; a run from the command
line gets a key of its own. A failed run is recorded with its error and the
job runs again at its next scheduled time.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Callable
from datetime import date

from sqlalchemy.exc import IntegrityError

from crm import audit
from crm.extensions import db
from crm.models import JobRun, RunStatus
from crm.timeutil import utcnow
from jobs.schedule import JOBS

log = logging.getLogger("jobs")


def run_job(
    name: str,
    as_of: date,
    trigger: str = "cli",
    run_key: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> JobRun | None:
    """Run job `name` for `as_of`; None when another process already claimed this run."""
    job = JOBS[name]
    run = JobRun(
        job=name,
        run_key=run_key or f"{trigger}-{uuid.uuid4().hex}",
        as_of=as_of,
        trigger=trigger,
        status=RunStatus.RUNNING,
    )
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.info("job %s for %s already claimed by another process; skipped", name, run_key)
        return None
    run_id = run.id
    try:
        with audit.acting_as(f"job:{name}"):
            counts = job.run(as_of=as_of, progress=progress)
        run.status, run.counts = RunStatus.SUCCEEDED, counts
        log.info("job %s for %s succeeded: %s", name, as_of, counts)
    except Exception as exc:  # a job must never take its caller down
        db.session.rollback()
        run = db.session.get(JobRun, run_id)
        run.status = RunStatus.FAILED
        run.error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
        log.exception("job %s for %s failed", name, as_of)
    run.finished_at = utcnow()
    db.session.commit()
    return run

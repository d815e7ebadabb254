"""The scheduler: one process (`flask scheduler`) that runs each job on time.

Run it once, beside the web workers (gunicorn never starts it). Even if two
were started by mistake, each run claims (job, scheduled time) in the
database first (jobs.runner), so no job runs twice.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from crm.extensions import db
from crm.models import SchedulerHeartbeat
from crm.timeutil import UK, utcnow
from jobs.runner import run_job
from jobs.schedule import JOBS

log = logging.getLogger("jobs")


def fire(app: Flask, name: str, scheduled: datetime) -> None:
    """What the scheduler calls: the job, in an app context, keyed by its scheduled time."""
    with app.app_context():
        key = scheduled.astimezone(UK).strftime("%Y-%m-%dT%H:%M")
        run_job(name, scheduled.astimezone(UK).date(), trigger="scheduler", run_key=key)


def trigger_for(name: str) -> CronTrigger:
    return CronTrigger(timezone=UK, **JOBS[name].cron)


def latest_fire_time(trigger: CronTrigger, now: datetime) -> datetime:
    """The scheduled time this firing belongs to: the trigger's last time at or before now."""
    latest = candidate = trigger.get_next_fire_time(None, now - timedelta(days=1))
    while candidate is not None and candidate <= now:
        latest = candidate
        candidate = trigger.get_next_fire_time(candidate, candidate + timedelta(seconds=1))
    return latest


def beat(app: Flask, process: str) -> None:
    """Say this scheduler is alive (the admin jobs page shows when it last did)."""
    with app.app_context():
        heartbeat = db.session.get(SchedulerHeartbeat, process)
        if heartbeat is None:
            heartbeat = SchedulerHeartbeat(process=process)
            db.session.add(heartbeat)
        heartbeat.beat_at = utcnow()
        db.session.commit()


def add_jobs(scheduler: BaseScheduler, app: Flask) -> None:
    """Register every job in jobs.schedule with its cron trigger, in UK time, and the
    heartbeat every minute."""
    process = f"{socket.gethostname()}:{os.getpid()}"[:120]
    beat(app, process)
    scheduler.add_job(beat, "interval", args=[app, process], id="heartbeat", minutes=1)
    for name in JOBS:
        scheduler.add_job(
            _fire_now,
            trigger_for(name),
            args=[app, name],
            id=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )


def _fire_now(app: Flask, name: str) -> None:
    fire(app, name, latest_fire_time(trigger_for(name), datetime.now(UK)))

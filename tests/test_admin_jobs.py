"""The jobs page says when each job runs in words and next, whether a scheduler is alive,
and lets an administrator run a job now."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from crm.models import JobRun, RunStatus, SchedulerHeartbeat
from crm.timeutil import utcnow
from jobs.scheduler import beat


def test_each_job_is_described_in_words_with_its_next_run(admin_client):
    page = admin_client.get("/admin/jobs").get_data(as_text=True)
    assert "Every day at 02:00" in page and "Every 15 minutes" in page
    assert "Monthly, on day 1, at 03:00" in page
    assert "minute=" not in page and "hour=" not in page


def test_without_a_scheduler_the_page_says_so(admin_client):
    page = admin_client.get("/admin/jobs").get_data(as_text=True)
    assert "No scheduler is running" in page


def test_a_live_scheduler_is_shown_with_its_last_heartbeat(app, admin_client, db):
    beat(app, "host-1:123")
    page = admin_client.get("/admin/jobs").get_data(as_text=True)
    assert "Scheduler running" in page and "host-1:123" in page


def test_a_silent_scheduler_is_said_to_have_stopped(app, admin_client, db):
    beat(app, "host-1:123")
    db.session.execute(sa.update(SchedulerHeartbeat).values(beat_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    page = admin_client.get("/admin/jobs").get_data(as_text=True)
    assert "The scheduler has stopped" in page


def test_an_administrator_runs_a_job_now(admin_client, db):
    response = admin_client.post("/admin/jobs/refresh_statistics/run")
    assert response.headers["Location"] == "/admin/jobs"
    for thread in threading.enumerate():
        if thread.name == "job-refresh_statistics":
            thread.join(timeout=30)
    db.session.expire_all()
    run = db.session.scalar(sa.select(JobRun).where(JobRun.trigger == "admin"))
    assert (run.job, run.status) == ("refresh_statistics", RunStatus.SUCCEEDED)


def test_an_unknown_job_cannot_be_run(admin_client):
    assert admin_client.post("/admin/jobs/drop_everything/run").status_code == 404

"""The jobs Hearth runs, with stable ids and when they run (UK time)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[..., dict]
    description: str
    cron: dict = field(default_factory=dict)  # APScheduler CronTrigger fields

    @property
    def when(self) -> str:
        """The schedule in words ("Every day at 02:00"), for the admin jobs page."""
        cron = self.cron
        minute = str(cron.get("minute", "0"))
        if "/" in minute:
            return f"Every {minute.split('/')[1]} minutes"
        at = f"{int(cron.get('hour', 0)):02d}:{int(minute):02d}"
        if "day" in cron:
            return f"Monthly, on day {cron['day']}, at {at}"
        return f"Every day at {at}"

    def next_run(self, now: datetime) -> datetime | None:
        """When the scheduler will next run it (UK time)."""
        from apscheduler.triggers.cron import CronTrigger

        from crm.timeutil import UK

        return CronTrigger(timezone=UK, **self.cron).get_next_fire_time(None, now)


def _flag_work(**kwargs) -> dict:
    from jobs.flags import flag_work

    return flag_work(**kwargs)


def _snapshot(**kwargs) -> dict:
    from jobs.snapshots import snapshot_metrics

    return snapshot_metrics(**kwargs)


def _deliver(**kwargs) -> dict:
    from jobs.notifications import deliver_notifications

    return deliver_notifications(**kwargs)


def _data_retention(**kwargs) -> dict:
    from crm.privacy.services import apply_retention

    return apply_retention(**kwargs)


def _statistics(**kwargs) -> dict:
    from crm.imports.bulk import refresh_statistics

    refresh_statistics()
    return {"analysed": 1}


def _retrain(**kwargs) -> dict:
    from jobs.retention.store import retrain

    return retrain(**kwargs)


def _rescore(**kwargs) -> dict:
    from jobs.retention.store import rescore

    return rescore(**kwargs)


def _seal(**kwargs) -> dict:
    from jobs.audit_trail import seal_audit_trail

    return seal_audit_trail(**kwargs)


def _verify(**kwargs) -> dict:
    from jobs.audit_trail import verify_audit_trail

    return verify_audit_trail(**kwargs)


def _resignations(**kwargs) -> dict:
    from jobs.resignations import apply_resignations

    return apply_resignations(**kwargs)


def _queue_outreach(**kwargs) -> dict:
    from jobs.outreach import queue_due_messages

    return queue_due_messages(**kwargs)


def _send_outreach(**kwargs) -> dict:
    from jobs.outreach import send_waiting_messages

    return send_waiting_messages(**kwargs)


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job(
            "flag_work",
            _flag_work,
            "Flag stalled assessments and overdue first contacts; notify their owners; "
            "clear flags whose cause has gone.",
            {"hour": 2, "minute": 0},
        ),
        Job(
            "snapshot_metrics",
            _snapshot,
            "Store the dashboard's figures for the financial year so far (every 15 minutes, "
            "so the dashboard opens at once; each day's last copy is kept as history).",
            {"minute": "7-59/15"},
        ),
        Job(
            "data_retention",
            _data_retention,
            "Anonymise enquiries that never became applications once past the retention "
            "period; flag carer records past statutory retention for review.",
            {"hour": 1, "minute": 30},
        ),
        Job(
            "refresh_statistics",
            _statistics,
            "Refresh the database planner's statistics (SQLite never does it by itself).",
            {"hour": 1, "minute": 0},
        ),
        Job(
            "retrain_risk_model",
            _retrain,
            "Retrain the retention risk model on the history so far (keeps every version).",
            {"day": 1, "hour": 3, "minute": 0},
        ),
        Job(
            "rescore_carers",
            _rescore,
            "Score every active household's risk of leaving with the latest model.",
            {"hour": 3, "minute": 30},
        ),
        Job(
            "seal_audit_trail",
            _seal,
            "Seal new audit entries into the trail's hash chain, so any later edit shows.",
            {"minute": "3-59/5"},
        ),
        Job(
            "verify_audit_trail",
            _verify,
            "Check the audit trail's hash chain from its start; alert administrators if "
            "any entry was changed or removed.",
            {"hour": 4, "minute": 15},
        ),
        Job(
            "deliver_notifications",
            _deliver,
            "Email notifications when SMTP is configured (otherwise they wait in the outbox).",
            {"minute": "*/15"},
        ),
        Job(
            "apply_resignations",
            _resignations,
            "Deregister households whose carers' notice of resignation has taken effect "
            "(28 days from receipt, reg 28(13)), on that day.",
            {"hour": 0, "minute": 45},
        ),
        Job(
            "queue_outreach",
            _queue_outreach,
            "Queue the messages due to applicants and carers today (visit, panel and review "
            'reminders; "we haven\'t heard from you"), once each, and send them.',
            {"hour": 7, "minute": 30},
        ),
        Job(
            "send_outreach",
            _send_outreach,
            "Send messages to applicants and carers still waiting (each is first tried "
            "straight after it is queued); retried up to 5 times, then shown as failed.",
            {"minute": "*/5"},
        ),
    )
}


def start_now(app, name: str) -> threading.Thread:
    """Run job `name` now, beside the web request that asked (an administrator's "Run
    now"): the run is recorded like any other, so the jobs page shows it running and
    then its result. The same claim as every run keeps it from running twice at once."""

    def work() -> None:
        from crm.timeutil import today
        from jobs.runner import run_job

        with app.app_context():
            run_job(name, today(), trigger="admin")

    thread = threading.Thread(target=work, name=f"job-{name}", daemon=True)
    thread.start()
    return thread

"""Scheduled jobs: flags and notifications, snapshots, the run record, and running once."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

from crm import create_app
from crm.domain.stages import EventKind
from crm.extensions import db as _db
from crm.formatting import uk_date
from crm.models import (
    ActivityKind,
    Flag,
    FlagKind,
    JobRun,
    MetricsSnapshot,
    Notification,
    RunStatus,
)
from crm.timeutil import UK, today
from jobs import schedule
from jobs.cli import jobs_group
from jobs.flags import flag_work
from jobs.runner import run_job
from jobs.scheduler import fire, latest_fire_time, trigger_for
from tests.factories import CaseFactory, HouseholdFactory, advance, at_panel

K = EventKind
NOW = today()
#: Applied yesterday: not stalled on the day its record is written, so these tests see
#: what the nightly run does when only the calendar moves (60 quiet days later).
APPLIED = NOW - timedelta(days=1)


def stalled_case(owner=None, assessor=None, applied=APPLIED):
    case = advance(
        CaseFactory(
            enquiry_date=applied - timedelta(days=36), owner=owner, assessing_worker=assessor
        ),
        (K.FIRST_CONTACT, applied - timedelta(days=35)),
        (K.INITIAL_VISIT, applied - timedelta(days=27)),
        (K.APPLICATION, applied),
    )
    return case


def open_flags(kind: FlagKind | None = None) -> list[Flag]:
    query = sa.select(Flag).where(Flag.cleared_on.is_(None))
    return _db.session.scalars(query if kind is None else query.where(Flag.kind == kind)).all()


def told(about: str) -> list[Notification]:
    return _db.session.scalars(
        sa.select(Notification).where(Notification.message.startswith(about))
    ).all()


class TestFlagWork:
    """The nightly run: the safety net for clocks that only the calendar moves."""

    def test_a_stalled_case_is_flagged_and_its_officer_told(self, db, officer):
        case = stalled_case(owner=officer)
        counts = flag_work(APPLIED + timedelta(days=61))
        db.session.commit()
        [flag] = open_flags()
        assert (flag.kind, flag.case_id, flag.owner_id) == (FlagKind.STALLED, case.id, officer.id)
        [note] = told("Assessment stalled")
        assert note.user_id == officer.id and case.reference in note.message
        assert counts == {"raised": 1, "cleared": 0, "open": 1, "notified": 1}

    def test_a_stalled_assessment_goes_to_its_assessing_worker(self, db, officer, ssw):
        stalled_case(owner=officer, assessor=ssw)
        flag_work(APPLIED + timedelta(days=61))
        assert [f.owner_id for f in open_flags(FlagKind.STALLED)] == [ssw.id]

    def test_running_again_raises_nothing_new(self, db, officer):
        stalled_case(owner=officer)
        flag_work(APPLIED + timedelta(days=61))
        db.session.commit()
        again = flag_work(APPLIED + timedelta(days=62))
        assert again["raised"] == 0
        assert len(told("Assessment stalled")) == 1

    def test_a_flag_whose_cause_has_gone_by_the_day_is_cleared(self, db, officer):
        stalled_case(owner=officer)
        flag_work(APPLIED + timedelta(days=61))
        db.session.commit()
        counts = flag_work(APPLIED + timedelta(days=2))  # judged again on a quieter day
        db.session.commit()
        assert counts["cleared"] == 1
        stalled = db.session.scalar(sa.select(Flag).where(Flag.kind == FlagKind.STALLED))
        assert stalled.cleared_on == APPLIED + timedelta(days=2)

    def test_an_overdue_first_contact_is_flagged(self, db, officer):
        case = CaseFactory(enquiry_date=date(2025, 3, 3), owner=officer)
        flag_work(date(2025, 3, 6))
        flag = db.session.scalar(sa.select(Flag))
        assert (flag.kind, flag.case_id) == (FlagKind.FIRST_CONTACT_OVERDUE, case.id)
        assert "3 working days" in flag.reason


class TestFlagsKeptCurrentOnWrite:
    """Recording anything on a case or household judges its clocks again before the
    commit, so a flag (and every count read from the flags) is true all day."""

    def test_a_case_stalled_when_its_record_is_written_is_flagged_at_once(self, db, officer):
        case = stalled_case(owner=officer, applied=NOW - timedelta(days=61))
        [flag] = open_flags(FlagKind.STALLED)
        assert (flag.case_id, flag.owner_id, flag.raised_on) == (case.id, officer.id, NOW)
        [note] = told("Assessment stalled")
        assert note.user_id == officer.id and case.reference in note.message

    def test_a_flag_clears_itself_when_the_cause_goes(self, db, officer):
        case = stalled_case(owner=officer, applied=NOW - timedelta(days=61))
        advance(case, (K.WITHDRAWN_BY_APPLICANT, NOW, "AW3"))
        assert open_flags(FlagKind.STALLED) == []
        stalled = db.session.scalar(sa.select(Flag).where(Flag.kind == FlagKind.STALLED))
        assert stalled.cleared_on == NOW

    def test_activity_clears_an_inactivity_flag(self, db, officer):
        case = stalled_case(owner=officer, applied=NOW - timedelta(days=30))
        assert len(open_flags(FlagKind.STALLED)) == 1  # quiet for 30 days: stalled
        case.log_activity(ActivityKind.CALL, NOW, officer)
        db.session.commit()
        assert open_flags(FlagKind.STALLED) == []

    def test_the_nightly_run_leaves_the_retention_jobs_flags_alone(self, db):
        household = HouseholdFactory(approval_date=date(2005, 1, 1))
        household.deregistration_date = date(2014, 6, 1)
        db.session.commit()
        [review] = open_flags(FlagKind.RETENTION_REVIEW)
        flag_work(NOW)
        db.session.commit()
        assert open_flags(FlagKind.RETENTION_REVIEW) == [review]


class TestTimescaleFlags:
    def test_an_assessment_four_weeks_from_8_months_is_flagged_for_its_assessor(self, db, ssw):
        case = stalled_case(assessor=ssw, applied=date(2025, 1, 6))  # panel due by 6 Sep 2025
        flag_work(date(2025, 8, 9))
        [flag] = open_flags(FlagKind.PANEL_TIMESCALE)
        assert (flag.case_id, flag.owner_id) == (case.id, ssw.id)
        assert "panel due by 6 Sep 2025" in flag.reason

    def test_an_assessment_past_8_months_says_so(self, db):
        stalled_case(applied=date(2025, 1, 6))
        flag_work(date(2025, 9, 8))
        reason = db.session.scalar(
            sa.select(Flag.reason).where(Flag.kind == FlagKind.PANEL_TIMESCALE)
        )
        assert "past the 8-month panel timescale" in reason

    def test_no_agency_decision_8_working_days_after_the_minutes_is_flagged(self, db, officer):
        case = advance(
            stalled_case(owner=officer, applied=date(2025, 1, 6)),
            (K.STAGE2_START, date(2025, 2, 3)),
        )
        # a Monday's sitting, its final minutes received the same day (NMS 14.9)
        at_panel(case, date(2025, 6, 2), minutes_received_on=date(2025, 6, 2))
        flag_work(date(2025, 6, 11))  # 7 working days: not yet
        assert open_flags(FlagKind.DECISION_OVERDUE) == []
        flag_work(date(2025, 6, 12))  # 8 working days
        [flag] = open_flags(FlagKind.DECISION_OVERDUE)
        assert flag.case_id == case.id
        assert "8 working days after the final panel minutes" in flag.reason


class TestRunner:
    def test_a_run_is_recorded_with_its_counts(self, db):
        run = run_job("snapshot_metrics", date(2025, 6, 30))
        assert (run.status, run.counts["stored"]) == (RunStatus.SUCCEEDED, 1)
        assert run.finished_at is not None
        assert db.session.get(MetricsSnapshot, date(2025, 6, 30)).figures["period"] == {
            "from": "2025-04-01",
            "to": "2026-03-31",
            "as_of": "2025-06-30",
        }

    def test_a_failing_job_is_recorded_and_does_not_raise(self, db, monkeypatch):
        def broken(**kwargs):
            raise RuntimeError("the database went away")

        monkeypatch.setitem(
            schedule.JOBS, "flag_work", schedule.Job("flag_work", broken, "broken", {})
        )
        run = run_job("flag_work", date(2025, 6, 30))
        assert run.status is RunStatus.FAILED
        assert "the database went away" in run.error

    def test_a_failed_job_leaves_no_half_written_work(self, db, officer, monkeypatch):
        stalled_case(owner=officer)

        def half_then_fail(as_of, progress=None):
            flag_work(as_of)
            raise RuntimeError("failed part-way")

        monkeypatch.setitem(
            schedule.JOBS, "flag_work", schedule.Job("flag_work", half_then_fail, "", {})
        )
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Flag))
        run_job("flag_work", APPLIED + timedelta(days=61))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Flag)) == before

    def test_a_claimed_run_is_not_run_again(self, db):
        first = run_job("snapshot_metrics", date(2025, 6, 30), "scheduler", "2025-06-30T02:30")
        second = run_job("snapshot_metrics", date(2025, 6, 30), "scheduler", "2025-06-30T02:30")
        assert first is not None and second is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(JobRun)) == 1

    def test_the_scheduled_time_is_the_triggers_latest(self):
        now = datetime(2025, 6, 30, 10, 7, 41, tzinfo=UK)
        assert latest_fire_time(trigger_for("deliver_notifications"), now) == datetime(
            2025, 6, 30, 10, 0, tzinfo=UK
        )
        assert latest_fire_time(trigger_for("flag_work"), now) == datetime(
            2025, 6, 30, 2, 0, tzinfo=UK
        )


@pytest.fixture
def shared_app(app, db, tmp_path):
    """An app whose database several threads can share: a SQLite file, or PostgreSQL."""
    if app.config["SQLALCHEMY_DATABASE_URI"] != "sqlite://":
        yield app
        return
    shared = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shared.db'}"})
    with shared.app_context():
        _db.create_all()
    yield shared
    with shared.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_two_schedulers_against_one_database_run_a_job_once(shared_app):
    when = datetime.now(UK).replace(microsecond=0) + timedelta(seconds=2)
    finished = threading.Semaphore(0)
    schedulers = []
    for _ in range(2):
        scheduler = BackgroundScheduler(timezone=UK)
        scheduler.add_listener(
            lambda event: finished.release(), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
        )
        scheduler.add_job(
            fire,
            DateTrigger(run_date=when, timezone=UK),
            args=[shared_app, "snapshot_metrics", when],
        )
        scheduler.start()
        schedulers.append(scheduler)
    try:
        assert finished.acquire(timeout=20) and finished.acquire(timeout=20)
    finally:
        for scheduler in schedulers:
            scheduler.shutdown()
    with shared_app.app_context():
        runs = _db.session.scalars(sa.select(JobRun)).all()
        assert [(r.job, r.status) for r in runs] == [("snapshot_metrics", RunStatus.SUCCEEDED)]
        _db.session.execute(sa.delete(MetricsSnapshot))
        _db.session.execute(sa.delete(JobRun))
        _db.session.commit()


class TestCommandLine:
    def test_the_job_commands_join_flask_as_a_plugin(self):
        from importlib.metadata import entry_points

        names = {e.name: e.value for e in entry_points(group="flask.commands")}
        assert names["jobs"] == "jobs.cli:jobs_group"
        assert {"risk", "scheduler"} <= set(names)

    def test_jobs_list_names_every_job(self, runner):
        output = runner.invoke(jobs_group, ["list"]).output
        assert all(name in output for name in schedule.JOBS)

    def test_jobs_run_runs_the_job_now(self, runner, db, officer):
        stalled_case(owner=officer)
        later = (APPLIED + timedelta(days=61)).isoformat()
        result = runner.invoke(jobs_group, ["run", "flag_work", "--as-of", later])
        assert result.exit_code == 0, result.output
        assert "flag_work: succeeded" in result.output and "'raised': 1" in result.output

    def test_an_unknown_job_is_refused(self, runner, db):
        result = runner.invoke(jobs_group, ["run", "tidy_desk"])
        assert result.exit_code == 2 and "unknown job" in result.output


class TestDelivery:
    def test_without_smtp_notifications_wait_in_the_outbox(self, db, officer, admin_client):
        _db.session.add(Notification(user_id=officer.id, message="Chase HF-1", link="/cases/1"))
        _db.session.commit()
        assert run_job("deliver_notifications", date.today()).counts == {
            "sent": 0,
            "waiting_in_outbox": 1,
        }
        assert b"Chase HF-1" in admin_client.get("/admin/outbox").data

    def test_with_smtp_each_notification_is_emailed_once(self, mailbox, db, officer):
        _db.session.add(Notification(user_id=officer.id, message="Chase HF-1", link="/cases/1"))
        _db.session.commit()
        first = run_job("deliver_notifications", date.today())
        run_job("deliver_notifications", date.today())
        assert first.status is RunStatus.SUCCEEDED
        assert [(m["To"], m["Subject"]) for m in mailbox.messages] == [
            (officer.email, "Hearth: Chase HF-1")
        ]
        body = mailbox.messages[0].get_content()
        assert "Open Hearth to see it: https://hearth.test/cases/1" in body


def test_a_user_sees_their_notifications_and_marks_them_read(officer_client, officer, db):
    _db.session.add(
        Notification(user_id=officer.id, message="Assessment stalled: HF-9", link="/cases/9")
    )
    _db.session.commit()
    page = officer_client.get("/cases/mine").get_data(as_text=True)
    assert 'Notifications <span class="badge text-bg-warning">1' in page
    assert "Assessment stalled: HF-9" in officer_client.get("/notifications").get_data(as_text=True)
    officer_client.post("/notifications/read")
    assert "badge text-bg-warning" not in officer_client.get("/cases/mine").get_data(as_text=True)


def test_administrators_see_job_runs(admin_client, db):
    run_job("snapshot_metrics", date(2025, 6, 30))
    page = admin_client.get("/admin/jobs").get_data(as_text=True)
    assert "snapshot_metrics" in page and "Succeeded" in page


class TestHouseholdFlags:
    def test_an_overdue_visit_is_flagged_for_the_supervising_worker(self, db, ssw):
        approved = NOW - timedelta(days=1)
        household = HouseholdFactory(approval_date=approved, supervising_worker=ssw)
        due = approved + timedelta(days=42)  # six weeks after approval
        flag_work(due + timedelta(days=1))
        [flag] = open_flags(FlagKind.SUPERVISION_VISIT_OVERDUE)
        assert (flag.household_id, flag.owner_id) == (household.id, ssw.id)
        assert f"was due on {uk_date(due)}" in flag.reason

    def test_the_flag_clears_once_the_visit_is_logged(self, db, ssw):
        from crm.models import CarerEventKind

        household = HouseholdFactory(approval_date=NOW - timedelta(days=43), supervising_worker=ssw)
        assert len(open_flags(FlagKind.SUPERVISION_VISIT_OVERDUE)) == 1
        household.log_record(CarerEventKind.SUPERVISION_VISIT, NOW, ssw, as_of=NOW)
        db.session.commit()
        assert open_flags(FlagKind.SUPERVISION_VISIT_OVERDUE) == []


def test_catch_up_runs_each_job_that_never_succeeded_once(runner, db):
    from jobs.cli import CATCH_UP_ORDER, jobs_group

    first = runner.invoke(jobs_group, ["catch-up", "--as-of", "2025-03-08"])
    assert first.exit_code == 0, first.output
    ran = db.session.scalars(sa.select(JobRun.job).where(JobRun.status == RunStatus.SUCCEEDED))
    assert set(ran) == set(CATCH_UP_ORDER)
    again = runner.invoke(jobs_group, ["catch-up", "--as-of", "2025-03-08"])
    assert "nothing to catch up" in again.output

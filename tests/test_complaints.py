"""A carer's complaint is its own record with a response clock (crm/clocks/): recorded
and answered on the household's page, flagged to the household's worker once the
service's working days pass unanswered (10 by default, a council's stage 1: at once on
the write if it is already late, else by the nightly run), cleared at once when answered,
counted on the manager's strip and the worker's queue from the same flags, and held in
the household's exports."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

import sqlalchemy as sa

from crm.domain.complaints import ComplaintOutcome, response_due_on
from crm.domain.settings import Settings
from crm.domain.working_days import add_working_days, is_working_day
from crm.extensions import db as _db
from crm.imports.outbound import write_csv
from crm.models import (
    CarerEvent,
    CarerEventKind,
    Flag,
    FlagKind,
    Notification,
    Role,
    Setting,
)
from crm.models.carer_event import Complaint
from crm.privacy.records import free_text
from crm.timeutil import today
from jobs.flags import flag_work
from jobs.retention.data import load_history
from jobs.retention.features import features_at
from tests.factories import HouseholdFactory

NOW = today()
LATE = FlagKind.COMPLAINT_RESPONSE_OVERDUE
SUMMARY = "Respite cancelled twice without notice"


def working_days_ago(days: int) -> date:
    """The day a complaint is received for its response, `days` working days on, to fall
    due on the first working day from today: due today, or next Monday at a weekend."""
    due = NOW
    while not is_working_day(due):
        due += timedelta(days=1)
    day = due
    while add_working_days(day, days) > due:
        day -= timedelta(days=1)
    return day


def received(client, household, days_ago: int, summary: str = SUMMARY):
    """A complaint received `days_ago` working days ago."""
    return client.post(
        f"/households/{household.id}/complaints",
        data={
            "received_on": working_days_ago(days_ago).isoformat(),
            "complainant": "Both carers",
            "summary": summary,
        },
    )


def answered(client, household, complaint_id: int, outcome: str = "partly_upheld"):
    return client.post(
        f"/households/{household.id}/complaints/{complaint_id}/response",
        data={"outcome": outcome, "responded_on": NOW.isoformat()},
    )


def open_flags(kind: FlagKind = LATE) -> list[Flag]:
    query = sa.select(Flag).where(Flag.kind == kind, Flag.cleared_on.is_(None))
    return list(_db.session.scalars(query))


def only_complaint() -> Complaint:
    return _db.session.scalars(sa.select(Complaint)).one()


def test_a_complaint_already_late_is_flagged_to_the_households_worker_on_saving(
    db, ssw_client, ssw
):
    household = HouseholdFactory(supervising_worker=ssw)
    response = received(ssw_client, household, days_ago=11)
    assert response.status_code == 302
    [flag] = open_flags()
    assert (flag.household_id, flag.owner_id, flag.raised_on) == (household.id, ssw.id, NOW)
    assert "unanswered after 10 working days (the service's standard)" in flag.reason
    told = _db.session.scalars(
        sa.select(Notification.message).where(Notification.user_id == ssw.id)
    )
    assert any(household.reference in message for message in told)


def test_a_complaint_within_its_10_working_days_is_not_flagged(db, ssw_client, ssw):
    received(ssw_client, HouseholdFactory(supervising_worker=ssw), days_ago=10)
    assert open_flags() == []


def test_the_nightly_run_flags_a_complaint_the_day_after_its_response_was_due(db, ssw_client, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    received(ssw_client, household, days_ago=10)  # due on the first working day from today
    due = response_due_on(only_complaint().received_on, Settings())
    flag_work(due)
    assert open_flags() == []
    flag_work(due + timedelta(days=1))
    _db.session.commit()
    assert [f.household_id for f in open_flags()] == [household.id]


def test_answering_the_complaint_clears_its_flag_at_once(db, ssw_client, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    received(ssw_client, household, days_ago=20)
    assert len(open_flags()) == 1
    response = answered(ssw_client, household, only_complaint().id)
    assert response.status_code == 302
    complaint = only_complaint()
    assert (complaint.outcome.value, complaint.responded_on) == ("partly_upheld", NOW)
    assert open_flags() == []


def test_the_service_may_set_its_own_response_timescale(db, ssw_client, ssw):
    _db.session.add(Setting(key="complaint_response_working_days", value="20"))
    _db.session.commit()
    received(ssw_client, HouseholdFactory(supervising_worker=ssw), days_ago=21)
    [flag] = open_flags()
    assert "unanswered after 20 working days" in flag.reason


def test_a_complaint_is_answered_once_and_not_before_it_was_received(db, ssw_client, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    received(ssw_client, household, days_ago=3)
    complaint_id = only_complaint().id
    the_day_before = only_complaint().received_on - timedelta(days=1)
    early = ssw_client.post(
        f"/households/{household.id}/complaints/{complaint_id}/response",
        data={"outcome": "upheld", "responded_on": the_day_before.isoformat()},
    )
    assert early.status_code == 200
    assert "before the complaint was received" in early.get_data(as_text=True)
    answered(ssw_client, household, complaint_id)
    again = answered(ssw_client, household, complaint_id, outcome="upheld")
    assert "This complaint was answered on" in again.get_data(as_text=True)
    assert only_complaint().outcome.value == "partly_upheld"


def test_a_complaint_needs_who_made_it_and_what_it_is_about(db, ssw_client, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    response = ssw_client.post(
        f"/households/{household.id}/complaints",
        data={"received_on": NOW.isoformat(), "complainant": "", "summary": ""},
    )
    assert response.status_code == 400
    assert "Say what it is about." in response.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count(Complaint.id))) == 0


def test_only_the_households_worker_and_managers_record_its_complaints(db, ssw_client, make_user):
    other = make_user(Role.SUPERVISING_SOCIAL_WORKER)
    household = HouseholdFactory(supervising_worker=other)
    assert received(ssw_client, household, days_ago=1).status_code == 403
    assert _db.session.scalar(sa.select(sa.func.count(Complaint.id))) == 0


def test_a_manager_answers_a_complaint_on_any_household(db, manager_client, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    received(manager_client, household, days_ago=15)
    answered(manager_client, household, only_complaint().id, outcome="not_upheld")
    assert only_complaint().outcome.value == "not_upheld"
    assert open_flags() == []


def test_another_households_complaint_is_not_found_under_this_one(db, manager_client):
    first, second = HouseholdFactory(), HouseholdFactory()
    received(manager_client, first, days_ago=2)
    assert answered(manager_client, second, only_complaint().id).status_code == 404


def test_the_household_page_and_timeline_show_the_complaint_and_its_answer(db, ssw_client, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    received(ssw_client, household, days_ago=15)
    page = ssw_client.get(f"/households/{household.id}").get_data(as_text=True)
    listed = page.split('data-testid="complaints">')[1].split("</ul>")[0]
    due = response_due_on(only_complaint().received_on, Settings())
    due = f"{due.day} {due:%b %Y}"
    assert SUMMARY in listed and "Response overdue since" in listed and due in listed
    answered(ssw_client, household, only_complaint().id, outcome="upheld")
    page = ssw_client.get(f"/households/{household.id}").get_data(as_text=True)
    timeline = page.split('id="timeline"')[1]
    assert "Complaint received: from Both carers: " + SUMMARY in timeline
    assert "Complaint answered: Upheld" in timeline
    assert timeline.count("Complaint") == 2  # its counted event is not listed again


def strip(client) -> dict[str, tuple[int, str]]:
    page = client.get("/dashboard/").get_data(as_text=True)
    part = page.split('data-testid="attention">')[1].split("</section>")[0]
    return {
        label: (int(count), href.replace("&amp;", "&"))
        for href, count, label in re.findall(
            r'<a href="([^"]+)"[^>]*><strong>(\d+)</strong> ([^<]+)</a>', part
        )
    }


def test_the_managers_count_of_late_complaints_is_the_length_of_its_list(db, manager_client, ssw):
    late = [HouseholdFactory(reference=f"HC-{n}", supervising_worker=ssw) for n in range(3)]
    for household in late:
        received(manager_client, household, days_ago=20)
    received(manager_client, late[0], days_ago=25)  # a second one: still one household
    received(manager_client, HouseholdFactory(reference="HC-ONTIME"), days_ago=1)
    first = _db.session.scalars(
        sa.select(Complaint).where(Complaint.household_id == late[1].id)
    ).one()
    answered(manager_client, late[1], first.id)  # at midday: off the count at once

    count, href = strip(manager_client)["Households with a complaint not answered in time"]
    listed = manager_client.get(href).get_data(as_text=True)
    references = sorted(set(re.findall(r">(HC-[\w]+)<", listed)))
    assert count == 2
    assert references == ["HC-0", "HC-2"]


def test_the_workers_queue_lists_their_households_late_complaints(db, ssw_client, ssw, make_user):
    mine = HouseholdFactory(reference="HC-MINE", supervising_worker=ssw)
    other = make_user(Role.SUPERVISING_SOCIAL_WORKER)
    theirs = HouseholdFactory(reference="HC-THEIRS", supervising_worker=other)
    received(ssw_client, mine, days_ago=15)
    _db.session.add(
        Complaint.receive(theirs, NOW - timedelta(days=31), "A carer", "Late payment", None)
    )
    _db.session.commit()
    page = ssw_client.get("/households/caseload").get_data(as_text=True)
    queue = page.split('id="complaints-h"')[1].split("</section>")[0]
    assert "Complaints not answered in time (1)" in queue
    assert "HC-MINE" in queue and "HC-THEIRS" not in queue


def test_a_complaint_counts_as_the_complaint_event_the_history_already_counts(db, manager_client):
    household = HouseholdFactory(reference="HC-EVENTS")
    received(manager_client, household, days_ago=10)
    events = _db.session.scalars(sa.select(CarerEvent).where(CarerEvent.kind == "complaint"))
    assert [(e.household_id, e.occurred_on) for e in events] == [
        (household.id, working_days_ago(10))
    ]
    out = io.StringIO()
    write_csv("carer-events", out)
    rows = [line for line in out.getvalue().splitlines() if line.startswith("HC-EVENTS,")]
    assert rows == [f"HC-EVENTS,{working_days_ago(10).isoformat()},complaint,,,,,,,,"]


def test_the_retention_models_complaints_feature_counts_a_recorded_complaint(db, manager_client):
    household = HouseholdFactory()
    received(manager_client, household, days_ago=10)
    features = features_at(load_history(), NOW)
    assert features.loc[household.id, "complaints_12m"] == 1


def test_an_older_complaint_event_stays_as_history_without_a_clock(db, manager_client):
    household = HouseholdFactory()
    household.log_record(CarerEventKind.COMPLAINT, NOW - timedelta(days=90), None)
    _db.session.commit()
    flag_work(NOW)
    assert open_flags() == []
    page = manager_client.get(f"/households/{household.id}").get_data(as_text=True)
    assert "None recorded." in page.split('data-testid="complaints">')[1].split("</ul>")[0]
    assert "— Complaint" in page.split('id="timeline"')[1]


def test_subject_access_holds_the_complaint_and_its_answer(db, admin_client):
    household = HouseholdFactory()
    complaint = Complaint.receive(household, NOW - timedelta(days=5), "Both carers", SUMMARY, None)
    complaint.respond(ComplaintOutcome.WITHDRAWN, NOW)
    _db.session.commit()
    bundle = json.loads(admin_client.get(f"/privacy/household/{household.id}.json").data)
    [complaint] = bundle["complaints"]
    assert (complaint["complainant"], complaint["summary"], complaint["outcome"]) == (
        "Both carers",
        SUMMARY,
        "withdrawn",
    )


def test_the_message_to_the_worker_does_not_repeat_what_the_complaint_says(db, ssw_client, ssw):
    received(ssw_client, HouseholdFactory(supervising_worker=ssw), days_ago=20)
    texts = [f.reason for f in open_flags()] + list(
        _db.session.scalars(sa.select(Notification.message))
    )
    assert texts and not any("Respite" in text or "Both carers" in text for text in texts)


def test_anonymisation_clears_who_complained_and_what_about():
    """The walk anonymisation and erasure use (crm/privacy/records.py) finds the typed
    text of a complaint; a household itself is kept under reg 32, never anonymised."""
    assert sorted(free_text(Complaint)) == ["complainant", "summary"]


def test_a_councils_stage_1_runs_10_working_days_past_christmas_and_new_year():
    # Received Friday 18 December 2026: Christmas Day, the Boxing Day holiday (Monday
    # 28 December, Boxing Day being a Saturday) and New Year's Day are not counted.
    assert response_due_on(date(2026, 12, 18), Settings()) == date(2027, 1, 6)


def test_a_service_that_extends_stage_1_sets_20_working_days():
    extended = Settings(complaint_response_working_days=20)
    assert response_due_on(date(2026, 12, 18), extended) == date(2027, 1, 20)

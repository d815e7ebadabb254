"""Need to know, wherever a case is named (issue 29, item 12): a supervising social worker
is shown only the cases whose page they may open (those they assess, and those behind the
households they supervise), on every page they can reach: the case page's duplicate
banner and earlier case, the merge page, their work queue and tasks, matching's
applicants near approval, their notifications and the case list and search. Officers and
managers still see every case.

The service below is built so that every place that names a case has one case the worker
may open and one they may not; the pages' case references are read back and compared
with the set each should show."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from crm.auth.access import allowed_roles
from crm.domain.bookings import BookingKind
from crm.domain.determinations import DeterminationKind
from crm.domain.stages import EventKind, Stage
from crm.extensions import db as _db
from crm.models import (
    ActivityKind,
    Booking,
    Case,
    Check,
    CheckKind,
    DeregistrationReason,
    Determination,
    MergedCase,
    Notification,
    Referral,
    Resident,
    Role,
)
from crm.models.carer_event import Complaint
from crm.timeutil import today
from jobs.flags import flag_work
from tests.conftest import login
from tests.factories import CaseFactory, HouseholdFactory, advance

#: Every reference this service names: SEEN- the worker may open, HIDDEN- they may not.
REFERENCE = re.compile(r"\b(?:SEEN|HIDDEN)-[A-Z]+\b")
#: The last name of every applicant the worker may not open.
HIDDEN_NAME = "Unseenworth"

PANEL_DAY = date(2025, 6, 2)


def _case(reference: str, **kwargs):
    if reference.startswith("HIDDEN-"):
        kwargs.setdefault("last_name", HIDDEN_NAME)
    return CaseFactory(reference=reference, **kwargs)


def _panel_booked(case):
    case.stage, case.panel_booked_for = Stage.STAGE2, PANEL_DAY + timedelta(days=7)
    _db.session.commit()
    return case


@pytest.fixture
def service(db, ssw, officer, make_user):
    other = make_user(Role.SUPERVISING_SOCIAL_WORKER)
    theirs = _case("HIDDEN-THEIRS", assessing_worker=other, owner=officer)
    earlier = advance(
        _case("HIDDEN-EARLIER", assessing_worker=other, owner=officer),
        (EventKind.WITHDRAWN_BY_APPLICANT, date(2025, 4, 2), "AW3"),
    )
    _case("HIDDEN-WAITING", enquiry_date=today())  # nobody's yet: waiting for an officer
    owned = _case("HIDDEN-OWNED", owner=ssw)  # they took it, but do not assess it
    _panel_booked(_case("HIDDEN-PANEL", assessing_worker=other, owner=officer))
    tasked = _case("HIDDEN-TASKED", owner=officer)

    assessed = _case("SEEN-ASSESSED", assessing_worker=ssw, owner=officer)
    supervised = _case("SEEN-SUPERVISED", owner=officer)
    household = HouseholdFactory(reference="HH-MINE", case=supervised, supervising_worker=ssw)
    duplicate = _case("SEEN-DUPLICATE", assessing_worker=ssw, owner=officer)
    duplicate.possible_duplicate_of = theirs
    returning = _case("SEEN-RETURNING", assessing_worker=ssw, owner=officer)
    returning.previous_case = earlier
    _panel_booked(_case("SEEN-PANEL", assessing_worker=ssw, owner=officer))
    for case in (tasked, assessed):
        case.log_activity(ActivityKind.TASK, date(2025, 4, 2), ssw, note="call", due_on=today())
    check = Check(case=duplicate, kind=CheckKind.DBS)
    # a visit booked for them on a case of theirs, and one on a case they may not open
    visits = [
        Booking(
            case=case,
            kind=BookingKind.ASSESSMENT_VISIT,
            visit_date=today() + timedelta(days=3),
            start_time=time(10, 0),
            worker=ssw,
        )
        for case in (assessed, owned)
    ]
    db.session.add_all(visits)
    offered = Referral(household=household, offered_on=date(2025, 5, 1), child_age=9)
    db.session.add_all([check, offered])
    complaint = Complaint.receive(household, date(2025, 5, 1), "The carers", "Support", None)
    lodger = Resident(full_name="A lodger", joined_on=date(2025, 5, 1))
    household.residents.append(lodger)
    proposed = Determination(  # a proposed termination's page (reg 28(7))
        kind=DeterminationKind.TERMINATION,
        household=household,
        notified_on=date(2025, 5, 2),
        reasons="x",
        deregistration_reason=DeregistrationReason.OTHER,
    )
    db.session.add(proposed)
    db.session.add_all(
        Notification(user_id=ssw.id, message=f"Stalled: {c.reference}", link=f"/cases/{c.id}")
        for c in (theirs, assessed)
    )
    db.session.commit()
    return {
        "case_id": duplicate.id,
        "returning_id": returning.id,
        "household_id": household.id,
        "member_id": duplicate.members[0].id,
        "check_id": check.id,
        "referral_id": offered.id,
        "person_id": household.carers[0].id,
        "carer_id": household.carers[0].id,
        "complaint_id": complaint.id,
        "booking_id": visits[0].id,
        # the correction pages: the case's enquiry step, the household's complaint event
        "step_id": duplicate.events[0].id,
        "event_id": complaint.event_id,
        "resident_id": lodger.id,
        "determination_id": proposed.id,
    }


def named(response) -> set[str]:
    assert response.status_code == 200
    return set(REFERENCE.findall(response.get_data(as_text=True)))


def test_the_case_list_and_its_search_name_only_their_cases(ssw_client, service):
    assert named(ssw_client.get("/cases/")) == {
        "SEEN-ASSESSED",
        "SEEN-SUPERVISED",
        "SEEN-DUPLICATE",
        "SEEN-RETURNING",
        "SEEN-PANEL",
    }
    assert named(ssw_client.get("/cases/?q=Unseenworth")) == set()


def test_did_you_mean_names_only_their_cases(ssw_client, service):
    """A misspelling of a name they may not see offers nothing (issue 32, item 5)."""
    assert named(ssw_client.get("/cases/?q=Unsenwerth")) == set()


def test_did_you_mean_offers_an_officer_every_case(officer_client, service):
    assert "HIDDEN-THEIRS" in named(officer_client.get("/cases/?q=Unsenwerth"))


def test_the_duplicate_banner_does_not_show_a_case_they_may_not_open(ssw_client, service):
    page = ssw_client.get(f"/cases/{service['case_id']}")
    assert named(page) == {"SEEN-DUPLICATE"}
    assert HIDDEN_NAME not in page.get_data(as_text=True)
    assert "Possible duplicate" in page.get_data(as_text=True)  # an officer will decide it


def test_the_duplicate_banner_shows_the_other_case_to_an_officer(officer_client, service):
    assert named(officer_client.get(f"/cases/{service['case_id']}")) == {
        "SEEN-DUPLICATE",
        "HIDDEN-THEIRS",
    }


def test_the_duplicate_banner_shows_another_case_of_their_own(ssw_client, db, ssw, service):
    mine = _case("SEEN-MERGE", assessing_worker=ssw)
    mine.possible_duplicate_of = db.session.get(Case, service["returning_id"])
    db.session.commit()
    assert named(ssw_client.get(f"/cases/{mine.id}")) == {"SEEN-MERGE", "SEEN-RETURNING"}


def test_an_earlier_case_they_may_not_open_is_not_named(ssw_client, service):
    assert named(ssw_client.get(f"/cases/{service['returning_id']}")) == {"SEEN-RETURNING"}


def test_the_merge_page_is_refused_when_the_other_case_is_not_theirs(ssw_client, service):
    assert ssw_client.get(f"/cases/{service['case_id']}/merge").status_code == 403


@pytest.mark.parametrize("decision", ["merge", "returning", "keep"])
def test_nor_can_they_decide_the_duplicate(ssw_client, db, service, decision):
    response = ssw_client.post(
        f"/cases/{service['case_id']}/duplicate", data={"decision": decision}
    )
    assert response.status_code == 403
    duplicate = db.session.get(Case, service["case_id"])
    assert duplicate.possible_duplicate_of.reference == "HIDDEN-THEIRS"


@pytest.mark.parametrize(("into", "status"), [("HIDDEN-THEIRS", 403), ("SEEN-RETURNING", 302)])
def test_a_merged_cases_old_address_leads_on_only_to_a_case_they_may_open(
    ssw_client, db, service, into, status
):
    """/cases/<old id> of a merged case sends its reader on, with the old reference:
    not to (nor naming) a case they may not open."""
    target = db.session.scalar(sa.select(Case).where(Case.reference == into))
    db.session.add(
        MergedCase(id=987_654, reference="OLD-MERGED", into_case_id=target.id, merged_on=today())
    )
    db.session.commit()
    response = ssw_client.get("/cases/987654")
    assert response.status_code == status
    shown = ssw_client.get(f"/cases/{target.id}").get_data(as_text=True)
    assert ("OLD-MERGED" in shown) is (status == 302)


def test_the_officer_still_gets_the_merge_page(officer_client, service):
    assert named(officer_client.get(f"/cases/{service['case_id']}/merge")) == {
        "SEEN-DUPLICATE",
        "HIDDEN-THEIRS",
    }


def test_their_work_queue_tasks_and_open_cases_name_only_their_cases(ssw_client, service):
    assert named(ssw_client.get("/cases/mine")) == {
        "SEEN-ASSESSED",
        "SEEN-DUPLICATE",
        "SEEN-RETURNING",
        "SEEN-PANEL",
    }


def test_an_officers_work_queue_still_shows_every_enquiry_waiting(officer_client, service):
    assert "HIDDEN-WAITING" in named(officer_client.get("/cases/mine"))


def test_applicants_near_approval_are_only_those_they_may_open(ssw_client, service):
    page = ssw_client.get(f"/matching/?age=9&on={PANEL_DAY.isoformat()}")
    assert named(page) == {"SEEN-PANEL"}


def test_a_manager_matching_sees_every_applicant_near_approval(manager_client, service):
    page = manager_client.get(f"/matching/?age=9&on={PANEL_DAY.isoformat()}")
    assert named(page) == {"SEEN-PANEL", "HIDDEN-PANEL"}


def test_their_notifications_and_the_unread_count_leave_out_cases_they_may_not_open(
    ssw_client, ssw, service
):
    page = ssw_client.get("/notifications")
    assert named(page) == {"SEEN-ASSESSED"}
    # every message to them but the one naming HIDDEN-THEIRS (the clocks tell them of
    # their own household's and cases' late work too, as the records are written)
    theirs = _db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification).where(Notification.user_id == ssw.id)
    )
    badge = re.search(r"Notifications <span[^>]*>(\d+)<", page.get_data(as_text=True))
    assert badge and int(badge.group(1)) == theirs - 1


def test_no_notification_names_a_case_to_a_worker_who_may_not_open_it(db, ssw, officer):
    """An enquiry an SSW took but does not assess is overdue for first contact: the flag
    is raised, but the worker is not told the applicant's name."""
    _case("HIDDEN-LATE", owner=ssw, enquiry_date=date(2025, 1, 6))
    _case("SEEN-LATE", owner=officer, enquiry_date=date(2025, 1, 6))
    flag_work(date(2025, 3, 3))
    db.session.commit()
    told = db.session.execute(sa.select(Notification.user_id, Notification.message)).all()
    assert [(user, REFERENCE.findall(message)) for user, message in told] == [
        (officer.id, ["SEEN-LATE"])
    ]


def _pages_a_worker_may_open(app, ids):
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            roles = allowed_roles(rule.endpoint)
            if "GET" not in rule.methods or roles is None:
                continue
            if Role.SUPERVISING_SOCIAL_WORKER not in roles:
                continue
            args = {name: ids.get(name, "initial_visit") for name in rule.arguments}
            if rule.endpoint == "households.certificates":
                args["kind"] = "carer"
            if rule.endpoint == "cases.correct":
                args.update(kind="steps", record_id=ids["step_id"])
            if rule.endpoint in ("households.correct", "households.allegation_outcome"):
                args.update(record_id=ids["event_id"])
                args.update({"kind": "records"} if "kind" in rule.arguments else {})
            yield app.url_for(rule.endpoint, **args)


def test_no_page_a_worker_can_open_names_a_case_they_may_not(app, client, ssw, service):
    """Every GET page a supervising social worker may open, walked from the URL map with
    their own records' ids (a new page is covered the day it is added)."""
    login(client, ssw)
    shown = {}
    for url in [*_pages_a_worker_may_open(app, service), f"/matching/?age=9&on={PANEL_DAY}"]:
        page = client.get(url).get_data(as_text=True)
        hidden = {r for r in REFERENCE.findall(page) if r.startswith("HIDDEN-")}
        if hidden or HIDDEN_NAME in page:
            shown[url] = hidden or {HIDDEN_NAME}
    assert shown == {}

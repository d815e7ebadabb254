"""A supervising social worker cannot reach another worker's household or its case
through any route: every route that names a case, and every route that changes a
household (or an offer of a child to it), is walked from the URL map (so a new route
is covered the day it is added) with the ids of another worker's records. Reading a
household's page stays open to every supervising social worker (duty cover; README's
permission table)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.models import (
    Activity,
    ActivityKind,
    AuditAction,
    AuditEvent,
    Check,
    CheckKind,
    Referral,
    Resident,
    Role,
)
from crm.models.carer_event import Complaint
from tests.conftest import login
from tests.factories import CaseFactory, HouseholdFactory

# GET pages any supervising social worker may read for any household.
READ_FOR_EVERY_HOUSEHOLD = {"households.show"}


def _routes(app):
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            names = set(rule.arguments)
            if not names & {"case_id", "household_id", "referral_id"}:
                continue
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


@pytest.fixture
def theirs(db, make_user):
    """Another worker's household, its case, and a check, a task, a carer and a
    complaint on them."""
    other = make_user(Role.SUPERVISING_SOCIAL_WORKER)
    case = CaseFactory(assessing_worker=other)
    household = HouseholdFactory(case=case, supervising_worker=other)
    check = Check(case=case, kind=CheckKind.DBS)
    task = Activity(
        case=case, kind=ActivityKind.TASK, occurred_on=date(2025, 5, 1), note="call back"
    )
    offered = Referral(household=household, offered_on=date(2025, 5, 1), child_age=9)
    db.session.add_all([check, task, offered])
    complaint = Complaint.receive(household, date(2025, 5, 1), "The carers", "Support", None)
    lodger = Resident(full_name="A lodger", joined_on=date(2025, 5, 1))
    household.residents.append(lodger)
    db.session.commit()
    return {
        "case_id": case.id,
        "household_id": household.id,
        "check_id": check.id,
        "activity_id": task.id,
        "referral_id": offered.id,
        "complaint_id": complaint.id,
        "person_id": household.carers[0].id,
        "carer_id": household.carers[0].id,
        "member_id": case.members[0].id,
        "kind": "carer",
        # the correction pages: the case's enquiry step, the household's complaint event
        "step_id": case.events[0].id,
        "event_id": complaint.event_id,
        "resident_id": lodger.id,
    }


def _url(app, rule, ids):
    with app.test_request_context():
        args = {name: ids.get(name, "initial_visit") for name in rule.arguments}
        if rule.endpoint == "cases.step":
            args["kind"] = "initial_visit"
        if rule.endpoint in ("cases.correct", "cases.void"):
            args.update(kind="steps", record_id=ids["step_id"])
        if rule.endpoint.startswith("households.") and "record_id" in args:
            args["record_id"] = ids["event_id"]
            args.update({"kind": "records"} if "kind" in rule.arguments else {})
        return app.url_for(rule.endpoint, **args)


def writes(db) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.action != AuditAction.VIEWED)
    )


def test_no_route_reaches_another_workers_case_or_changes_their_household(
    app, client, db, ssw, theirs
):
    login(client, ssw)
    before = writes(db)
    reached = []
    for rule, method in _routes(app):
        if method == "GET" and rule.endpoint in READ_FOR_EVERY_HOUSEHOLD:
            continue
        response = client.open(_url(app, rule, theirs), method=method, data={})
        if response.status_code not in (403, 404):
            reached.append((method, rule.rule, response.status_code))
    assert reached == []
    assert writes(db) == before


def test_reading_another_workers_household_page_is_allowed_and_audited(client, db, ssw, theirs):
    login(client, ssw)
    assert client.get(f"/households/{theirs['household_id']}").status_code == 200
    viewed = db.session.scalar(
        sa.select(sa.func.count()).where(
            AuditEvent.action == AuditAction.VIEWED,
            AuditEvent.entity_type == "Household",
            AuditEvent.user_id == ssw.id,
        )
    )
    assert viewed == 1


def test_their_own_household_routes_open(app, client, db, ssw):
    """The walk above would pass if every route refused everyone: this one must open."""
    mine = HouseholdFactory(supervising_worker=ssw)
    login(client, ssw)
    assert client.get(f"/households/{mine.id}/terms").status_code == 200

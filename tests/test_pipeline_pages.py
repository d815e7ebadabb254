"""Officers log enquiries and move cases through the stages from the case page."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from crm.domain.stages import EventKind, Stage
from crm.models import Activity, ActivityKind, Case, Check, Household
from crm.timeutil import today
from tests.factories import CaseFactory, advance
from tests.samples import OFFICER_ENQUIRY as ENQUIRY

K = EventKind


def at_stage1(**kwargs) -> Case:
    return advance(
        CaseFactory(enquiry_date=date(2025, 1, 2), **kwargs),
        (K.FIRST_CONTACT, date(2025, 1, 3)),
        (K.INITIAL_VISIT, date(2025, 1, 20)),
        (K.APPLICATION, date(2025, 2, 1)),
    )


def test_an_officer_logs_a_new_enquiry(officer_client, officer, db):
    response = officer_client.post("/cases/new", data=ENQUIRY)
    case = db.session.scalar(sa.select(Case).where(Case.email == "amara@example.com"))
    assert response.headers["Location"] == f"/cases/{case.id}"
    assert (case.stage, case.owner_id, case.postcode) == (Stage.ENQUIRY, officer.id, "LE1 6ZG")
    assert case.reference == f"HF-{case.id:06d}"


def test_a_rejected_enquiry_keeps_what_was_typed_and_saves_nothing(officer_client, db):
    bad = dict(ENQUIRY, postcode="not a postcode", enquiry_date="2099-01-01")
    page = officer_client.post("/cases/new", data=bad).get_data(as_text=True)
    assert "Enter a UK postcode" in page and "cannot be in the future" in page
    assert 'value="Amara"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_an_enquiry_needs_an_email_or_a_phone(officer_client, db):
    page = officer_client.post("/cases/new", data=dict(ENQUIRY, email="", phone="")).data
    assert b"Give an email address or a phone number." in page


def test_an_enquiry_matching_a_recent_case_by_phone_is_flagged(officer_client, db):
    earlier = CaseFactory(phone="+44 7700 900555", enquiry_date=date(2025, 1, 10))
    officer_client.post("/cases/new", data=dict(ENQUIRY, email="other@example.com"))
    case = db.session.scalar(sa.select(Case).where(Case.email == "other@example.com"))
    assert case.possible_duplicate_of_id == earlier.id


def test_a_match_from_more_than_a_year_ago_is_not_flagged(officer_client, db):
    CaseFactory(email="amara@example.com", enquiry_date=date(2024, 5, 1))
    officer_client.post("/cases/new", data=ENQUIRY)
    case = db.session.scalar(sa.select(Case).order_by(Case.id.desc()))
    assert case.possible_duplicate_of_id is None


def test_merging_a_duplicate_keeps_its_message_on_the_original(officer_client, db):
    original = CaseFactory(email="amara@example.com", enquiry_date=date(2025, 5, 1))
    officer_client.post("/cases/new", data=dict(ENQUIRY, message="Called again"))
    duplicate = db.session.scalar(sa.select(Case).order_by(Case.id.desc()))
    response = officer_client.post(f"/cases/{duplicate.id}/merge")
    assert response.headers["Location"] == f"/cases/{original.id}"
    assert db.session.get(Case, duplicate.id) is None
    notes = [a.note for a in db.session.get(Case, original.id).activities]
    assert any("Called again" in n for n in notes)


def test_choosing_merge_first_shows_both_cases_side_by_side(officer_client, db):
    original = CaseFactory(email="amara@example.com", enquiry_date=date(2025, 5, 1))
    officer_client.post("/cases/new", data=dict(ENQUIRY, message="Called again"))
    duplicate = db.session.scalar(sa.select(Case).order_by(Case.id.desc()))
    chosen = officer_client.post(f"/cases/{duplicate.id}/duplicate", data={"decision": "merge"})
    assert chosen.headers["Location"] == f"/cases/{duplicate.id}/merge"
    assert db.session.get(Case, duplicate.id) is not None  # nothing merged by one click
    page = officer_client.get(chosen.headers["Location"]).get_data(as_text=True)
    assert f"Removed: {duplicate.reference}" in page and f"Kept: {original.reference}" in page
    assert "Called again" in page and "cannot be undone" in page


def test_a_merged_cases_page_leads_to_the_case_it_joined(officer_client, db):
    original = CaseFactory(email="amara@example.com", enquiry_date=date(2025, 5, 1))
    officer_client.post("/cases/new", data=ENQUIRY)
    duplicate = db.session.scalar(sa.select(Case).order_by(Case.id.desc()))
    duplicate_id, reference = duplicate.id, duplicate.reference
    officer_client.post(f"/cases/{duplicate_id}/merge")
    response = officer_client.get(f"/cases/{duplicate_id}")
    assert response.headers["Location"] == f"/cases/{original.id}"
    page = officer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{reference} was merged into this case" in page


def test_a_case_that_has_moved_on_is_never_merged_away(officer_client, db):
    original = CaseFactory(email="amara@example.com", enquiry_date=date(2025, 5, 1))
    officer_client.post("/cases/new", data=ENQUIRY)
    duplicate = db.session.scalar(sa.select(Case).order_by(Case.id.desc()))
    advance(duplicate, (EventKind.FIRST_CONTACT, duplicate.enquiry_date), today=date(2030, 1, 1))
    db.session.commit()
    response = officer_client.post(f"/cases/{duplicate.id}/merge", follow_redirects=True)
    assert b"has moved on" in response.data
    assert db.session.get(Case, duplicate.id) is not None
    assert db.session.get(Case, original.id).activities == []


def test_nothing_is_merged_into_a_closed_case(officer_client, db):
    advance(
        CaseFactory(email="amara@example.com", enquiry_date=date(2025, 5, 1)),
        (EventKind.WITHDRAWN_BY_APPLICANT, date(2025, 5, 2), "AW3"),
        today=date(2030, 1, 1),
    )
    officer_client.post("/cases/new", data=ENQUIRY)
    returning = db.session.scalar(sa.select(Case).order_by(Case.id.desc()))
    refused = officer_client.post(f"/cases/{returning.id}/merge", follow_redirects=True)
    assert b"a returning applicant starts a new case" in refused.data
    assert db.session.get(Case, returning.id) is not None


def test_a_returning_applicants_new_case_is_linked_to_the_earlier_one(officer_client, db):
    earlier = advance(
        CaseFactory(email="amara@example.com", enquiry_date=date(2025, 5, 1)),
        (EventKind.WITHDRAWN_BY_APPLICANT, date(2025, 5, 2), "AW3"),
        today=date(2030, 1, 1),
    )
    officer_client.post("/cases/new", data=ENQUIRY)
    returning = db.session.scalar(sa.select(Case).order_by(Case.id.desc()))
    page = officer_client.get(f"/cases/{returning.id}").get_data(as_text=True)
    assert "Keep as a returning applicant" in page and "Merge into" not in page
    officer_client.post(f"/cases/{returning.id}/duplicate", data={"decision": "returning"})
    db.session.expire_all()
    returning = db.session.get(Case, returning.id)
    assert returning.previous_case_id == earlier.id
    assert returning.possible_duplicate_of_id is None
    page = officer_client.get(f"/cases/{returning.id}").get_data(as_text=True)
    assert f'Returning applicant: earlier case <a href="/cases/{earlier.id}">' in page


def test_keeping_both_clears_the_flag(officer_client, db):
    CaseFactory(email="amara@example.com", enquiry_date=date(2025, 5, 1))
    officer_client.post("/cases/new", data=ENQUIRY)
    duplicate = db.session.scalar(sa.select(Case).order_by(Case.id.desc()))
    officer_client.post(f"/cases/{duplicate.id}/duplicate", data={"decision": "keep"})
    db.session.refresh(duplicate)
    assert duplicate.possible_duplicate_of_id is None


def test_the_case_page_offers_only_legal_next_steps(officer_client, db):
    page = officer_client.get(f"/cases/{at_stage1().id}").get_data(as_text=True)
    assert "Stage 2 assessment started" in page and "Withdrawn by applicant" in page
    assert "/steps/approval" not in page and "/steps/panel" not in page


def test_recording_a_step_moves_the_case_on(officer_client, officer, db):
    case = at_stage1()
    response = officer_client.post(
        f"/cases/{case.id}/steps/stage2_start", data={"on": "2025-03-01", "note": "Form F started"}
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert (case.stage, case.stage2_start_date) == (Stage.STAGE2, date(2025, 3, 1))
    assert case.events[-1].recorded_by_id == officer.id


def test_a_backwards_date_is_refused_with_the_reason(officer_client, db):
    case = at_stage1()
    page = officer_client.post(
        f"/cases/{case.id}/steps/stage2_start", data={"on": "2025-01-15"}
    ).get_data(as_text=True)
    assert "steps cannot go backwards" in page
    db.session.refresh(case)
    assert case.stage is Stage.STAGE1


def test_an_illegal_step_is_refused_and_explained(officer_client, db):
    case = at_stage1()
    response = officer_client.post(
        f"/cases/{case.id}/steps/approval", data={"on": "2025-03-01"}, follow_redirects=True
    )
    assert b"cannot be recorded for this case now" in response.data
    db.session.refresh(case)
    assert case.stage is Stage.STAGE1


def test_an_unknown_step_is_a_404(officer_client, db):
    assert officer_client.get(f"/cases/{at_stage1().id}/steps/teleport").status_code == 404


def test_a_withdrawal_needs_an_ofsted_reason(officer_client, db):
    case = at_stage1()
    page = officer_client.post(
        f"/cases/{case.id}/steps/withdrawn_by_applicant", data={"on": "2025-03-01"}
    ).data
    assert b"Choose a reason." in page
    officer_client.post(
        f"/cases/{case.id}/steps/withdrawn_by_applicant", data={"on": "2025-03-01", "reason": "AW4"}
    )
    db.session.refresh(case)
    assert (case.stage, case.outcome_reason) == (Stage.WITHDRAWN_BY_APPLICANT, "AW4")


def test_approval_records_terms_and_creates_the_household(officer_client, ssw, db):
    case = advance(at_stage1(), (K.STAGE2_START, date(2025, 3, 1)), (K.PANEL, date(2025, 8, 1)))
    response = officer_client.post(
        f"/cases/{case.id}/steps/approval",
        data={
            "on": "2025-08-10",
            "places": "2",
            "min_age": "0",
            "max_age": "11",
            "categories": ["short_term", "respite"],
            "supervising_worker": str(ssw.id),
        },
    )
    assert response.status_code == 302
    household = db.session.scalar(sa.select(Household).where(Household.case_id == case.id))
    assert household.supervising_worker_id == ssw.id
    assert household.terms_on(date(2025, 8, 10)).categories == ["short_term", "respite"]


def test_approval_with_bad_terms_saves_nothing(officer_client, db):
    case = advance(at_stage1(), (K.STAGE2_START, date(2025, 3, 1)), (K.PANEL, date(2025, 8, 1)))
    page = officer_client.post(
        f"/cases/{case.id}/steps/approval",
        data={"on": "2025-08-10", "places": "0", "min_age": "12", "max_age": "5"},
    ).get_data(as_text=True)
    assert "oldest age is below the youngest" in page and "Choose at least one kind" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 0
    db.session.refresh(case)
    assert case.stage is Stage.PANEL


def test_logging_a_call_counts_as_activity(officer_client, db):
    case = at_stage1()
    officer_client.post(
        f"/cases/{case.id}/activities",
        data={"kind": "call", "on": "2025-03-03", "note": "Chased GP"},
    )
    db.session.refresh(case)
    assert case.last_activity_date == date(2025, 3, 3)


def test_a_task_needs_a_due_date(officer_client, db):
    case = at_stage1()
    response = officer_client.post(
        f"/cases/{case.id}/activities", data={"kind": "task", "on": "2025-03-03"}
    )
    assert response.status_code == 400
    assert b"A follow-up task needs a due date." in response.data


def test_my_tasks_due_today_are_listed_and_can_be_done(officer_client, officer, db):
    case = at_stage1(owner=officer)
    case.log_activity(
        ActivityKind.TASK, today(), officer, note="Ring about references", due_on=today()
    )
    db.session.commit()
    assert b"Ring about references" in officer_client.get("/cases/mine").data
    task = db.session.scalar(sa.select(Activity).where(Activity.kind == ActivityKind.TASK))
    officer_client.post(f"/cases/{case.id}/activities/{task.id}/done", data={"back": "mine"})
    assert b"Ring about references" not in officer_client.get("/cases/mine").data


def test_a_stage1_check_is_recorded_against_an_adult(officer_client, db):
    case = at_stage1()
    member = case.members[0]
    officer_client.post(
        f"/cases/{case.id}/checks/new",
        data={
            "kind": "dbs",
            "member": str(member.id),
            "requested_on": "2025-02-03",
            "received_on": "2025-02-20",
            "issued_on": "2025-02-18",
        },
    )
    check = db.session.scalar(sa.select(Check))
    assert (check.member_id, check.status) == (member.id, "Received")


def test_a_check_received_before_it_was_requested_is_refused(officer_client, db):
    case = at_stage1()
    page = officer_client.post(
        f"/cases/{case.id}/checks/new",
        data={"kind": "medical", "requested_on": "2025-02-20", "received_on": "2025-02-03"},
    ).data
    assert b"Received is before requested." in page


def test_assessment_details_are_saved(officer_client, ssw, db):
    case = at_stage1()
    officer_client.post(
        f"/cases/{case.id}/assessment",
        data={
            "assessing_worker": str(ssw.id),
            "preparation_training_on": "2025-02-10",
            "panel_booked_for": "2025-09-01",
        },
    )
    db.session.refresh(case)
    assert (case.assessing_worker_id, case.panel_booked_for) == (ssw.id, date(2025, 9, 1))


def test_the_list_filters_to_stalled_cases(officer_client, db):
    stalled = at_stage1()  # applied 1 Feb 2025, no activity since
    fresh = advance(
        CaseFactory(enquiry_date=today() - timedelta(days=3)),
        (K.FIRST_CONTACT, today() - timedelta(days=2)),
        (K.INITIAL_VISIT, today() - timedelta(days=1)),
        (K.APPLICATION, today()),
    )
    page = officer_client.get("/cases/?flag=stalled").data
    assert stalled.reference.encode() in page and fresh.reference.encode() not in page


def test_the_list_filters_to_overdue_first_contacts(officer_client, db):
    waiting = CaseFactory(enquiry_date=today() - timedelta(days=10))
    new = CaseFactory(enquiry_date=today())
    page = officer_client.get("/cases/?flag=overdue_contact").data
    assert waiting.reference.encode() in page and new.reference.encode() not in page


def test_the_case_page_says_why_a_case_is_stalled(officer_client, db):
    page = officer_client.get(f"/cases/{at_stage1().id}").get_data(as_text=True)
    assert "Stalled:" in page and "days since application" in page


def test_another_adult_is_added_to_the_household(officer_client, db):
    case = at_stage1()
    officer_client.post(
        f"/cases/{case.id}/people",
        data={
            "full_name": "Sam Lodger",
            "relationship_to_applicant": "adult son",
            "birth_date": "2001-05-05",
        },
    )
    db.session.refresh(case)
    assert [m.full_name for m in case.members][-1] == "Sam Lodger"
    assert case.members[-1].is_applicant is False


def test_an_officers_home_says_how_many_open_cases_wait_for_an_officer(officer_client, db):
    CaseFactory(owner=None)
    CaseFactory(owner=None)
    db.session.commit()
    page = officer_client.get("/cases/mine").get_data(as_text=True)
    assert "New enquiries waiting for an officer (2)" in page

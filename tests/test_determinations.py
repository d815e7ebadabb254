"""Qualifying determinations (regs 27-29) and reviews of approval (reg 28), hand-worked.

A notice dated Monday 2 March 2026: day 28, the last day for representations or an IRM
application, is Monday 30 March; on Tuesday 31 March (day 29), with nothing received,
the service may decide. A recommendation on Thursday 2 April 2026 is decided within 7
working days by Wednesday 15 April: Good Friday (3 April) and Easter Monday (6 April)
are bank holidays (13 April without them). An IRM application notified on Wednesday 25
March 2026 has its papers due ten working days later, on Friday 10 April.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.domain import determinations as rules
from crm.domain.complaints import ComplaintOutcome
from crm.domain.determinations import (
    DeterminationKind,
    FinalOutcome,
    Recommendation,
    Response,
    ReviewOutcome,
    Step,
)
from crm.domain.households import HouseholdRuleError
from crm.domain.panel import Recommendation as PanelRecommendation
from crm.domain.stages import EventKind
from crm.extensions import db as _db
from crm.models import (
    ApprovalReview,
    CarerEventKind,
    DeregistrationReason,
    Determination,
    Flag,
    FlagKind,
    InitiatedBy,
    Resident,
    Role,
)
from crm.models.carer_event import Complaint
from jobs.flags import flag_work
from tests.factories import CaseFactory, HouseholdFactory, advance, at_panel

NOTICE = date(2026, 3, 2)
DAY_28 = date(2026, 3, 30)
DAY_29 = date(2026, 3, 31)
LATER = date(2026, 12, 1)


class Notice:
    """A determination's dates, as the rules read them (no database)."""

    def __init__(self, **dates):
        self.notified_on = NOTICE
        self.response = self.response_received_on = None
        self.recommended_on = self.decided_on = self.irm_papers_sent_on = None
        self.__dict__.update(dates)


def open_flags(kind: FlagKind) -> list[Flag]:
    return list(
        _db.session.scalars(sa.select(Flag).where(Flag.kind == kind, Flag.cleared_on.is_(None)))
    )


def termination(household, **fields) -> Determination:
    det = Determination(
        kind=DeterminationKind.TERMINATION,
        household=household,
        notified_on=NOTICE,
        reasons="Standards of care not met after two allegations",
        deregistration_reason=DeregistrationReason.ALLEGATION,
        **fields,
    )
    _db.session.add(det)
    _db.session.commit()
    return det


def case_at_panel():
    """Heard at the sitting of Thu 12 Feb 2026, which recommended against approval; its
    final minutes received Mon 16 Feb (the agency decision's clock starts there)."""
    case = CaseFactory(enquiry_date=date(2025, 3, 3))
    advance(
        case,
        (EventKind.FIRST_CONTACT, date(2025, 3, 4)),
        (EventKind.INITIAL_VISIT, date(2025, 3, 20)),
        (EventKind.APPLICATION, date(2025, 4, 7)),
        (EventKind.STAGE2_START, date(2025, 6, 2)),
    )
    at_panel(
        case,
        date(2026, 2, 12),
        minutes_received_on=date(2026, 2, 16),
        recommendation=PanelRecommendation.NOT_APPROVE,
    )
    return case


# --- the 28 days (reg 27(6)(b), 28(7)(b)) ------------------------------------------


def test_day_28_after_the_notice_is_the_last_day_for_a_response():
    assert rules.last_day_to_respond(NOTICE) == DAY_28


def test_on_day_28_the_carers_are_still_within_their_time():
    assert rules.step_on(Notice(), DAY_28) is Step.AWAITING_RESPONSE


def test_on_day_29_with_nothing_received_the_service_may_decide():
    assert rules.step_on(Notice(), DAY_29) is Step.MAY_DECIDE


def test_representations_received_on_day_28_are_in_time():
    rules.check_response(Notice(), Response.REPRESENTATIONS, DAY_28, LATER)


def test_representations_received_on_day_29_are_too_late():
    with pytest.raises(HouseholdRuleError, match="ended on 30 Mar 2026"):
        rules.check_response(Notice(), Response.REPRESENTATIONS, DAY_29, LATER)


def test_with_no_response_the_decision_cannot_be_made_on_day_28():
    with pytest.raises(HouseholdRuleError, match="may decide from 31 Mar 2026"):
        rules.check_decision(Notice(), DAY_28, LATER)


def test_with_no_response_the_decision_may_be_made_on_day_29():
    rules.check_decision(Notice(), DAY_29, LATER)


def test_after_representations_the_decision_waits_for_the_panel():
    det = Notice(response=Response.REPRESENTATIONS, response_received_on=date(2026, 3, 20))
    with pytest.raises(HouseholdRuleError, match="fostering panel's recommendation first"):
        rules.check_decision(det, date(2026, 4, 20), LATER)


def test_the_decision_after_a_recommendation_is_due_in_7_working_days_over_easter():
    assert rules.decision_due_on(date(2026, 4, 2)) == date(2026, 4, 15)


def test_the_irm_papers_are_due_in_ten_working_days_over_easter():
    assert rules.irm_papers_due_on(date(2026, 3, 25)) == date(2026, 4, 10)


def test_a_change_of_terms_never_takes_effect_within_the_28_days():
    assert rules.terms_effective_from(NOTICE, date(2026, 3, 20)) == DAY_29
    assert rules.terms_effective_from(NOTICE, date(2026, 4, 20)) == date(2026, 4, 20)


# --- the clocks ------------------------------------------------------------------


def test_the_may_decide_flag_rises_on_day_29_not_day_28(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    termination(household)
    flag_work(DAY_28)
    _db.session.commit()
    assert open_flags(FlagKind.DETERMINATION_MAY_DECIDE) == []
    flag_work(DAY_29)
    _db.session.commit()
    [flag] = open_flags(FlagKind.DETERMINATION_MAY_DECIDE)
    assert (flag.household_id, flag.owner_id) == (household.id, ssw.id)
    assert "nothing received by day 28 (30 Mar 2026)" in flag.reason


def test_representations_flag_a_referral_to_panel_until_it_reconsiders(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    det = termination(household)
    det.receive_response(Response.REPRESENTATIONS, date(2026, 3, 20), as_of=LATER)
    _db.session.commit()
    flag_work(date(2026, 3, 21))
    _db.session.commit()
    [flag] = open_flags(FlagKind.DETERMINATION_TO_PANEL)
    assert "no regulation sets a time" in flag.reason
    det.recommend(Recommendation.AS_PROPOSED, date(2026, 4, 2), as_of=LATER)
    _db.session.commit()
    flag_work(date(2026, 4, 2))
    _db.session.commit()
    assert open_flags(FlagKind.DETERMINATION_TO_PANEL) == []
    [due] = open_flags(FlagKind.DETERMINATION_DECISION_DUE)
    assert "final decision due by 15 Apr 2026 (NMS 14.9: 7 working days)" in due.reason


def test_an_irm_application_flags_the_papers_until_they_are_sent(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    det = termination(household)
    det.receive_response(Response.IRM, date(2026, 3, 25), as_of=LATER)
    _db.session.commit()
    flag_work(date(2026, 3, 26))
    _db.session.commit()
    [flag] = open_flags(FlagKind.DETERMINATION_IRM_PAPERS)
    assert "by 10 Apr 2026 (reg 29(2), ten working days)" in flag.reason
    det.send_irm_papers(date(2026, 4, 8), as_of=LATER)
    _db.session.commit()
    flag_work(date(2026, 4, 9))
    _db.session.commit()
    assert open_flags(FlagKind.DETERMINATION_IRM_PAPERS) == []


# --- the final decision takes effect through the record's own rules ---------------


def test_a_final_termination_deregisters_the_household_on_that_day(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    det = termination(household)
    det.decide(FinalOutcome.AS_PROPOSED, DAY_29, ssw, as_of=LATER)
    _db.session.commit()
    assert household.deregistration_date == DAY_29
    assert household.deregistration_reason is DeregistrationReason.ALLEGATION
    assert household.deregistration_initiated_by is InitiatedBy.SERVICE


def test_a_termination_not_proceeded_with_leaves_the_household_approved(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    det = termination(household)
    det.decide(FinalOutcome.NOT_PROCEEDED, DAY_29, ssw, as_of=LATER)
    _db.session.commit()
    assert household.deregistration_date is None


def test_a_final_change_of_terms_records_the_new_terms_from_the_decision(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    det = Determination(
        kind=DeterminationKind.CHANGE_OF_TERMS,
        household=household,
        notified_on=NOTICE,
        reasons="One place only while the birth children are young",
        places=1,
        min_age=5,
        max_age=12,
        categories=["short_term"],
    )
    _db.session.add(det)
    det.decide(FinalOutcome.AS_PROPOSED, date(2026, 4, 6), ssw, as_of=LATER)
    _db.session.commit()
    terms = household.terms_on(date(2026, 4, 6))
    assert (terms.effective_from, terms.places, terms.min_age) == (date(2026, 4, 6), 1, 5)
    assert household.terms_on(date(2026, 4, 5)).places == 2


def test_a_final_refusal_records_the_cases_rejected_step(db, officer):
    case = case_at_panel()
    det = Determination(
        kind=DeterminationKind.REFUSAL, case=case, notified_on=NOTICE, reasons="Not suitable"
    )
    _db.session.add(det)
    det.receive_response(Response.IRM, date(2026, 3, 25), as_of=LATER)
    det.recommend(Recommendation.OTHERWISE, date(2026, 6, 10), as_of=LATER)
    det.decide(
        FinalOutcome.AS_PROPOSED, date(2026, 6, 15), officer, note="IRM considered", as_of=LATER
    )
    _db.session.commit()
    assert [e.kind for e in case.events][-1] is EventKind.REJECTED
    assert case.outcome_date == date(2026, 6, 15)


# --- reviews of approval (reg 28) ----------------------------------------------------


def test_the_first_review_is_marked_first_and_later_ones_are_not(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    first = ApprovalReview.record(
        household,
        date(2024, 5, 20),
        ReviewOutcome.CONTINUE,
        ssw,
        presented_to_panel_on=date(2024, 6, 6),
        as_of=LATER,
    )
    second = ApprovalReview.record(
        household, date(2025, 5, 19), ReviewOutcome.CONTINUE, ssw, as_of=LATER
    )
    assert (first.first_review, second.first_review) == (True, False)
    assert first.event.kind is CarerEventKind.ANNUAL_REVIEW


def test_a_review_goes_to_panel_after_it_not_before(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    with pytest.raises(HouseholdRuleError, match="on or after the review's"):
        ApprovalReview.record(
            household,
            date(2024, 5, 20),
            ReviewOutcome.CONTINUE,
            ssw,
            presented_to_panel_on=date(2024, 5, 1),
            as_of=LATER,
        )


def suggested(household_id: int) -> list[Flag]:
    return [f for f in open_flags(FlagKind.REVIEW_SUGGESTED) if f.household_id == household_id]


def test_a_concluded_allegation_suggests_a_review_until_one_is_recorded(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    household.log_record(
        CarerEventKind.ALLEGATION, date(2026, 9, 1), ssw, outcome="unsubstantiated", as_of=LATER
    )
    _db.session.commit()
    [flag] = suggested(household.id)
    assert "The allegation of 1 Sep 2026 concluded (unsubstantiated)" in flag.reason
    ApprovalReview.record(household, date(2026, 10, 1), ReviewOutcome.CONTINUE, ssw, as_of=LATER)
    _db.session.commit()
    assert suggested(household.id) == []


def test_an_allegation_still_being_investigated_suggests_no_review_yet(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    household.log_record(
        CarerEventKind.ALLEGATION, date(2026, 9, 1), ssw, outcome="ongoing", as_of=LATER
    )
    _db.session.commit()
    assert suggested(household.id) == []


def test_an_upheld_complaint_suggests_a_review(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    complaint = Complaint.receive(
        household, date(2026, 9, 1), "Both carers", "Respite", ssw, as_of=LATER
    )
    complaint.respond(ComplaintOutcome.UPHELD, date(2026, 9, 20), as_of=LATER)
    _db.session.commit()
    [flag] = suggested(household.id)
    assert "A complaint upheld 20 Sep 2026" in flag.reason


def test_a_complaint_not_upheld_suggests_no_review(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    complaint = Complaint.receive(
        household, date(2026, 9, 1), "Both carers", "Respite", ssw, as_of=LATER
    )
    complaint.respond(ComplaintOutcome.NOT_UPHELD, date(2026, 9, 20), as_of=LATER)
    _db.session.commit()
    assert suggested(household.id) == []


def test_someone_leaving_the_household_suggests_a_review(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    household.residents.append(Resident(full_name="Sam Lodger", left_on=date(2026, 8, 3)))
    _db.session.commit()
    [flag] = suggested(household.id)
    assert "Sam Lodger left the household 3 Aug 2026" in flag.reason


def test_a_review_on_the_day_of_the_change_clears_the_suggestion(db, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    household.residents.append(Resident(full_name="Sam Lodger", joined_on=date(2026, 8, 3)))
    ApprovalReview.record(household, date(2026, 8, 3), ReviewOutcome.CONTINUE, ssw, as_of=LATER)
    _db.session.commit()
    assert suggested(household.id) == []


# --- the pages -----------------------------------------------------------------------


def test_a_review_that_proposes_termination_goes_on_to_the_proposal(db, ssw_client, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    response = ssw_client.post(
        f"/determinations/households/{household.id}/review",
        data={
            "reviewed_on": "2026-11-02",
            "outcome": "terminate",
            "carers_report_on": "2026-10-20",
        },
    )
    assert response.status_code == 302
    review = _db.session.scalars(sa.select(ApprovalReview)).one()
    assert f"/proposal?review={review.id}" in response.headers["Location"]
    assert review.carers_report_on == date(2026, 10, 20) and review.children_views_on is None


def test_a_proposal_without_reasons_is_refused_keeping_what_was_typed(db, ssw_client, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    response = ssw_client.post(
        f"/determinations/households/{household.id}/proposal",
        data={"kind": "change_of_terms", "notified_on": "2026-11-02", "reasons": "", "places": "1"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Give the reasons." in page and "A change of terms gives the new terms." in page
    assert 'value="1"' in page


def test_an_officer_may_not_open_a_households_determination(db, officer_client, ssw):
    det = termination(HouseholdFactory(supervising_worker=ssw))
    assert officer_client.get(f"/determinations/{det.id}").status_code == 403


def test_a_response_typed_as_nonsense_is_refused_not_a_500(db, ssw_client, ssw):
    det = termination(HouseholdFactory(supervising_worker=ssw))
    response = ssw_client.post(
        f"/determinations/{det.id}/response", data={"response": "appeal", "received_on": "31/31"}
    )
    assert response.status_code == 400


# --- the figures -----------------------------------------------------------------------


def refused_after_the_irm(officer) -> Determination:
    """Panel Thu 12 Feb 2026; the proposed refusal written Thu 19 Feb (5 working days
    later); an IRM application on 5 Mar; the IRM panel on 20 Apr recommends approval;
    the decision maker refuses on 24 Apr 2026."""
    case = case_at_panel()
    det = Determination(
        kind=DeterminationKind.REFUSAL,
        case=case,
        notified_on=date(2026, 2, 19),
        reasons="Not suitable",
    )
    _db.session.add(det)
    det.receive_response(Response.IRM, date(2026, 3, 5), as_of=LATER)
    det.recommend(Recommendation.OTHERWISE, date(2026, 4, 20), as_of=LATER)
    det.decide(FinalOutcome.AS_PROPOSED, date(2026, 4, 24), officer, as_of=LATER)
    _db.session.commit()
    return det


def test_a_refusals_agency_decision_is_its_proposal_not_the_final_decision_after_the_irm(
    db, officer
):
    from crm.metrics.assessments import timescales
    from crm.metrics.engine import make_period
    from crm.models.setting import load_settings

    refused_after_the_irm(officer)
    period = make_period(date(2026, 4, 1), date(2027, 3, 31), LATER)
    decisions = timescales(period, load_settings())[None]["decision_within_limit"]
    assert (decisions["count"], decisions["within"]) == (1, 1)


def test_the_ofsted_return_counts_the_irm_application_and_the_refusal_in_their_years(db, officer):
    from crm.metrics.ofsted import ofsted_return

    refused_after_the_irm(officer)
    earlier = {r.measure: r.total for r in ofsted_return(2025, LATER)}
    later = {r.measure: r.total for r in ofsted_return(2026, LATER)}
    irm = "Applications to the Independent Review Mechanism"
    refused = "Applications refused after a qualifying determination"
    assert (earlier[irm], earlier[refused]) == (1, 0)
    assert (later[irm], later[refused]) == (0, 1)
    assert later["Applications not approved (rejected)"] == 1


def test_the_dashboard_counts_a_termination_on_the_day_of_its_final_decision(db, ssw):
    from crm.metrics.determinations import determination_figures
    from crm.metrics.engine import make_period

    det = termination(HouseholdFactory(supervising_worker=ssw))
    det.decide(FinalOutcome.AS_PROPOSED, date(2026, 4, 1), ssw, as_of=LATER)
    _db.session.commit()
    march = determination_figures(make_period(date(2026, 3, 1), date(2026, 3, 31), LATER))
    april = determination_figures(make_period(date(2026, 4, 1), date(2026, 4, 30), LATER))
    assert (march["notified"], march["terminations"]) == (1, 0)
    assert (april["notified"], april["terminations"]) == (0, 1)


def test_the_case_page_after_panel_offers_a_proposed_refusal_and_it_is_recorded(db, officer_client):
    case = case_at_panel()
    page = officer_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Propose to refuse approval" in page
    response = officer_client.post(
        f"/determinations/cases/{case.id}/refusal",
        data={"notified_on": "2026-02-16", "reasons": "The panel found the household unready"},
    )
    assert response.status_code == 302
    det = _db.session.scalars(sa.select(Determination)).one()
    assert (det.kind, det.case_id, det.notified_on) == (
        DeterminationKind.REFUSAL,
        case.id,
        date(2026, 2, 16),
    )
    assert "Propose to refuse approval" not in officer_client.get(f"/cases/{case.id}").get_data(
        as_text=True
    )


def test_a_refusal_is_not_proposed_before_the_case_has_been_to_panel(db, officer_client):
    case = advance(
        CaseFactory(enquiry_date=date(2025, 3, 3)), (EventKind.FIRST_CONTACT, date(2025, 3, 4))
    )
    response = officer_client.post(
        f"/determinations/cases/{case.id}/refusal",
        data={"notified_on": "2026-02-16", "reasons": "Not suitable"},
    )
    assert response.status_code == 400
    assert "Only a case that has been to panel can be rejected." in response.get_data(as_text=True)
    assert _db.session.scalars(sa.select(Determination)).all() == []


def decision_overdue_on(day: date) -> list[int]:
    flag_work(day)
    _db.session.commit()
    return [f.case_id for f in open_flags(FlagKind.DECISION_OVERDUE)]


def test_a_case_waiting_for_its_decision_after_panel_is_flagged_without_a_proposal(db):
    case = case_at_panel()  # panel Thu 12 Feb 2026
    assert decision_overdue_on(date(2026, 3, 2)) == [case.id]


def test_a_refusal_proposed_after_panel_is_not_a_decision_overdue(db):
    case = case_at_panel()
    _db.session.add(
        Determination(
            kind=DeterminationKind.REFUSAL,
            case=case,
            notified_on=date(2026, 2, 19),
            reasons="Not suitable",
        )
    )
    _db.session.commit()
    assert decision_overdue_on(date(2026, 3, 2)) == []


def test_a_second_proposal_waits_for_the_first_ones_final_decision(db, ssw_client, ssw):
    household = HouseholdFactory(supervising_worker=ssw)
    termination(household)
    response = ssw_client.post(
        f"/determinations/households/{household.id}/proposal",
        data={
            "kind": "termination",
            "notified_on": "2026-11-02",
            "reasons": "Again",
            "deregistration_reason": "other",
        },
    )
    assert response.status_code == 400
    assert "notified on 2 Mar 2026 awaits its final decision" in response.get_data(as_text=True)


def test_another_worker_may_read_a_households_determination_but_not_take_its_steps(
    db, ssw_client, make_user
):
    other = make_user(Role.SUPERVISING_SOCIAL_WORKER)
    det = termination(HouseholdFactory(supervising_worker=other))
    assert ssw_client.get(f"/determinations/{det.id}").status_code == 200
    for step, data in (
        ("response", {"response": "representations", "received_on": "2026-03-20"}),
        ("recommendation", {"recommendation": "as_proposed", "recommended_on": "2026-04-02"}),
        ("decision", {"outcome": "as_proposed", "decided_on": "2026-04-06"}),
    ):
        assert ssw_client.post(f"/determinations/{det.id}/{step}", data=data).status_code == 403
    assert _db.session.get(Determination, det.id).response is None

"""Issue 34, items 5 and 6, worked by hand: an allegation holds new placements from the
day it is made until its investigation concludes (Working Together 2023; NMS 22), and
carers' notice of resignation ends their approval 28 days from receipt (reg 28(13))."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm import corrections
from crm.corrections import CorrectionRefused
from crm.domain import resignation
from crm.domain.household_vocabulary import ALLEGATION_OUTCOMES, CarerEventKind
from crm.domain.households import HouseholdRuleError
from crm.domain.matching import Child, Group
from crm.formatting import uk_date
from crm.matching.services import find_carers
from crm.metrics.engine import compute_metrics
from crm.metrics.ofsted import ofsted_return
from crm.models import CarerEvent, DeregistrationReason, InitiatedBy, ResignationNotice
from crm.models.resignation import apply_due
from crm.timeutil import today
from tests.factories import HouseholdFactory, terms


def test_the_five_outcomes_are_working_togethers():
    assert set(ALLEGATION_OUTCOMES) - {"ongoing"} == {
        "substantiated",
        "unsubstantiated",
        "unfounded",
        "false",
        "malicious",
    }


def _held_household(db):
    household = HouseholdFactory(reference="HELD", terms_history=terms(2, 0, 17, "short_term"))
    allegation = CarerEvent(
        kind=CarerEventKind.ALLEGATION, occurred_on=date(2025, 5, 20), outcome="ongoing"
    )
    household.events.append(allegation)
    db.session.commit()
    return household, allegation


def test_a_household_under_an_open_allegation_is_not_offered_a_child(db):
    _held_household(db)
    found = find_carers(Group((Child(6),), on=date(2025, 6, 2)))
    assert found.free == []
    assert "no new placements" in found.not_offered[0].not_offered[0]


def test_the_hold_runs_until_the_day_the_investigation_concluded(db):
    """Allegation 20 May 2025, concluded (unfounded) 16 June 2025, recorded later: on
    2 June the household was still held; from 16 June it is offered again."""
    household, allegation = _held_household(db)
    corrections.record_allegation_outcome(
        allegation, "unfounded", None, concluded_on=date(2025, 6, 16), as_of=date(2025, 7, 1)
    )
    db.session.commit()
    assert find_carers(Group((Child(6),), on=date(2025, 6, 2))).free == []
    on_the_day = find_carers(Group((Child(6),), on=date(2025, 6, 16))).free
    assert [fit.household.reference for fit in on_the_day] == ["HELD"]


def test_a_conclusion_before_the_allegation_is_refused(db):
    _, allegation = _held_household(db)
    with pytest.raises(CorrectionRefused, match="on or after the day the allegation"):
        corrections.record_allegation_outcome(
            allegation, "false", None, concluded_on=date(2025, 5, 19), as_of=date(2025, 7, 1)
        )


def test_the_lado_referral_is_recorded_with_the_outcome(db):
    _, allegation = _held_household(db)
    corrections.record_allegation_outcome(
        allegation,
        "malicious",
        None,
        concluded_on=date(2025, 6, 16),
        lado_referred_on=date(2025, 5, 21),
        as_of=date(2025, 7, 1),
    )
    assert (allegation.outcome, allegation.lado_referred_on) == ("malicious", date(2025, 5, 21))


def test_the_household_page_shows_the_hold(ssw_client, ssw, db):
    household, _ = _held_household(db)
    household.supervising_worker = ssw
    db.session.commit()
    page = ssw_client.get(f"/households/{household.id}").text
    assert 'data-testid="allegation-hold"' in page
    assert "an allegation made on 20 May 2025 is open" in page


# --- resignation (reg 28(13)) -----------------------------------------------------------


def test_notice_received_3_march_takes_effect_31_march():
    """ "with effect from 28 days from the date on which the notice is received": the
    day of receipt is day 0, so 3 March + 28 days = 31 March."""
    assert resignation.effective_on(date(2026, 3, 3)) == date(2026, 3, 31)


def _resigning(db, received=date(2026, 3, 3)):
    household = HouseholdFactory(approval_date=date(2023, 6, 1))
    notice = ResignationNotice.receive(
        household, received, DeregistrationReason.RETIREMENT, None, as_of=received
    )
    db.session.commit()
    return household, notice


def test_the_household_stays_approved_until_the_notice_takes_effect(db):
    household, notice = _resigning(db)
    assert apply_due(date(2026, 3, 30)) == {"deregistered": 0, "children_still_placed": 0}
    assert household.current_on(date(2026, 3, 30))
    assert household.deregistration_date is None


def test_the_nightly_job_deregisters_on_the_effective_day(db):
    household, notice = _resigning(db)
    assert apply_due(date(2026, 4, 2))["deregistered"] == 1
    db.session.commit()
    assert household.deregistration_date == date(2026, 3, 31)
    assert household.deregistration_initiated_by is InitiatedBy.CARER
    assert household.deregistration_reason is DeregistrationReason.RETIREMENT
    assert not household.current_on(date(2026, 3, 31))


def test_turnover_counts_the_resignation_on_its_effective_day_and_reconciles(db):
    """Notice 3 March 2026 (year 2025-26), effective 31 March 2026: counted in 2025-26;
    a notice of 10 March 2026 takes effect 7 April 2026, in 2026-27."""
    household, _ = _resigning(db)
    later, _ = _resigning(db, received=date(2026, 3, 10))
    apply_due(date(2026, 4, 30))
    db.session.commit()
    for start, end, resigned in (
        (date(2025, 4, 1), date(2026, 3, 31), 1),
        (date(2026, 4, 1), date(2027, 3, 31), 1),
    ):
        figures = compute_metrics(start, end, date(2026, 4, 30))
        homes = figures["households"]
        assert figures["joining_and_leaving"]["resignations"] == resigned
        assert homes["deregistered_in_period"] == 1
        assert (
            homes["at_start"] + homes["approved_in_period"] - homes["deregistered_in_period"]
            == homes["at_end"]
        )


def test_the_ofsted_return_counts_resignations(db):
    _resigning(db)
    apply_due(date(2026, 4, 30))
    db.session.commit()
    rows = {r.measure: r.total for r in ofsted_return(2025, as_of=date(2026, 4, 30))}
    assert rows["  resignations by the carers' notice (reg 28(13))"] == 1
    assert rows["  at the carer's instigation"] == 1


def test_a_notice_withdrawn_before_it_takes_effect_leaves_the_approval(db):
    household, notice = _resigning(db)
    notice.withdraw(date(2026, 3, 20), as_of=date(2026, 3, 20))
    db.session.commit()
    assert apply_due(date(2026, 4, 30))["deregistered"] == 0
    assert household.deregistration_date is None


def test_a_notice_cannot_be_withdrawn_once_it_has_taken_effect(db):
    _, notice = _resigning(db)
    with pytest.raises(HouseholdRuleError, match="took effect on 31 Mar 2026"):
        notice.withdraw(date(2026, 3, 31), as_of=date(2026, 4, 1))


def test_a_notice_from_the_household_page_shows_the_day_it_takes_effect(ssw_client, ssw, db):
    household = HouseholdFactory(supervising_worker=ssw)
    received = today() - timedelta(days=3)
    sent = ssw_client.post(
        f"/households/{household.id}/resignation",
        data={"received_on": received.isoformat(), "reason": "retirement"},
    )
    assert sent.status_code == 302
    page = ssw_client.get(f"/households/{household.id}").text
    assert f"takes effect on {uk_date(received + timedelta(days=28))}" in page
    assert household.deregistration_date is None


def test_a_notice_recorded_after_its_day_deregisters_on_that_day(ssw_client, ssw, db):
    household = HouseholdFactory(supervising_worker=ssw)
    sent = ssw_client.post(
        f"/households/{household.id}/resignation",
        data={"received_on": "2026-03-03", "reason": "retirement"},
    )
    assert sent.status_code == 302
    assert household.deregistration_date == date(2026, 3, 31)


def test_a_bad_notice_date_keeps_what_was_typed(ssw_client, ssw, db):
    household = HouseholdFactory(supervising_worker=ssw, approval_date=date(2023, 6, 1))
    sent = ssw_client.post(
        f"/households/{household.id}/resignation",
        data={"received_on": "2020-01-01", "reason": "retirement", "note": "Moving away"},
    )
    assert sent.status_code == 400
    assert "before approval" in sent.text and "Moving away" in sent.text


def test_a_notice_due_while_children_are_placed_says_so(ssw_client, ssw, db):
    from crm.models import Placement

    household = HouseholdFactory(supervising_worker=ssw)
    household.placements.append(
        Placement(child_reference="C-1", child_age=8, start_date=date(2025, 1, 6))
    )
    ResignationNotice.receive(household, date(2026, 3, 3), None, None, as_of=date(2026, 3, 3))
    db.session.commit()
    page = ssw_client.get(f"/households/{household.id}").text
    assert household.deregistration_date is None
    assert "took effect on 31 Mar 2026" in page and "recorded as placed" in page

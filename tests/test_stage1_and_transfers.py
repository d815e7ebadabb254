"""Issue 34, items 7 and 8, worked by hand: the Stage 1 decision is due 10 working days
after the last check comes back (domain.md), counted over a bank holiday, and is not a
qualifying determination; carers transferring in are counted apart from new approvals."""

from __future__ import annotations

from datetime import date

import pytest

from crm.clocks.registry import BY_KIND
from crm.domain.settings import Settings
from crm.domain.stage1 import Stage1Refused, decision_due_on
from crm.domain.stages import EventKind, Stage
from crm.metrics.engine import compute_metrics
from crm.metrics.ofsted import ofsted_return
from crm.models import Check, CheckKind, FlagKind, Household, Stage1Decision, TransferIn
from tests.factories import CaseFactory, advance


def _in_stage1(db, last_check=date(2025, 8, 21)):
    case = advance(
        CaseFactory(),
        (EventKind.FIRST_CONTACT, date(2025, 4, 2)),
        (EventKind.INITIAL_VISIT, date(2025, 5, 1)),
        (EventKind.APPLICATION, date(2025, 7, 1)),
    )
    case.checks += [
        Check(kind=CheckKind.DBS, requested_on=date(2025, 7, 1), received_on=date(2025, 8, 1)),
        Check(kind=CheckKind.MEDICAL, requested_on=date(2025, 7, 1), received_on=last_check),
    ]
    db.session.commit()
    return case


def _flagged(day):
    return BY_KIND[FlagKind.STAGE1_DECISION_OVERDUE].judge(day, Settings(), None)


def test_ten_working_days_from_thursday_21_august_2025_skip_the_bank_holiday():
    """Fri 22, (Mon 25 Aug is the summer bank holiday) Tue 26 ... Fri 5 September."""
    assert decision_due_on(date(2025, 8, 21), Settings()) == date(2025, 9, 5)


def test_the_stage1_decision_is_not_late_on_its_tenth_working_day(db):
    case = _in_stage1(db)
    assert (FlagKind.STAGE1_DECISION_OVERDUE, case.id) not in _flagged(date(2025, 9, 5))


def test_the_stage1_decision_is_late_the_day_after(db):
    case = _in_stage1(db)
    why = _flagged(date(2025, 9, 6))[(FlagKind.STAGE1_DECISION_OVERDUE, case.id)]
    assert "was due by 5 Sep 2025" in why


def test_no_clock_while_a_check_is_outstanding(db):
    case = _in_stage1(db)
    case.checks.append(Check(kind=CheckKind.PERSONAL_REFERENCE, requested_on=date(2025, 7, 1)))
    db.session.commit()
    assert _flagged(date(2025, 10, 1)) == {}


def test_not_suitable_at_stage1_closes_the_case_without_a_qualifying_determination(db):
    case = _in_stage1(db)
    Stage1Decision.decide(
        case, date(2025, 9, 1), None, "safeguarding", "Concerns from the LA checks", None,
        as_of=date(2025, 9, 1),
    )  # fmt: skip
    db.session.commit()
    assert case.stage is Stage.WITHDRAWN_BY_SERVICE
    # decided but not yet told: still late once the ten working days have passed
    assert (FlagKind.STAGE1_DECISION_OVERDUE, case.id) in _flagged(date(2025, 9, 8))
    Stage1Decision.of(case).notify(date(2025, 9, 8), as_of=date(2025, 9, 8))
    db.session.commit()
    assert _flagged(date(2025, 9, 9)) == {}


def test_a_stage1_decision_needs_a_case_in_stage1(db):
    case = advance(CaseFactory(), (EventKind.FIRST_CONTACT, date(2025, 4, 2)))
    with pytest.raises(Stage1Refused, match="still in Stage 1"):
        Stage1Decision.decide(case, date(2025, 9, 1), None, "other", "x", None)


def test_the_regulations_checks_can_be_recorded():
    assert {CheckKind.PREVIOUS_FOSTERING_REFERENCE, CheckKind.HOME_AUTHORITY_CONSULTATION} <= set(
        CheckKind
    )


def test_the_stage1_decision_form_refuses_a_case_past_stage1(officer_client, db):
    case = advance(CaseFactory(), (EventKind.FIRST_CONTACT, date(2025, 4, 2)))
    sent = officer_client.post(
        f"/cases/{case.id}/stage1-decision",
        data={"decided_on": "2025-09-01", "reason": "other", "reasons": "Typed reasons"},
    )
    assert sent.status_code == 400
    assert "Typed reasons" in sent.text


# --- transfers in -----------------------------------------------------------------------


def _approved_transfer(db):
    case = advance(
        CaseFactory(),
        (EventKind.FIRST_CONTACT, date(2025, 4, 2)),
        (EventKind.INITIAL_VISIT, date(2025, 4, 10)),
        (EventKind.APPLICATION, date(2025, 5, 1)),
        (EventKind.STAGE2_START, date(2025, 5, 20)),
        (EventKind.PANEL, date(2025, 8, 1)),
        (EventKind.APPROVAL, date(2025, 8, 8)),
    )
    db.session.add(
        TransferIn(case=case, previous_service="Acorn Fostering", previous_reference="AF-12")
    )
    db.session.add(Household.for_approved_case(case))
    db.session.commit()
    return case


def test_a_transfer_in_is_counted_apart_from_new_approvals(db):
    _approved_transfer(db)
    advance(
        CaseFactory(),
        (EventKind.FIRST_CONTACT, date(2025, 4, 2)),
        (EventKind.INITIAL_VISIT, date(2025, 4, 10)),
        (EventKind.APPLICATION, date(2025, 5, 1)),
        (EventKind.STAGE2_START, date(2025, 5, 20)),
        (EventKind.PANEL, date(2025, 9, 1)),
        (EventKind.APPROVAL, date(2025, 9, 8)),
    )
    db.session.commit()
    from crm.models import Case

    other = db.session.query(Case).filter(Case.approval_date == date(2025, 9, 8)).one()
    db.session.add(Household.for_approved_case(other))
    db.session.commit()
    figures = compute_metrics(date(2025, 4, 1), date(2026, 3, 31), date(2026, 4, 30))
    assert figures["joining_and_leaving"] == {
        "new_approvals": 1,
        "transfers_in": 1,
        "resignations": 0,
    }
    rows = {r.measure: r.total for r in ofsted_return(2025, as_of=date(2026, 4, 30))}
    assert rows["Households approved"] == 2
    assert rows["  of which new carers"] == 1
    assert rows["  of which transferred in from another fostering service"] == 1


def test_a_transfer_assessment_past_its_target_is_flagged(db):
    case = advance(
        CaseFactory(),
        (EventKind.FIRST_CONTACT, date(2025, 4, 2)),
        (EventKind.INITIAL_VISIT, date(2025, 4, 10)),
        (EventKind.APPLICATION, date(2025, 5, 1)),
    )
    db.session.add(TransferIn(case=case, previous_service="Acorn Fostering"))
    db.session.commit()
    judge = BY_KIND[FlagKind.TRANSFER_ASSESSMENT_LATE].judge
    assert judge(date(2025, 8, 29), Settings(), None) == {}  # 1 May + 120 days
    assert (FlagKind.TRANSFER_ASSESSMENT_LATE, case.id) in judge(
        date(2025, 8, 30), Settings(), None
    )


def test_a_case_is_marked_as_a_transfer_from_its_page(officer_client, db):
    case = CaseFactory()
    sent = officer_client.post(
        f"/cases/{case.id}/transfer",
        data={"previous_service": "Acorn Fostering", "previous_reference": "AF-12"},
    )
    assert sent.status_code == 302
    assert "Transferring from Acorn Fostering" in officer_client.get(f"/cases/{case.id}").text


def test_the_dashboard_shows_transfers_in_apart(manager_client, db):
    _approved_transfer(db)
    page = manager_client.get(
        "/dashboard/?date_from=2025-04-01&date_to=2026-03-31&as_of=2026-04-30&section=carers"
    ).text
    assert "0 new carers and 1 transferred in from another service" in page

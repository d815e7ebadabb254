"""The kinship clock (Care Planning, Placement and Case Review (England) Regulations 2010,
regs 24 and 25) on its exact days, worked by hand.

A connected person temporarily approved on Monday 2 Mar 2026 for a named child:
- reg 24(1), "a temporary period not exceeding 16 weeks": 16 weeks are the 112 days
  2 Mar to Sunday 21 Jun 2026; the approval has lapsed on Monday 22 Jun 2026 (2 Mar + 112
  days: 29 days to 31 Mar, 30 to 30 Apr, 31 to 31 May, 22 to 22 Jun), and is flagged as
  lapsed from that day, the day after its last day;
- reg 25(2): one extension of up to 8 weeks, to 17 Aug 2026 at the furthest (22 Jun +
  56 days), only once the fostering panel's views were sought and the child's IRO
  informed (reg 25(4)), by a nominated officer (reg 25(5));
- reg 25(1)(b) and (3): an application to the IRM while it runs keeps it going until the
  outcome is known and the service has decided;
- reg 25(6): a lapse without a decision is flagged until what happened to the child's
  placement is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from crm.domain.kinship import (
    AfterLapse,
    IrmExtension,
    KinshipRuleError,
    check_extension,
    check_irm_application,
    check_lapse,
    days_without_approval,
    expires_on,
    kinship_clock_reasons,
    temporary_approval_warnings,
    temporary_carer_record,
)
from crm.domain.settings import Settings
from crm.domain.stages import EventKind as K
from crm.domain.stages import Step, state_at
from crm.domain.supervision import Duty, obligations
from crm.domain.timescales import kinship_timescale_warning, panel_timescale_warning

D = date
APPROVED = D(2026, 3, 2)
SETTINGS = Settings()
# Enquiry 5 Jan 26 ... application 5 Jan 26: still in Stage 1, undecided.
STATE = state_at(
    [
        Step(K.ENQUIRY, D(2026, 1, 5)),
        Step(K.FIRST_CONTACT, D(2026, 1, 5)),
        Step(K.INITIAL_VISIT, D(2026, 1, 5)),
        Step(K.APPLICATION, D(2026, 1, 5)),
    ]
)


@dataclass
class Temporary:
    """Shaped like the TemporaryApproval model, for the pure rules."""

    approved_on: date = APPROVED
    placed_on: date | None = APPROVED
    extended_until: date | None = None
    extended_on: date | None = None
    nominated_officer: str | None = None
    panel_views_sought_on: date | None = None
    iro_informed_on: date | None = None
    irm_applied_on: date | None = None
    irm_outcome_on: date | None = None
    lapse_outcome: AfterLapse | None = None
    lapse_outcome_on: date | None = None


def kinds(temporary: Temporary, on: date) -> set[str]:
    return set(temporary_approval_warnings(temporary, STATE, on))


# --- 16 weeks ------------------------------------------------------------------------


def test_sixteen_weeks_run_to_21_jun_and_the_approval_lapses_on_22_jun():
    assert expires_on(Temporary()) == D(2026, 6, 22)


def test_on_its_last_day_it_is_expiring_not_lapsed():
    assert kinds(Temporary(), D(2026, 6, 21)) == {"expiring"}


def test_the_day_after_its_last_day_it_is_flagged_as_lapsed():
    assert kinds(Temporary(), D(2026, 6, 22)) == {"expired"}


# --- the one extension (reg 25(2), (4), (5)) -----------------------------------------


def extend(temporary: Temporary, panel: date | None, iro: date | None) -> None:
    check_extension(temporary, D(2026, 8, 17), "Pat Nominated", D(2026, 6, 10), D(2026, 6, 10),
                    panel, iro)  # fmt: skip


def test_an_extension_without_the_panels_views_or_the_iro_is_refused_naming_both():
    with pytest.raises(KinshipRuleError) as refused:
        extend(Temporary(), None, None)
    assert "reg 25(4)(b): the fostering panel's views sought" in str(refused.value)
    assert "reg 25(4)(c): the child's IRO informed" in str(refused.value)


def test_an_extension_with_the_panel_consulted_but_the_iro_not_told_is_refused():
    with pytest.raises(KinshipRuleError) as refused:
        extend(Temporary(), D(2026, 6, 3), None)
    assert "IRO" in str(refused.value) and "panel" not in str(refused.value)


def test_the_panels_views_sought_after_the_officers_decision_do_not_count():
    with pytest.raises(KinshipRuleError, match=r"11 Jun 2026 is not between"):
        extend(Temporary(), D(2026, 6, 11), D(2026, 6, 4))


def test_with_both_recorded_the_extension_stands():
    extend(Temporary(), D(2026, 6, 3), D(2026, 6, 4))  # no refusal


def extended() -> Temporary:
    return Temporary(
        extended_until=D(2026, 8, 17), extended_on=D(2026, 6, 10), nominated_officer="Pat",
        panel_views_sought_on=D(2026, 6, 3), iro_informed_on=D(2026, 6, 4),
    )  # fmt: skip


def test_extended_the_flags_move_to_its_new_end():
    assert kinds(extended(), D(2026, 6, 22)) == {"extended"}  # not lapsed on 22 Jun now
    assert kinds(extended(), D(2026, 8, 16)) == {"expiring", "extended"}
    assert kinds(extended(), D(2026, 8, 17)) == {"expired", "extended"}


# --- an IRM review pending (reg 25(1)(b) and (3)) ------------------------------------


def irm(outcome: date | None = None) -> Temporary:
    return Temporary(irm_applied_on=D(2026, 6, 15), irm_outcome_on=outcome)


def test_while_the_irm_review_is_pending_it_does_not_lapse():
    assert expires_on(irm()) is None
    assert kinds(irm(), D(2026, 9, 1)) == {"irm_pending"}
    assert kinship_clock_reasons(irm(), D(2026, 9, 1)) == []


def test_it_runs_to_the_day_of_the_irm_outcome_and_lapses_the_next():
    assert kinds(irm(D(2026, 9, 10)), D(2026, 9, 10)) == {"expiring"}
    assert kinds(irm(D(2026, 9, 10)), D(2026, 9, 11)) == {"expired"}


def irm_extension(**changes) -> IrmExtension:
    """Refusal proposed Mon 1 Jun 26; the IRM applied to on Wed 10 Jun; the panel's
    views sought on 11 Jun and the IRO told on 12 Jun; extended by Pat on 15 Jun (the
    approval of 2 Mar 26 runs to 21 Jun)."""
    given = dict(
        applied_on=D(2026, 6, 10),
        decided_on=D(2026, 6, 15),
        officer="Pat Nominated",
        panel_views_sought_on=D(2026, 6, 11),
        iro_informed_on=D(2026, 6, 12),
        refusal_proposed_on=D(2026, 6, 1),
    )
    return IrmExtension(**{**given, **changes})


def test_an_irm_application_after_the_lapse_keeps_nothing_going():
    with pytest.raises(KinshipRuleError, match="reg 25\\(6\\)"):
        check_irm_application(Temporary(), irm_extension(applied_on=D(2026, 6, 22)), D(2026, 6, 30))


def test_an_extension_for_the_irm_with_reg_25s_steps_is_accepted():
    check_irm_application(Temporary(), irm_extension(), D(2026, 6, 30))


def test_an_extension_for_the_irm_follows_a_proposed_refusal():
    # reg 25(1)(b): "having undergone the full assessment process, is not approved"
    with pytest.raises(KinshipRuleError, match="proposed refusal"):
        check_irm_application(Temporary(), irm_extension(refusal_proposed_on=None), D(2026, 6, 30))


def test_an_extension_for_the_irm_is_decided_after_the_panel_and_the_iro_are_consulted():
    with pytest.raises(KinshipRuleError) as refused:
        check_irm_application(
            Temporary(), irm_extension(panel_views_sought_on=None, iro_informed_on=None),
            D(2026, 6, 30),
        )  # fmt: skip
    assert "reg 25(4)(b)" in str(refused.value) and "reg 25(4)(c)" in str(refused.value)


def test_an_extension_for_the_irm_names_its_nominated_officer():
    with pytest.raises(KinshipRuleError, match="reg 25\\(5\\)"):
        check_irm_application(Temporary(), irm_extension(officer=" "), D(2026, 6, 30))


def test_an_extension_decided_on_the_day_the_approval_lapsed_is_refused():
    # 16 weeks from 2 Mar 26 run to 21 Jun; on 22 Jun it has lapsed
    with pytest.raises(KinshipRuleError, match="it has lapsed"):
        check_extension(Temporary(), D(2026, 8, 17), "Pat Nominated", D(2026, 6, 22),
                        D(2026, 6, 30), D(2026, 6, 3), D(2026, 6, 4))  # fmt: skip


def test_no_nominated_officers_extension_while_the_irm_review_is_pending():
    with pytest.raises(KinshipRuleError, match="IRM"):
        extend(irm(), D(2026, 6, 3), D(2026, 6, 4))


# --- a lapse without a decision (reg 25(6)) ------------------------------------------


def test_what_happened_cannot_be_recorded_before_it_lapses():
    with pytest.raises(KinshipRuleError, match="runs to 21 Jun 2026"):
        check_lapse(Temporary(), AfterLapse.ENDED, D(2026, 6, 21), D(2026, 6, 21))


def test_recording_what_happened_to_the_placement_clears_the_flag():
    lapsed = Temporary()
    check_lapse(lapsed, AfterLapse.OTHER_CARERS, D(2026, 6, 23), D(2026, 6, 24))
    lapsed.lapse_outcome, lapsed.lapse_outcome_on = AfterLapse.OTHER_CARERS, D(2026, 6, 23)
    assert kinds(lapsed, D(2026, 6, 22)) == {"expired"}  # before it was recorded
    assert kinds(lapsed, D(2026, 6, 23)) == set()
    assert kinship_clock_reasons(lapsed, D(2026, 6, 23)) == []


# --- NMS 14.4 and the service's kinship timescale -----------------------------------


def test_nms_14_4s_eight_months_do_not_apply_under_reg_24():
    # Applied 5 Jan 26: 8 months to 5 Sep 26; on 1 Oct 26 a mainstream case is past them.
    assert panel_timescale_warning(STATE, D(2026, 10, 1), SETTINGS) is not None
    assert panel_timescale_warning(STATE, D(2026, 10, 1), SETTINGS, Temporary()) is None


def test_without_a_child_placed_the_services_16_weeks_from_application():
    # 5 Jan 26 + 112 days = 27 Apr 26 (26 to 31 Jan, 28 to 28 Feb, 31 to 31 Mar, 27).
    assert kinship_timescale_warning(STATE, D(2026, 4, 26), SETTINGS) is None
    assert "ended on 26 Apr 2026" in kinship_timescale_warning(STATE, D(2026, 4, 27), SETTINGS)
    assert kinship_timescale_warning(STATE, D(2026, 4, 27), SETTINGS, Temporary()) is None


def test_the_kinship_timescale_is_a_setting():
    twenty = Settings(kinship_assessment_weeks=20)  # 5 Jan + 140 days = 25 May
    assert kinship_timescale_warning(STATE, D(2026, 5, 24), twenty) is None
    assert kinship_timescale_warning(STATE, D(2026, 5, 25), twenty) is not None


# --- duties from the day the child is placed -----------------------------------------


def owed(temporary: Temporary, on: date, **dates: list[date]) -> dict[Duty, tuple[date, bool]]:
    record = temporary_carer_record(temporary, STATE, dates, on)
    return {o.duty: (o.due_on, o.overdue) for o in obligations(record, on, SETTINGS)}


def test_a_supervision_visit_is_due_42_days_after_the_child_moved_in():
    # Moved in 2 Mar 26: 29 days to 31 Mar, 13 more to 13 Apr.
    assert owed(Temporary(), D(2026, 4, 13))[Duty.SUPERVISION_VISIT] == (D(2026, 4, 13), False)
    assert owed(Temporary(), D(2026, 4, 14))[Duty.SUPERVISION_VISIT] == (D(2026, 4, 13), True)


def test_a_logged_visit_moves_the_next_one_on():
    due = owed(Temporary(), D(2026, 5, 1), supervision_visit=[D(2026, 4, 10)])
    assert due[Duty.SUPERVISION_VISIT] == (D(2026, 5, 22), False)  # 10 Apr + 42 days


def test_tsd_within_18_months_of_the_child_moving_in():
    assert owed(Temporary(), D(2026, 4, 1))[Duty.TSD] == (D(2027, 9, 2), False)


def test_a_review_falls_due_if_the_approval_runs_a_year_past_the_move():
    # Only an IRM review keeps it going that long: due 2 Mar 27, overdue the next day.
    assert owed(irm(), D(2027, 3, 3))[Duty.ANNUAL_REVIEW] == (D(2027, 3, 2), True)


def test_a_review_of_the_temporary_approval_recorded_moves_the_next_a_year_on():
    due = owed(irm(), D(2027, 3, 3), temporary_review=[D(2027, 2, 20)])
    assert due[Duty.ANNUAL_REVIEW] == (D(2028, 2, 20), False)


def test_nothing_is_owed_before_the_child_moves_in():
    assert temporary_carer_record(Temporary(placed_on=None), STATE, {}, D(2026, 4, 1)) is None


# --- on the case page ----------------------------------------------------------------


class TestOnTheCasePage:
    """Through the forms, on the hand-built service's KB (tests/hand_built.py):
    temporarily approved 1 Feb 25, C10 placed that day."""

    @pytest.fixture
    def kb(self, service_with_kinship, db):
        import sqlalchemy as sa

        from crm.models import Case

        return db.session.scalar(sa.select(Case).where(Case.reference == "KB"))

    def test_an_extension_without_the_iro_is_refused_and_keeps_what_was_typed(
        self, officer_client, db, kb
    ):
        kb.temporary_approval.extended_until = None  # as before its extension
        kb.temporary_approval.extended_on = kb.temporary_approval.nominated_officer = None
        db.session.commit()
        page = officer_client.post(
            f"/cases/{kb.id}/temporary-approval/extension",
            data={"extended_until": "2025-07-19", "nominated_officer": "Pat Nominated",
                  "decided_on": "2025-05-20", "panel_views_sought_on": "2025-05-14"},
        ).get_data(as_text=True)  # fmt: skip
        assert "reg 25(4)(c): the child&#39;s IRO informed" in page
        assert 'value="Pat Nominated"' in page and 'value="2025-05-14"' in page
        db.session.refresh(kb.temporary_approval)
        assert kb.temporary_approval.extended_until is None

    def test_an_irm_application_then_its_outcome(self, officer_client, db, kb):
        from crm.domain.determinations import DeterminationKind
        from crm.models import Determination

        db.session.add(  # the service proposed not to approve on 25 Jun 25
            Determination(kind=DeterminationKind.REFUSAL, case=kb, notified_on=D(2025, 6, 25),
                          reasons="Not able to meet C10's needs")
        )  # fmt: skip
        db.session.commit()
        applied = {"irm_applied_on": "2025-07-01", "irm_extended_on": "2025-07-04",
                   "irm_officer": "Pat Nominated", "irm_panel_views_sought_on": "2025-07-02",
                   "irm_iro_informed_on": "2025-07-03"}  # fmt: skip
        for data in (applied, {"irm_outcome_on": "2025-09-10"}):
            response = officer_client.post(f"/cases/{kb.id}/temporary-approval/irm", data=data)
            assert response.status_code == 302
        db.session.refresh(kb.temporary_approval)
        assert kb.temporary_approval.expires_on == D(2025, 9, 11)

    def test_an_irm_application_without_a_proposed_refusal_is_refused_on_the_page(
        self, officer_client, db, kb
    ):
        page = officer_client.post(
            f"/cases/{kb.id}/temporary-approval/irm",
            data={"irm_applied_on": "2025-07-01", "irm_extended_on": "2025-07-04",
                  "irm_officer": "Pat Nominated", "irm_panel_views_sought_on": "2025-07-02",
                  "irm_iro_informed_on": "2025-07-03"},
        ).get_data(as_text=True)  # fmt: skip
        assert "record the proposed refusal on the case first" in page
        assert 'value="Pat Nominated"' in page
        db.session.refresh(kb.temporary_approval)
        assert kb.temporary_approval.irm_applied_on is None

    def test_after_a_lapse_what_happened_is_recorded(self, officer_client, db, kb):
        officer_client.post(
            f"/cases/{kb.id}/temporary-approval/lapse",
            data={"lapse_outcome": "special_guardianship", "lapse_outcome_on": "2025-07-21"},
        )
        page = officer_client.get(f"/cases/{kb.id}").get_data(as_text=True)
        assert "Continued under a special guardianship order, 21 Jul 2025" in page


def test_the_days_a_child_stayed_after_the_lapse_are_counted_as_without_approval():
    # lapsed 22 Jun 26 (16 weeks from 2 Mar); approved as a foster parent on 2 Jul
    lapsed = Temporary(
        lapse_outcome=AfterLapse.APPROVED_FOSTER_PARENT, lapse_outcome_on=D(2026, 7, 2)
    )
    assert days_without_approval(lapsed) == 10
    on_the_day = Temporary(lapse_outcome=AfterLapse.ENDED, lapse_outcome_on=D(2026, 6, 22))
    assert days_without_approval(on_the_day) == 0

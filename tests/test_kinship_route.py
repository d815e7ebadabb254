"""The kinship route (Care Planning Regulations 2010, regs 24 and 25) on the hand-built
service's KB (tests/hand_built.py): temporarily approved 1 Feb 25 for C10, 16 weeks to
24 May 25, extended once by a nominated officer to 19 Jul 25; answers worked by hand."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.cases.services import approve_case
from crm.domain.kinship import KinshipRuleError, check_temporary_approval
from crm.domain.stages import EventKind as K
from crm.metrics.chasing import stalled_cases, temporary_approval_flags
from crm.models import ActivityKind, CarerType, Case, Flag, FlagKind, Household
from crm.models.setting import load_settings
from jobs.flags import flag_work
from tests.factories import CaseFactory, advance, ready_for_temporary_approval
from tests.hand_built import AS_OF, LATER

D = date
pytestmark = pytest.mark.usefixtures("service_with_kinship")


def kb(db) -> Case:
    return db.session.scalar(sa.select(Case).where(Case.reference == "KB"))


def test_sixteen_weeks_then_one_extension_of_up_to_eight(db):
    temporary = kb(db).temporary_approval
    assert temporary.first_expiry == D(2025, 5, 24)
    assert temporary.latest_extension == D(2025, 7, 19)
    assert temporary.expires_on == D(2025, 7, 19)


def test_a_kinship_case_follows_the_kinship_clock_not_the_stage_limits(db):
    # 161 days in Stage 1 (limit 60) on 30 Jun 25, but its temporary approval runs.
    assert "KB" not in [s.reference for s in stalled_cases(AS_OF, load_settings())]


def test_it_is_stalled_once_the_temporary_approval_lapses_undecided(db):
    stalled = {s.reference: s.reasons for s in stalled_cases(D(2025, 7, 20), load_settings())}
    assert stalled["KB"] == [
        "temporary approval (reg 24) lapsed 1 days ago (19 Jul 2025)",
        "no activity for 30 days (limit 28)",
    ]


@pytest.mark.parametrize(
    ("on", "kinds"),
    [
        (AS_OF, {"extended"}),  # expires in 19 days
        (D(2025, 7, 10), {"expiring", "extended"}),  # in 9 days
        (D(2025, 7, 19), {"expired", "extended"}),
    ],
)
def test_flags_for_expiring_expired_and_extended(db, on, kinds):
    case_id = kb(db).id
    assert {kind for kind, c in temporary_approval_flags(on) if c == case_id} == kinds


def test_the_nightly_job_raises_them_as_flags(db):
    flag_work(D(2025, 7, 10))
    db.session.commit()
    kinds = set(
        db.session.scalars(
            sa.select(Flag.kind).where(Flag.case_id == kb(db).id, Flag.cleared_on.is_(None))
        )
    )
    # and no supervision visit logged since C10 moved in on 1 Feb 25 (one was due by
    # 15 Mar 25, 42 days on): owed to a temporarily approved carer as to an approved one.
    assert kinds == {
        FlagKind.TEMPORARY_APPROVAL_EXPIRING,
        FlagKind.TEMPORARY_APPROVAL_EXTENDED,
        FlagKind.TEMPORARY_CARER_DUTY,
    }


def test_it_can_be_extended_only_once(db):
    with pytest.raises(KinshipRuleError, match="only once"):
        kb(db).temporary_approval.extend(D(2025, 7, 30), "Someone Else", D(2025, 7, 1), LATER)


def test_full_approval_keeps_the_child_placed_under_temporary_approval(db):
    case = advance(kb(db), (K.STAGE2_START, D(2025, 2, 10)), (K.PANEL, D(2025, 6, 25)), today=LATER)
    household = approve_case(case, D(2025, 7, 1), None, places=1, as_of=LATER)
    db.session.commit()
    assert household.temporary_approval_date == D(2025, 2, 1)
    assert [(p.child_reference, p.start_date) for p in household.placements] == [
        ("C10", D(2025, 2, 1))
    ]
    # Counted among the service's households only from its full approval:
    current = sa.select(sa.func.count()).where(Household.reference == "KB")
    assert db.session.scalar(current.where(Household.current_on(D(2025, 6, 30)))) == 0
    assert db.session.scalar(current.where(Household.current_on(D(2025, 7, 1)))) == 1


def test_only_a_kinship_case_can_be_temporarily_approved(db):
    mainstream = advance(
        CaseFactory(enquiry_date=D(2025, 1, 6), carer_type=CarerType.MAINSTREAM),
        (K.FIRST_CONTACT, D(2025, 1, 7)),
        today=LATER,
    )
    with pytest.raises(KinshipRuleError, match="connected person"):
        check_temporary_approval(
            mainstream.state(), mainstream.carer_type, None, mainstream.enquiry_date,
            D(2025, 2, 1), LATER,
        )  # fmt: skip


class TestOnTheCasePage:
    def test_an_officer_records_it_and_sees_when_it_expires(self, officer_client, db):
        case = advance(
            CaseFactory(enquiry_date=D(2025, 1, 6), carer_type=CarerType.KINSHIP),
            (K.FIRST_CONTACT, D(2025, 1, 7)),
            today=LATER,
        )
        ready_for_temporary_approval(case, D(2025, 3, 1))  # reg 24(2)'s checks first
        page = officer_client.post(
            f"/cases/{case.id}/temporary-approval",
            data={
                "child_reference": "C77",
                "approved_on": "2025-03-03",
                "placed_on": "2025-03-04",
                "most_appropriate": "y",
                "necessary_now": "y",
            },
            follow_redirects=True,
        ).get_data(as_text=True)
        assert "it expires on 23 Jun 2025" in page
        assert "Temporary approval (reg 24)" in page
        # The child is named only to managers and the social workers (test_need_to_know).
        assert "C77" not in page

    def test_an_extension_past_eight_weeks_is_refused_on_its_field(self, officer_client, db):
        case = kb(db)
        case.temporary_approval.extended_until = None
        db.session.commit()
        page = officer_client.post(
            f"/cases/{case.id}/temporary-approval/extension",
            data={
                "extended_until": "2025-07-20",
                "nominated_officer": "Pat Nominated",
                "decided_on": "2025-05-20",
            },
        ).get_data(as_text=True)
        assert "to 19 Jul 2025 at the latest" in page
        assert 'value="Pat Nominated"' in page  # what was typed is kept


def test_a_viability_assessment_is_shown_with_the_temporary_approval(officer_client, db):
    case = kb(db)
    case.log_activity(ActivityKind.VIABILITY, D(2025, 1, 25), None, note="viable")
    db.session.commit()
    page = officer_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Viability assessment: 25 Jan 2025 (viable)" in page

"""A connected person's case starts from the child's social worker's referral, not an
enquiry, and goes through a viability assessment (issue 33, items 1 and 2; Care Planning,
Placement and Case Review (England) Regulations 2010, reg 24). Answers worked by hand."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.cases.services import NewReferral, create_referral, record_viability, reg24_record
from crm.domain.kinship import (
    KinshipRuleError,
    ReferralUrgency,
    Reg24Record,
    ViabilityOutcome,
    ViabilityRoute,
    check_viability,
    reg24_missing,
    viability_refusal,
)
from crm.domain.stages import EventKind as K
from crm.domain.stages import Stage, Step, TransitionRefused, check_step, replay
from crm.metrics.chasing import overdue_first_contacts
from crm.metrics.engine import compute_metrics
from crm.models import CarerType, Case, CaseRoute, Check, CheckKind, KinshipReferral
from tests.factories import CaseFactory, advance, ready_for_temporary_approval
from tests.samples import OFFICER_ENQUIRY

D = date
TODAY = D(2025, 6, 30)
POSITIVE, NEGATIVE, WITHDRAWN = ViabilityOutcome


def referral(**changes) -> NewReferral:
    details = dict(
        first_name="Gwen",
        last_name="Hughes",
        referred_on=D(2025, 5, 5),
        social_worker="Sunita Patel",
        child_reference="C-4411",
        connection="Grandmother",
        urgency=ReferralUrgency.IMMEDIATE,
        phone="07700 900555",
    )
    return NewReferral(**{**details, **changes})


# --- The steps: a referral is its own first step ------------------------------------


def test_a_referral_opens_the_case_and_goes_on_to_the_application():
    state = replay([Step(K.REFERRAL, D(2025, 5, 5)), Step(K.APPLICATION, D(2025, 5, 20))], TODAY)
    assert state.referral
    assert state.stage is Stage.STAGE1
    assert state.opened_on == D(2025, 5, 5)


@pytest.mark.parametrize("kind", [K.FIRST_CONTACT, K.INITIAL_VISIT])
def test_first_contact_and_the_initial_visit_are_not_a_referrals_steps(kind):
    referred = replay([Step(K.REFERRAL, D(2025, 5, 5))], TODAY)
    with pytest.raises(TransitionRefused, match="a step of recruitment"):
        check_step(referred, Step(kind, D(2025, 5, 6)), TODAY)


def test_an_enquiry_still_passes_first_contact_and_the_initial_visit():
    enquired = replay([Step(K.ENQUIRY, D(2025, 5, 5))], TODAY)
    assert not enquired.referral
    with pytest.raises(TransitionRefused, match="next step is first contact"):
        check_step(enquired, Step(K.APPLICATION, D(2025, 5, 20)), TODAY)


def test_a_referral_cannot_follow_an_enquiry():
    enquired = replay([Step(K.ENQUIRY, D(2025, 5, 5))], TODAY)
    with pytest.raises(TransitionRefused, match="already recorded"):
        check_step(enquired, Step(K.REFERRAL, D(2025, 5, 6)), TODAY)


# --- The referral on the case ------------------------------------------------------


def test_a_referral_makes_a_kinship_case_that_came_by_referral(db):
    case = create_referral(referral(), by=None, as_of=TODAY)
    db.session.commit()
    assert (case.carer_type, case.route, case.stage) == (
        CarerType.KINSHIP,
        CaseRoute.REFERRAL,
        Stage.ENQUIRY,
    )
    assert case.enquiry_date == D(2025, 5, 5)
    assert [e.kind for e in case.events] == [K.REFERRAL]
    saved = db.session.scalar(sa.select(KinshipReferral))
    assert (saved.child_reference, saved.connection, saved.social_worker) == (
        "C-4411",
        "Grandmother",
        "Sunita Patel",
    )


def test_a_referral_without_the_childs_reference_is_refused(db):
    with pytest.raises(KinshipRuleError, match="child's reference"):
        create_referral(referral(child_reference="  "), by=None, as_of=TODAY)


# --- Not a recruitment enquiry -----------------------------------------------------


@pytest.fixture
def four_cases(db):
    """Two mainstream enquiries (one applies), a kinship enquiry, and a kinship referral
    that applies after a positive viability assessment, all in May 2025."""
    advance(
        CaseFactory(enquiry_date=D(2025, 5, 1)),
        (K.FIRST_CONTACT, D(2025, 5, 2)),
        (K.INITIAL_VISIT, D(2025, 5, 10)),
        (K.APPLICATION, D(2025, 6, 1)),
        today=TODAY,
    )
    CaseFactory(enquiry_date=D(2025, 5, 2))
    CaseFactory(enquiry_date=D(2025, 5, 3), carer_type=CarerType.KINSHIP)
    referred = create_referral(referral(), by=None, as_of=TODAY)
    record_viability(
        referred,
        D(2025, 5, 9),
        POSITIVE,
        ViabilityRoute.TEMPORARY_APPROVAL,
        None,
        None,
        as_of=TODAY,
    )
    advance(referred, (K.APPLICATION, D(2025, 5, 20)), today=TODAY)


def figures(carer_type=None):
    return compute_metrics(D(2025, 4, 1), D(2026, 3, 31), TODAY, carer_type=carer_type)


@pytest.mark.usefixtures("four_cases")
class TestNotARecruitmentEnquiry:
    def test_the_referral_is_not_counted_among_enquiries(self):
        # 4 cases opened in May; 3 came as enquiries. Both applications are counted.
        counts = figures()["counts"]
        assert (counts["enquiries"], counts["applications"]) == (3, 2)

    def test_period_conversion_counts_applications_that_came_as_enquiries(self):
        # 1 application from the 3 enquiries (the referral's is not a converted enquiry).
        assert figures()["period_conversion"]["enquiry_to_application"] == 0.3333

    def test_cohort_conversion_leaves_the_referral_out(self):
        assert figures()["cohort_conversion"]["enquiry_to_application"] == 0.3333

    def test_kinship_conversion_is_of_the_kinship_enquiry_alone(self):
        kinship = figures(CarerType.KINSHIP)
        assert kinship["counts"]["enquiries"] == 1
        assert kinship["period_conversion"]["enquiry_to_application"] == 0.0

    def test_mainstream_figures_are_unchanged(self):
        mainstream = figures(CarerType.MAINSTREAM)
        assert mainstream["counts"]["enquiries"] == 2
        assert mainstream["period_conversion"]["enquiry_to_application"] == 0.5

    def test_the_list_the_enquiries_figure_opens_leaves_the_referral_out(self, manager_client):
        page = manager_client.get(
            "/cases/?step=enquiry&date_from=2025-04-01&date_to=2025-06-30"
        ).get_data(as_text=True)
        assert "Gwen Hughes" not in page
        assert "Gwen Hughes" in manager_client.get("/cases/").get_data(as_text=True)

    def test_a_referral_waits_for_no_first_contact(self):
        # 3 enquiries, the 2 left uncontacted long past their target; the referral is not one.
        responses = figures()["response_time_working_days"]
        assert responses["count"] == 1
        assert responses["within_target_rate"] == round(1 / 3, 4)


def test_a_referral_is_never_flagged_for_first_contact(db):
    # Both opened 5 May 2025; by 30 Jun an enquiry is long past its first-contact target.
    referred = create_referral(referral(), by=None, as_of=TODAY)
    enquiry = CaseFactory(enquiry_date=D(2025, 5, 5))
    db.session.commit()
    assert overdue_first_contacts(TODAY) == [enquiry.id]
    assert referred.id not in overdue_first_contacts(TODAY)


def test_the_public_form_cannot_start_a_kinship_case(client, db):
    page = client.get("/").get_data(as_text=True)
    assert "kinship" not in page.lower() and "connected person" not in page.lower()
    client.post(
        "/",
        data={
            "first_name": "Gwen",
            "last_name": "Hughes",
            "email": "gwen@example.com",
            "postcode": "LE1 6ZG",
            "source": "website",
            "carer_type": "kinship",
            "route": "referral",
        },
    )
    made = db.session.scalars(sa.select(Case)).all()
    assert [(c.carer_type, c.route) for c in made] in (
        [],
        [(CarerType.MAINSTREAM, CaseRoute.ENQUIRY)],
    )


def test_an_officer_logging_an_enquiry_cannot_make_it_a_kinship_case(officer_client, db):
    # A grandmother who rings about her grandson is referred by his social worker; the
    # enquiry form no longer offers "kinship", and a forged value is ignored.
    page = officer_client.get("/cases/new").get_data(as_text=True)
    assert "/cases/referrals/new" in page
    assert 'name="carer_type"' not in page
    officer_client.post("/cases/new", data=dict(OFFICER_ENQUIRY, carer_type="kinship"))
    made = db.session.scalars(sa.select(Case)).one()
    assert (made.carer_type, made.route) == (CarerType.MAINSTREAM, CaseRoute.ENQUIRY)


# --- The viability assessment ------------------------------------------------------


def test_a_positive_viability_assessment_says_where_it_leads():
    with pytest.raises(KinshipRuleError, match="where the positive assessment leads"):
        check_viability(D(2025, 5, 5), D(2025, 5, 9), POSITIVE, None, TODAY)


@pytest.mark.parametrize("outcome", [NEGATIVE, WITHDRAWN])
def test_a_negative_or_withdrawn_one_leads_nowhere(outcome):
    with pytest.raises(KinshipRuleError, match="leads nowhere"):
        check_viability(
            D(2025, 5, 5), D(2025, 5, 9), outcome, ViabilityRoute.FULL_ASSESSMENT, TODAY
        )


def test_it_is_not_dated_before_the_referral():
    with pytest.raises(KinshipRuleError, match=r"before the referral \(5 May 2025\)"):
        check_viability(
            D(2025, 5, 5), D(2025, 5, 4), POSITIVE, ViabilityRoute.FULL_ASSESSMENT, TODAY
        )


@pytest.mark.parametrize(
    "route", [ViabilityRoute.SPECIAL_GUARDIANSHIP, ViabilityRoute.CHILD_ARRANGEMENTS]
)
def test_another_order_assessed_instead_is_a_positive_outcome(route):
    check_viability(D(2025, 5, 5), D(2025, 5, 9), POSITIVE, route, TODAY)


SEEN = D(2025, 5, 9)


class _Viability:
    def __init__(self, outcome, leads_to=None, seen=SEEN, welfare=True):
        self.outcome, self.leads_to, self.assessed_on = outcome, leads_to, D(2025, 5, 9)
        self.accommodation_seen_on, self.welfare_considered = seen, welfare


@pytest.mark.parametrize(
    ("viability", "refused"),
    [
        (None, "Record the viability assessment first"),
        (_Viability(NEGATIVE), "of 9 May 2025 was negative"),
        (
            _Viability(POSITIVE, ViabilityRoute.FULL_ASSESSMENT),
            "leads to full fostering assessment, without a placement yet, not a temporary",
        ),
        (
            _Viability(POSITIVE, ViabilityRoute.SPECIAL_GUARDIANSHIP),
            "leads to a special guardianship order",
        ),
    ],
)
def test_temporary_approval_of_a_referral_follows_a_positive_viability_only(viability, refused):
    assert refused in viability_refusal(viability)


def test_temporary_approval_follows_a_viability_that_leads_to_it():
    positive = _Viability(POSITIVE, ViabilityRoute.TEMPORARY_APPROVAL)
    assert viability_refusal(positive) is None


# --- On the pages ------------------------------------------------------------------


def test_an_officer_records_a_referral_and_its_viability(officer_client, ssw, db):
    page = officer_client.post(
        "/cases/referrals/new",
        data={
            "first_name": "Gwen",
            "last_name": "Hughes",
            "connection": "Grandmother",
            "phone": "07700 900555",
            "child_reference": "C-4411",
            "social_worker": "Sunita Patel",
            "urgency": "immediate",
            "referred_on": "2025-05-05",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Referred on 5 May 2025 by Sunita Patel" in page
    assert "Referral by the child's social worker" in page and "First contact</dt>" not in page
    case = db.session.scalar(sa.select(Case))
    assert case.route is CaseRoute.REFERRAL
    page = officer_client.post(
        f"/cases/{case.id}/viability",
        data={
            "assessed_on": "2025-05-09",
            "worker": str(ssw.id),
            "outcome": "positive",
            "leads_to": "temporary_approval",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Viability assessment 9 May 2025 by Sam Social: positive, leading to temporary" in page


def test_a_referral_not_yet_taken_further_is_shown_as_referred_not_a_new_enquiry(db):
    case = create_referral(referral(), by=None, as_of=TODAY)
    enquiry = CaseFactory()
    assert case.stage_label == "Referred (connected person)"
    assert enquiry.stage_label == "New enquiry"


def test_temporary_approval_before_the_viability_is_refused_on_the_page(officer_client, db):
    case = create_referral(referral(), by=None, as_of=TODAY)
    db.session.commit()
    page = officer_client.post(
        f"/cases/{case.id}/temporary-approval",
        data={"child_reference": "C-4411", "approved_on": "2025-05-06"},
    ).get_data(as_text=True)
    assert "Record the viability assessment first" in page
    assert 'value="C-4411"' in page  # what was typed is kept
    assert db.session.get(Case, case.id).temporary_approval is None


def test_a_viability_assessment_with_no_outcome_is_refused_not_a_500(officer_client, db):
    case = create_referral(referral(), by=None, as_of=TODAY)
    db.session.commit()
    response = officer_client.post(
        f"/cases/{case.id}/viability", data={"assessed_on": "2025-05-09", "leads_to": "bogus"}
    )
    assert response.status_code == 200
    assert "Choose the outcome." in response.get_data(as_text=True)


# --- Temporary approval only after reg 24(2)'s checks (item 3) ----------------------

APPROVED_ON = D(2025, 5, 12)
READY = _Viability(POSITIVE, ViabilityRoute.TEMPORARY_APPROVAL)
GWEN = ("Gwen Hughes", D(1961, 3, 2), D(2025, 5, 8))
RHYS = ("Rhys Hughes", D(1959, 11, 20), D(2025, 5, 8))


def missing(viability=READY, members=(GWEN, RHYS), worker=True, on=APPROVED_ON):
    return reg24_missing(Reg24Record(viability, list(members), worker), on)


def test_with_every_check_recorded_nothing_is_missing():
    assert missing() == []


def test_a_referral_with_nothing_recorded_lists_what_is_missing():
    assert missing(viability=None, members=[("Gwen Hughes", None, None)], worker=False) == [
        "reg 24(2)(a): Record the viability assessment first: temporary approval follows "
        "a positive one.",
        "reg 24(2)(a)(ii) and Schedule 4: an enhanced DBS check received (or a police check "
        "with the DBS applied for) for Gwen Hughes",
        "reg 24(2)(c): a social worker allocated to the full assessment",
    ]


def test_every_adult_in_the_household_needs_their_dbs_not_only_the_applicant():
    assert missing(members=[GWEN, ("Rhys Hughes", D(1959, 11, 20), None)]) == [
        "reg 24(2)(a)(ii) and Schedule 4: an enhanced DBS check received (or a police check "
        "with the DBS applied for) for Rhys Hughes"
    ]


def test_a_dbs_received_after_the_approval_does_not_count():
    late = ("Rhys Hughes", D(1959, 11, 20), D(2025, 5, 13))
    assert len(missing(members=[GWEN, late])) == 1


@pytest.mark.parametrize(
    ("born", "needs_dbs"),
    [
        (D(2007, 5, 12), True),  # 18 on 12 May 2025, the day of the approval
        (D(2007, 5, 13), False),  # 18 the day after: a child of the household that day
    ],
)
def test_a_member_is_an_adult_from_their_eighteenth_birthday(born, needs_dbs):
    assert bool(missing(members=[GWEN, RHYS, ("Ceri Hughes", born, None)])) is needs_dbs


def test_the_accommodation_must_have_been_seen():
    assert missing(
        viability=_Viability(POSITIVE, ViabilityRoute.TEMPORARY_APPROVAL, seen=None)
    ) == ["reg 24(2)(a)(i): the proposed accommodation seen, with its date"]


def test_the_childs_welfare_must_have_been_considered():
    unconsidered = _Viability(POSITIVE, ViabilityRoute.TEMPORARY_APPROVAL, welfare=False)
    assert missing(viability=unconsidered) == [
        "reg 24(2)(b): that the arrangements will safeguard and promote the child's welfare "
        "and meet the needs in their care plan, considered"
    ]


def test_a_viability_dated_after_the_approval_comes_too_late():
    assert missing(on=D(2025, 5, 8))[0].startswith(
        "reg 24(2)(a): The viability assessment (9 May 2025) is dated after"
    )


def test_the_page_says_what_is_missing_before_it_is_submitted(officer_client, db):
    case = create_referral(referral(), by=None, as_of=TODAY)
    db.session.commit()
    page = officer_client.get(f"/cases/{case.id}/temporary-approval").get_data(as_text=True)
    assert "with the DBS applied for) for Gwen Hughes" in page


def test_a_police_check_with_the_dbs_applied_for_lets_a_placement_go_ahead(db):
    # Gwen's police check came back on 8 May 2025 and her enhanced DBS was applied for
    # on 7 May: a same-day placement on 12 May need not wait for the certificate
    # (Schedule 4 asks about her offences; the DBS itself is the full assessment's).
    case = create_referral(referral(), by=None, as_of=TODAY)
    gwen = case.members[0]
    case.checks.append(Check(kind=CheckKind.POLICE, member=gwen, received_on=D(2025, 5, 8)))
    case.checks.append(Check(kind=CheckKind.DBS, member=gwen, requested_on=D(2025, 5, 7)))
    db.session.flush()
    assert reg24_record(case).members == [(gwen.full_name, gwen.birth_date, D(2025, 5, 8))]


def test_a_police_check_alone_without_the_dbs_applied_for_is_not_enough(db):
    case = create_referral(referral(), by=None, as_of=TODAY)
    gwen = case.members[0]
    case.checks.append(Check(kind=CheckKind.POLICE, member=gwen, received_on=D(2025, 5, 8)))
    db.session.flush()
    assert reg24_record(case).members == [(gwen.full_name, gwen.birth_date, None)]


def test_with_the_checks_recorded_the_page_records_the_temporary_approval(officer_client, db):
    case = ready_for_temporary_approval(
        create_referral(referral(), by=None, as_of=TODAY), D(2025, 5, 9)
    )
    page = officer_client.post(
        f"/cases/{case.id}/temporary-approval",
        data={
            "child_reference": "C-4411",
            "approved_on": "2025-05-12",
            "placed_on": "2025-05-12",
            "most_appropriate": "y",
            "necessary_now": "y",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "it expires on 1 Sep 2025" in page  # 12 May 2025 + 16 weeks
    assert db.session.get(Case, case.id).temporary_approval.placed_on == D(2025, 5, 12)


def test_a_temporary_approval_without_reg_24_1s_findings_is_refused(officer_client, db):
    case = ready_for_temporary_approval(
        create_referral(referral(), by=None, as_of=TODAY), D(2025, 5, 9)
    )
    page = officer_client.post(
        f"/cases/{case.id}/temporary-approval",
        data={"child_reference": "C-4411", "approved_on": "2025-05-12", "most_appropriate": "y"},
    ).get_data(as_text=True)
    assert "reg 24(1)(b): the finding that the child must be placed before" in page
    assert "reg 24(1)(a)" not in page.split("Not yet:")[1].split("</")[0]
    assert db.session.get(Case, case.id).temporary_approval is None

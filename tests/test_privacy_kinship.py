"""A person with whom a child was placed under reg 24 of the Care Planning, Placement and
Case Review (England) Regulations 2010 (a connected person approved temporarily for a
named child): their records are kept ten years from the day the placement ended
(Fostering Services (England) Regulations 2011, reg 32(2)), whatever became of the full
assessment. Where no child moved in, reg 32(2) does not apply.

The worked example: Margaret Okafor, a grandmother, was approved temporarily on
3 Mar 2025 for her grandson (child reference GS-4471), who moved in that day. Sixteen
weeks on, the approval lapsed on 23 Jun 2025 without an extension; she withdrew from
the full assessment on 14 Jul 2025 (her grandson had gone home). Hearth does not hold the
day he left, only that the placement had ended by the day her case closed, so her
records are kept until 14 Jul 2035 - not ten years from the approval's lapse (the child
can stay on past it), nor the two years of an enquiry that never applied (14 Jul 2027).
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.domain.settings import Settings
from crm.domain.stages import EventKind as K
from crm.extensions import db
from crm.models import CarerType, Case, Household, Placement, Referral, TemporaryApproval
from crm.privacy.services import ErasureRefused, apply_retention, erase_case
from tests.factories import CaseFactory, HouseholdFactory, advance

D = date

LATER = date(2040, 1, 1)


@pytest.fixture
def grandmother(db) -> Case:
    case = advance(
        CaseFactory(
            reference="KIN-GM",
            first_name="Margaret",
            last_name="Okafor",
            carer_type=CarerType.KINSHIP,
            enquiry_date=date(2025, 3, 3),
        ),
        (K.FIRST_CONTACT, date(2025, 3, 3)),
        today=LATER,
    )
    case.temporary_approval = TemporaryApproval(
        child_reference="GS-4471", approved_on=date(2025, 3, 3), placed_on=date(2025, 3, 3)
    )
    db.session.commit()
    return advance(case, (K.WITHDRAWN_BY_APPLICANT, date(2025, 7, 14), "AW3"), today=LATER)


def test_her_request_to_be_erased_is_refused_until_ten_years_after_the_placement_ended(
    admin_client, grandmother, db
):
    response = admin_client.post(
        f"/privacy/case/{grandmother.id}/erase",
        data={"reason": "Asked by letter, identity checked", "confirm": "y"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "approved temporarily as a foster carer for a named child on 3 Mar 2025" in page
    assert "reg. 24" in page and "reg. 32(2)" in page and "until 14 Jul 2035" in page
    assert db.session.get(Case, grandmother.id) is not None


def test_she_can_be_erased_once_the_ten_years_are_up(grandmother, db):
    with pytest.raises(ErasureRefused):
        erase_case(grandmother, "asked", on=date(2035, 7, 13), settings=Settings())
    erase_case(grandmother, "asked", on=date(2035, 7, 14), settings=Settings())
    db.session.commit()
    assert db.session.get(Case, grandmother.id) is None


@pytest.mark.parametrize(
    ("run_on", "anonymised"),
    [
        (date(2027, 7, 15), False),  # an enquiry's two years from closing are up
        (date(2035, 6, 23), False),  # ten years from the approval's lapse: she is still kept
        (date(2035, 7, 13), False),  # a day short of ten years from the placement's end
        (date(2035, 7, 14), True),
    ],
)
def test_the_retention_job_keeps_her_case_for_ten_years_after_the_placement_ended(
    grandmother, db, run_on, anonymised
):
    counts = apply_retention(run_on, Settings())
    db.session.commit()
    assert counts["anonymised"] == int(anonymised)
    assert (grandmother.first_name == "Anonymised") is anonymised


def test_a_child_still_placed_keeps_the_case(admin_client, db):
    case = advance(
        CaseFactory(
            reference="KIN-RUN", carer_type=CarerType.KINSHIP, enquiry_date=date(2026, 11, 2)
        ),
        (K.FIRST_CONTACT, date(2026, 11, 2)),
        today=LATER,
    )
    case.temporary_approval = TemporaryApproval(
        child_reference="GS-9", approved_on=date(2026, 11, 2), placed_on=date(2026, 11, 2)
    )
    db.session.commit()
    with pytest.raises(ErasureRefused, match="the child may still live there"):
        erase_case(case, "asked", on=date(2026, 12, 1), settings=Settings())


def test_with_no_child_placed_the_applicants_rule_applies(db):
    """Approved temporarily, but the child never moved in: reg 32(2) does not apply, so
    the enquiry is kept no longer than any other (here two years from closing)."""
    case = advance(
        CaseFactory(reference="KIN-NONE", carer_type=CarerType.KINSHIP, enquiry_date=D(2025, 3, 3)),
        (K.FIRST_CONTACT, D(2025, 3, 3)),
        today=LATER,
    )
    case.temporary_approval = TemporaryApproval(child_reference="GS-1", approved_on=D(2025, 3, 3))
    db.session.commit()
    advance(case, (K.WITHDRAWN_BY_APPLICANT, D(2025, 7, 14), "AW3"), today=LATER)
    assert apply_retention(D(2027, 7, 15), Settings())["anonymised"] == 1


# Every column that can hold a child's reference, as the schema names them: the test
# walks the schema for them and checks the walk still finds these.
CHILD_COLUMNS = {
    ("households", "temporary_approval_child"),
    ("kinship_referrals", "child_reference"),  # the child a connected person is referred for
    ("placements", "child_reference"),
    ("placements", "exemption_children"),  # the children an exemption names (Sch. 7)
    ("referrals", "child_reference"),
    ("temporary_approvals", "child_reference"),
}


def child_columns() -> dict[tuple[str, str], type]:
    """(table, column) -> model, for each text column named for a child."""
    return {
        (mapper.local_table.name, column.key): mapper.class_
        for mapper in db.Model.registry.mappers
        for column in mapper.columns
        if "child" in column.key and isinstance(column.type, sa.String)
    }


@pytest.fixture
def approved_grandmother(db) -> Household:
    """Margaret's case as it would be had she gone on to full approval: the household
    keeps the child named in the temporary approval, placed throughout; a second child
    was offered to her later."""
    case = advance(
        CaseFactory(reference="KIN-AP", carer_type=CarerType.KINSHIP, enquiry_date=D(2025, 3, 3)),
        (K.FIRST_CONTACT, D(2025, 3, 3)),
        today=LATER,
    )
    case.temporary_approval = TemporaryApproval(
        child_reference="x", approved_on=D(2025, 3, 3), placed_on=D(2025, 3, 3)
    )
    household = HouseholdFactory(reference="KIN-AP", case=case, carer_type=CarerType.KINSHIP)
    household.temporary_approval_date = D(2025, 3, 3)
    household.placements.append(Placement(child_reference="x", start_date=D(2025, 3, 3)))
    household.referrals.append(Referral(offered_on=D(2025, 9, 1), child_age=9))
    db.session.flush()
    for (table, column), model in child_columns().items():
        for n, row in enumerate(db.session.scalars(sa.select(model)), start=1):
            setattr(row, column, f"CHILD-{table}-{n}")
    db.session.commit()
    return household


def test_the_schema_walk_finds_every_column_naming_a_child():
    assert set(child_columns()) == CHILD_COLUMNS


@pytest.mark.parametrize(
    "path",
    [
        "/privacy/household/{household}.json",
        "/privacy/household/{household}.csv",
        "/privacy/household/{household}",
        "/privacy/case/{case}.json",
        "/privacy/case/{case}.csv",
        "/privacy/case/{case}",
    ],
)
def test_no_childs_reference_is_in_any_subject_access_export(
    admin_client, approved_grandmother, path
):
    household = approved_grandmother
    url = path.format(household=household.id, case=household.case_id)
    text = admin_client.get(url).get_data(as_text=True)
    assert "KIN-AP" in text  # the export is of her
    assert "CHILD-" not in text

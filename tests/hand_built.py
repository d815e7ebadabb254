"""A small fostering service whose figures were worked out by hand (tests/test_metrics.py
pins the engine on it; the dashboard tests check the pages show the same).

Period 1 Apr 2024 - 31 Mar 2025, as of 30 Jun 2025, unless a test says otherwise.

Cases (enquiry, then steps):
  A  1 Apr 24 (on `from`; Easter Monday) -> contact 2 Apr, visit 20 Apr, applied 1 May,
     Stage 2 3 Jun, panel 1 Nov, approved 15 Nov 2024
  B  31 Mar 25 (on `to`), never contacted
  C  31 Mar 24 (day before `from`) -> contact 1 Apr, visit 10 Apr, applied 15 Apr,
     Stage 2 1 May 2024, panel 31 Mar 25 (on `to`), approved 10 Apr 25 (after `to`)
  D  3 Jun 24 -> contact 10 Jun (5 working days), withdrawn by applicant 15 Apr 25
  E  2 Sep 24 -> contact 3 Sep, visit 20 Sep, applied 1 Oct, on hold 1 Nov 24 (still)
  F  6 Jan 25 -> contact same day, visit 20 Jan, applied 30 Apr 25, a call 20 Jun 25
  G  1 Jul 24 -> contact 2 Jul, withdrawn by service 1 Aug 24
  H  1 May 24 -> contact 2 May, visit 10 May, applied 3 Jun, Stage 2 1 Jul,
     panel 10 Jan 25, rejected 10 Jan 25

Households (approved; places; placements; breaks):
  HA  from case A, 15 Nov 24; 2 places; a child since 1 Jan 25
  HC  from case C, 10 Apr 25; 1 place
  L1  1 Jan 20; 3 places; deregistered 1 Apr 24 (on `from`)
  L2  1 May 19; 1 place; a child since 1 Jun 23; on a break since 1 Mar 25
  L3  1 Jan 18; 2 places; on a break since 20 Mar 25
  L4  31 Mar 25 (on `to`); 1 place
  L5  1 Jan 22; 2 places; a child 1 Sep 24 - 31 Mar 25; deregistered 1 May 25

Kinship (family and friends) additions, used by `build_kinship` only:
  KA  case: enquiry 1 May 24 -> contact 2 May, visit 5 May, applied 10 May, Stage 2
      1 Jun, on hold 1-11 Aug, panel 1 Oct (deferred), panel again 5 Nov, approved
      20 Nov 24 (194 days from application); household KA, 1 place, a child since 1 Dec 24
  LK  household: approved 1 Jan 22; 1 place; left 1 Sep 24 because a special
      guardianship order was made (a good outcome, not a carer lost)
  KB  case: enquiry 6 Jan 25 -> contact 7 Jan, visit 13 Jan, applied 20 Jan 25, still
      in Stage 1; temporarily approved (reg 24) 1 Feb 25 for child C10, who moved in
      that day; 16 weeks take it to 24 May 25; extended on 20 May 25 by Pat Nominated
      to 19 Jul 25 (the 8-week maximum), the panel's views sought 14 May and the IRO
      informed 15 May 25 (reg 25(4)); a call on 20 Jun 25
  and HA (mainstream) has 1 of its 2 places not available from 1 Feb 25: its child
      C1 needs to be the only child placed
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from crm.cases.services import approve_case
from crm.domain.stages import EventKind
from crm.models import (
    ActivityKind,
    ApprovalTerms,
    CarerType,
    DeregistrationReason,
    Household,
    HouseholdBreak,
    InitiatedBy,
    Placement,
    TemporaryApproval,
    UnavailableBecause,
)
from tests.factories import CaseFactory, HouseholdFactory, advance

K = EventKind
D = date
FROM, TO, AS_OF = D(2024, 4, 1), D(2025, 3, 31), D(2025, 6, 30)
LATER = D(2030, 1, 1)

#: The period's counts, worked by hand from the list above (kinship additions apart).
COUNTS = {
    "enquiries": 7,
    "first_contacts": 7,
    "initial_visits": 5,
    "applications": 4,
    "approvals": 1,
    "withdrawn_by_applicant": 0,
    "withdrawn_by_service": 1,
    "rejected": 1,
    "deregistrations": 1,
}


def case(ref, enquired, *steps):
    return advance(CaseFactory(reference=ref, enquiry_date=enquired), *steps, today=LATER)


def approve(c, on, places):
    household = approve_case(c, on, None, places=places, as_of=LATER)
    return household


def legacy(ref, approved, places, deregistered=None):
    household = HouseholdFactory(
        reference=ref,
        approval_date=approved,
        terms_history=[ApprovalTerms(effective_from=approved, places=places)],
    )
    if deregistered:
        household.deregister(deregistered, DeregistrationReason.RETIREMENT, InitiatedBy.CARER)
    return household


def build_service(db) -> None:
    """The hand-built service this module's docstring describes."""
    a = case(
        "A",
        D(2024, 4, 1),
        (K.FIRST_CONTACT, D(2024, 4, 2)),
        (K.INITIAL_VISIT, D(2024, 4, 20)),
        (K.APPLICATION, D(2024, 5, 1)),
        (K.STAGE2_START, D(2024, 6, 3)),
        (K.PANEL, D(2024, 11, 1)),
    )
    ha = approve(a, D(2024, 11, 15), 2)
    ha.placements.append(Placement(child_reference="C1", start_date=D(2025, 1, 1)))
    case("B", D(2025, 3, 31))
    c = case(
        "C",
        D(2024, 3, 31),
        (K.FIRST_CONTACT, D(2024, 4, 1)),
        (K.INITIAL_VISIT, D(2024, 4, 10)),
        (K.APPLICATION, D(2024, 4, 15)),
        (K.STAGE2_START, D(2024, 5, 1)),
        (K.PANEL, D(2025, 3, 31)),
    )
    approve(c, D(2025, 4, 10), 1)
    case(
        "D",
        D(2024, 6, 3),
        (K.FIRST_CONTACT, D(2024, 6, 10)),
        (K.WITHDRAWN_BY_APPLICANT, D(2025, 4, 15), "AW1"),
    )
    case(
        "E",
        D(2024, 9, 2),
        (K.FIRST_CONTACT, D(2024, 9, 3)),
        (K.INITIAL_VISIT, D(2024, 9, 20)),
        (K.APPLICATION, D(2024, 10, 1)),
        (K.ON_HOLD, D(2024, 11, 1)),
    )
    f = case(
        "F",
        D(2025, 1, 6),
        (K.FIRST_CONTACT, D(2025, 1, 6)),
        (K.INITIAL_VISIT, D(2025, 1, 20)),
        (K.APPLICATION, D(2025, 4, 30)),
    )
    f.log_activity(ActivityKind.CALL, D(2025, 6, 20), None)
    case(
        "G",
        D(2024, 7, 1),
        (K.FIRST_CONTACT, D(2024, 7, 2)),
        (K.WITHDRAWN_BY_SERVICE, D(2024, 8, 1), "no_contact"),
    )
    case(
        "H",
        D(2024, 5, 1),
        (K.FIRST_CONTACT, D(2024, 5, 2)),
        (K.INITIAL_VISIT, D(2024, 5, 10)),
        (K.APPLICATION, D(2024, 6, 3)),
        (K.STAGE2_START, D(2024, 7, 1)),
        (K.PANEL, D(2025, 1, 10)),
        (K.REJECTED, D(2025, 1, 10)),
    )
    legacy("L1", D(2020, 1, 1), 3, deregistered=D(2024, 4, 1))
    l2 = legacy("L2", D(2019, 5, 1), 1)
    l2.placements.append(Placement(child_reference="C2", start_date=D(2023, 6, 1)))
    l2.breaks.append(HouseholdBreak(start_date=D(2025, 3, 1)))
    l3 = legacy("L3", D(2018, 1, 1), 2)
    l3.breaks.append(HouseholdBreak(start_date=D(2025, 3, 20)))
    legacy("L4", D(2025, 3, 31), 1)
    l5 = legacy("L5", D(2022, 1, 1), 2, deregistered=D(2025, 5, 1))
    l5.placements.append(
        Placement(child_reference="C3", start_date=D(2024, 9, 1), end_date=D(2025, 3, 31))
    )
    db.session.commit()


def build_kinship(db) -> None:
    """The kinship additions listed in this module's docstring."""
    ka = advance(
        CaseFactory(reference="KA", enquiry_date=D(2024, 5, 1), carer_type=CarerType.KINSHIP),
        (K.FIRST_CONTACT, D(2024, 5, 2)),
        (K.INITIAL_VISIT, D(2024, 5, 5)),
        (K.APPLICATION, D(2024, 5, 10)),
        (K.STAGE2_START, D(2024, 6, 1)),
        (K.ON_HOLD, D(2024, 8, 1)),
        (K.RESUMED, D(2024, 8, 11)),
        (K.PANEL, D(2024, 10, 1)),
        (K.PANEL, D(2024, 11, 5)),
        today=LATER,
    )
    household = approve(ka, D(2024, 11, 20), 1)
    household.placements.append(Placement(child_reference="C9", start_date=D(2024, 12, 1)))
    kb = advance(
        CaseFactory(reference="KB", enquiry_date=D(2025, 1, 6), carer_type=CarerType.KINSHIP),
        (K.FIRST_CONTACT, D(2025, 1, 7)),
        (K.INITIAL_VISIT, D(2025, 1, 13)),
        (K.APPLICATION, D(2025, 1, 20)),
        today=LATER,
    )
    kb.temporary_approval = TemporaryApproval(
        child_reference="C10", approved_on=D(2025, 2, 1), placed_on=D(2025, 2, 1)
    )
    kb.temporary_approval.extend(
        D(2025, 7, 19), "Pat Nominated", D(2025, 5, 20), LATER,
        panel_views_sought_on=D(2025, 5, 14), iro_informed_on=D(2025, 5, 15),
    )  # fmt: skip
    kb.log_activity(ActivityKind.CALL, D(2025, 6, 20), None, note="how is C10 settling")
    ha = db.session.scalar(sa.select(Household).where(Household.reference == "A"))
    ha.mark_places_unavailable(1, UnavailableBecause.CHILD_NEEDS, D(2025, 2, 1), as_of=LATER)
    lk = legacy("LK", D(2022, 1, 1), 1)
    lk.carer_type = CarerType.KINSHIP
    lk.deregister(D(2024, 9, 1), DeregistrationReason.CHILD_STAYS_WITH_CARERS, InitiatedBy.CARER)
    db.session.commit()

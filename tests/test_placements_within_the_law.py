"""Placements within the law (issue 31, item 4), worked by hand as a fostering panel
adviser would: the terms of approval in force on the start day (ages, kind of care,
places), the usual fostering limit of three (Children Act 1989, Sch. 7), an emergency
placement outside the terms (Care Planning Regulations 2010, reg 23) and its clock, an
exemption from the limit, and imported history kept and marked."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.domain.households import HouseholdRuleError
from crm.domain.placements import Emergency, Exemption, PlacementBasis, emergency_ends_on
from crm.extensions import db as _db
from crm.models import Flag, FlagKind, Placement
from jobs.flags import flag_work
from tests.factories import HouseholdFactory, terms
from tests.household_files import event, households, run_events, run_households, smiths

AS_OF = date(2026, 6, 30)
FRIDAY = date(2026, 3, 6)  # a child placed in an emergency on a Friday evening
ENDS = FlagKind.EMERGENCY_PLACEMENT_ENDS


@pytest.fixture
def under_elevens(db, ssw):
    """The Khans: approved since June 2023 for two children aged 0-10, short-term care."""
    return HouseholdFactory(
        approval_date=date(2023, 6, 1),
        supervising_worker=ssw,
        terms_history=terms(2, 0, 10, "short_term"),
    )


@pytest.fixture
def four_places(db, ssw):
    """The Okafors: approved for four children of any age, short-term and long-term."""
    return HouseholdFactory(
        approval_date=date(2023, 6, 1),
        supervising_worker=ssw,
        terms_history=terms(4, 0, 17, "short_term", "long_term"),
    )


def place(household, child, on, age=7, kind="short_term", **kwargs):
    return household.start_placement(child, on, age, as_of=AS_OF, care_kind=kind, **kwargs)


# --- the terms of approval in force on the start day --------------------------------


def test_a_child_older_than_the_terms_allow_is_refused(under_elevens):
    with pytest.raises(HouseholdRuleError, match="Aged 12, where the terms allow ages 0-10"):
        place(under_elevens, "C-12", date(2026, 3, 2), age=12)
    assert under_elevens.placements == []


def test_a_kind_of_care_the_terms_do_not_name_is_refused(db, ssw):
    respite_only = HouseholdFactory(
        approval_date=date(2023, 6, 1), terms_history=terms(1, 0, 17, "respite")
    )
    with pytest.raises(
        HouseholdRuleError,
        match="Long-term / permanent care, where the terms allow respite / short breaks",
    ):
        place(respite_only, "C-LT", date(2026, 3, 2), kind="long_term")


def test_a_placement_counts_a_child_who_arrives_later_in_the_home(db, ssw):
    """One place. Amir's arrival on 1 April is already recorded; Beth, recorded
    afterwards from 1 March with no end, would still be there on 1 April: two children in
    one place. Judged on the start day alone, she fitted."""
    one_place = HouseholdFactory(
        approval_date=date(2023, 6, 1), terms_history=terms(1, 0, 17, "short_term")
    )
    place(one_place, "AMIR", date(2026, 4, 1))
    with pytest.raises(HouseholdRuleError, match="The one approved place is filled on 1 Apr 2026"):
        place(one_place, "BETH", date(2026, 3, 1))


def test_after_a_change_of_terms_the_placement_is_within_them(under_elevens):
    under_elevens.change_terms(
        date(2026, 2, 2), date(2026, 3, 2), 2, 0, 14, ["short_term"], None, carer_agreed=True,
        as_of=AS_OF,
    )  # fmt: skip
    placement = place(under_elevens, "C-12", date(2026, 3, 2), age=12)
    assert (placement.basis, placement.outside_terms) == (PlacementBasis.WITHIN_TERMS, None)


# --- the usual fostering limit (Children Act 1989, Sch. 7) --------------------------


def test_a_fourth_unrelated_child_is_over_the_usual_limit_even_with_four_places(four_places):
    for child in ("C1", "C2", "C3"):
        place(four_places, child, date(2026, 1, 5))
    with pytest.raises(HouseholdRuleError, match="more than the usual fostering limit of 3"):
        place(four_places, "C4", date(2026, 2, 2))
    assert len(four_places.placements) == 3


def test_four_siblings_together_are_within_the_usual_limit(four_places):
    for child in ("S1", "S2", "S3", "S4"):
        placement = place(four_places, child, date(2026, 1, 5), sibling_group="FAM-88")
    assert placement.basis is PlacementBasis.WITHIN_TERMS
    assert len(four_places.placements) == 4


def test_an_exemption_naming_the_child_lets_a_fourth_unrelated_child_be_placed(four_places):
    for child in ("C1", "C2", "C3"):
        place(four_places, child, date(2026, 1, 5))
    exemption = Exemption("Head of Service, Leicestershire", date(2026, 1, 30), "C1, C2, C3, C4")
    placement = place(four_places, "C4", date(2026, 2, 2), exemption=exemption)
    assert placement.basis is PlacementBasis.EXEMPTION
    assert (placement.exemption_granted_by, placement.exemption_granted_on) == (
        "Head of Service, Leicestershire",
        date(2026, 1, 30),
    )
    assert "usual fostering limit" in placement.outside_terms


def test_an_exemption_that_does_not_name_the_child_is_refused(four_places):
    for child in ("C1", "C2", "C3"):
        place(four_places, child, date(2026, 1, 5))
    exemption = Exemption("Head of Service", date(2026, 1, 30), "C1, C2, C3, C9")
    with pytest.raises(HouseholdRuleError, match="does not name C4"):
        place(four_places, "C4", date(2026, 2, 2), exemption=exemption)


# --- an emergency placement outside the terms (reg 23) ------------------------------


def test_six_working_days_from_a_friday_run_to_the_monday_week():
    assert emergency_ends_on(FRIDAY) == date(2026, 3, 16)
    assert emergency_ends_on(date(2026, 12, 24)) == date(2027, 1, 6)  # three bank holidays


def test_an_emergency_placement_outside_the_terms_is_accepted_and_recorded(under_elevens):
    agreed = Emergency("Jo Duty, out-of-hours manager", FRIDAY)
    placement = place(under_elevens, "C-12", FRIDAY, age=12, emergency=agreed)
    assert placement.basis is PlacementBasis.EMERGENCY
    assert (placement.emergency_agreed_by, placement.emergency_agreed_on) == (
        "Jo Duty, out-of-hours manager",
        FRIDAY,
    )
    assert placement.emergency_until == date(2026, 3, 16)
    assert placement.outside_terms == "Aged 12, where the terms allow ages 0-10"


def test_an_emergency_placement_longer_than_six_working_days_is_refused(under_elevens):
    agreed = Emergency("Jo Duty", FRIDAY, until=date(2026, 3, 17))
    with pytest.raises(HouseholdRuleError, match="until 16 Mar 2026 at the latest"):
        place(under_elevens, "C-12", FRIDAY, age=12, emergency=agreed)


def test_an_emergency_does_not_lift_the_usual_limit(four_places):
    for child in ("C1", "C2", "C3"):
        place(four_places, child, date(2026, 1, 5))
    with pytest.raises(HouseholdRuleError, match="need the local authority's exemption"):
        place(four_places, "C4", FRIDAY, emergency=Emergency("Jo Duty", FRIDAY))


def emergency_flags() -> list[Flag]:
    query = sa.select(Flag).where(Flag.kind == ENDS, Flag.cleared_on.is_(None))
    return list(_db.session.scalars(query))


def test_the_emergency_clock_flags_the_worker_on_the_placements_last_day(under_elevens, ssw):
    place(under_elevens, "C-12", FRIDAY, age=12, emergency=Emergency("Jo Duty", FRIDAY))
    _db.session.commit()
    flag_work(date(2026, 3, 15))
    assert emergency_flags() == []
    flag_work(date(2026, 3, 16))
    [flag] = emergency_flags()
    assert (flag.household_id, flag.owner_id, flag.raised_on) == (
        under_elevens.id,
        ssw.id,
        date(2026, 3, 16),
    )
    assert "C-12's emergency placement" in flag.reason
    assert "may run until 16 Mar 2026" in flag.reason  # dates the UK way, as every page


def test_the_emergency_clock_is_quiet_once_the_terms_are_amended_to_fit(under_elevens):
    place(under_elevens, "C-12", FRIDAY, age=12, emergency=Emergency("Jo Duty", FRIDAY))
    under_elevens.change_terms(
        date(2026, 3, 10), date(2026, 3, 12), 2, 0, 14, ["short_term"], None,
        carer_agreed=True, as_of=AS_OF,
    )  # fmt: skip
    _db.session.commit()
    flag_work(date(2026, 3, 16))
    assert emergency_flags() == []


# --- the page: refused on the form, keeping what was typed; then as an emergency ----


def test_the_form_refuses_outside_the_terms_keeps_what_was_typed_then_takes_an_emergency(
    ssw_client, under_elevens
):
    typed = {"child_reference": "C-TWELVE", "on": "2026-03-06", "child_age": "12"}
    typed["care_kind"] = "short_term"
    refused = ssw_client.post(f"/households/{under_elevens.id}/placements", data=typed)
    assert refused.status_code == 400
    assert b"Aged 12, where the terms allow ages 0-10" in refused.data
    assert b'value="C-TWELVE"' in refused.data and b'value="12"' in refused.data
    typed |= {"emergency_agreed_by": "Jo Duty", "emergency_agreed_on": "2026-03-06"}
    accepted = ssw_client.post(f"/households/{under_elevens.id}/placements", data=typed)
    assert accepted.status_code == 302
    [placement] = _db.session.scalars(sa.select(Placement)).all()
    assert (placement.basis, placement.emergency_until) == (
        PlacementBasis.EMERGENCY,
        date(2026, 3, 16),
    )
    page = ssw_client.get(f"/households/{under_elevens.id}").get_data(as_text=True)
    assert "Agreed by Jo Duty on 6 Mar 2026, until 16 Mar 2026" in page
    assert "C-TWELVE · Emergency placement outside the terms (reg 23)" in page  # timeline


# --- imported history: kept and marked, never refused -------------------------------


def test_an_imported_placement_past_the_places_is_kept_and_marked(
    db, ssw, households_file, events_file
):
    run_households(households_file(smiths(ssw)))  # two places
    _db.session.commit()
    rows = [event("2024-01-01", "placement_start", child_reference=f"C{n}") for n in range(3)]
    result = run_events(events_file(*rows))
    assert (result.errors, result.created) == ([], 3)
    [warning] = result.warnings
    assert (warning.row, warning.column) == (4, "child_reference")
    assert "kept, marked outside the terms" in warning.assumed
    _db.session.commit()
    bases = {p.child_reference: p.basis for p in households(db)["HH-1"].placements}
    assert bases == {
        "C0": PlacementBasis.WITHIN_TERMS,
        "C1": PlacementBasis.WITHIN_TERMS,
        "C2": PlacementBasis.IMPORTED_OUTSIDE_TERMS,
    }

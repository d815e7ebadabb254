"""Places not available though the household is not on a break: a placed child's needs
or the carers' circumstances, with a reason and dates, so vacancies are not overstated
(domain.md: approved = filled + vacant + not available)."""

from __future__ import annotations

from datetime import date

import pytest

from crm.domain.households import HouseholdRuleError
from crm.metrics.places import places_by_household
from crm.models import ApprovalTerms, Placement, UnavailableBecause
from tests.factories import HouseholdFactory

AS_OF = date(2030, 1, 1)


@pytest.fixture
def three_places(db):
    """3 places; a child since 1 Mar 2025 who needs to be the only other child from
    1 Apr to 30 Jun 2025 (1 place not available)."""
    household = HouseholdFactory(
        approval_date=date(2024, 1, 1),
        terms_history=[ApprovalTerms(effective_from=date(2024, 1, 1), places=3)],
    )
    household.placements.append(Placement(child_reference="C1", start_date=date(2025, 3, 1)))
    household.mark_places_unavailable(
        1, UnavailableBecause.CHILD_NEEDS, date(2025, 4, 1), date(2025, 7, 1), as_of=AS_OF
    )
    db.session.flush()
    return household


def places(household, day):
    return places_by_household(day, only=[household.id])[household.id]


def test_an_unavailable_place_is_not_counted_as_vacant(three_places):
    found = places(three_places, date(2025, 5, 1))
    assert (found.approved, found.filled, found.vacant, found.not_available) == (3, 1, 1, 1)


def test_before_and_after_its_dates_the_place_is_vacant_again(three_places):
    for day in (date(2025, 3, 31), date(2025, 7, 1)):
        assert places(three_places, day).vacant == 2


def test_a_break_makes_every_unfilled_place_unavailable_whatever_else_is_marked(
    three_places,
):
    three_places.start_break(date(2025, 5, 1), "Carer's operation", as_of=AS_OF)
    found = places(three_places, date(2025, 5, 2))
    assert (found.vacant, found.not_available) == (0, 2)


def test_never_more_places_unavailable_than_approved(three_places):
    with pytest.raises(HouseholdRuleError, match="approved for 3 places"):
        three_places.mark_places_unavailable(
            3, UnavailableBecause.CARER_CIRCUMSTANCES, date(2025, 5, 1), as_of=AS_OF
        )


def test_a_worker_marks_places_not_available_from_the_household_page(
    ssw_client, ssw, three_places, db
):
    three_places.supervising_worker = ssw
    db.session.commit()
    response = ssw_client.post(
        f"/households/{three_places.id}/unavailable",
        data={
            "places": "1",
            "because": "carer_circumstances",
            "on": "2025-08-01",
            "note": "Carer's mother moving in",
        },
    )
    assert response.status_code == 302
    db.session.refresh(three_places)
    assert [u.because for u in three_places.unavailable] == [
        UnavailableBecause.CHILD_NEEDS,
        UnavailableBecause.CARER_CIRCUMSTANCES,
    ]

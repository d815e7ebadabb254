"""A panel adviser's review of the sufficiency gap (issue 31, item 5): a kinship
carer's vacant place is kept for the child named in their approval, so it could take
no other child in kinship care.

The day: 31 May 2026. The Greens, connected persons for their grandchildren, approved
since 1 June 2023 for 2 places, ages 0-17 (terms naming the children, Fostering Services
(England) Regulations 2011 reg 27(5)(a)). Their granddaughter, born 3 Mar 2019, has been
with them since 1 Dec 2023 (7 on the day: 5 to 9); her brother went home to his mother in
April, so one place is vacant. The children's system counts 2 children aged 5 to 9 in
kinship care.

  kinship, 5 to 9:  2 children - 1 filled (the granddaughter) - 0 vacant that could
                    take them (the Greens' vacant place is their grandson's) = 1 short;
  kinship service:  2 places, each once: 1 filled + 1 vacant.

Counting the vacant place as one any kinship child of 5 to 9 could take made the band
look met (2 - 1 - 1 = 0) while a child in kinship care had no carer of the service's.
"""

from __future__ import annotations

from datetime import date

import pytest

from crm.domain.sufficiency import AgeBand, Need, PlacementType
from crm.metrics.sufficiency import sufficiency_for
from crm.models import CarerType, DemandCount
from tests.factories import HouseholdFactory, terms

MAY = date(2026, 5, 1)
TODAY = date(2026, 6, 30)


@pytest.fixture
def kinship(db):
    greens = HouseholdFactory(
        reference="GREEN", carer_type=CarerType.KINSHIP, terms_history=terms(2, 0, 17, "long_term")
    )
    greens.start_placement("G-1", date(2023, 12, 1), as_of=TODAY, child_birth_date=date(2019, 3, 3))
    db.session.add(
        DemandCount(
            month=MAY,
            age_band=AgeBand.AGED_5_TO_9,
            placement_type=PlacementType.KINSHIP,
            need=Need.ALL,
            children=2,
        )
    )
    db.session.commit()
    return sufficiency_for(MAY).kinship


def test_a_kinship_carers_vacant_place_could_take_no_other_child(kinship):
    band = {r.label: r for r in kinship.by_band}["5 to 9"]
    assert (band.fostered, band.filled, band.vacant, band.gap) == (2, 1, 0, 1)


def test_the_kinship_service_row_still_counts_the_vacant_place_once(kinship):
    s = kinship.service
    assert (s.filled, s.vacant, s.places) == (1, 1, 2)

"""The demo council's demand profile: two years of monthly counts of the children it looks
after, as its children's system would export them.

Fostered children with in-house carers are the demo's own filled places at each month's
end, so the sufficiency page and the capacity page agree. The rest follow the source
documents and the DfE's children looked after statistics, roughly: an in-house share
of fostered children near Leicestershire's 55%, agencies taking more of the older
children, about one child in eight in residential care, kinship beside them, and the
needs at the rates below. Nothing measured on them says anything about real children.
"""

from __future__ import annotations

import random
from datetime import date

from crm.domain.sufficiency import AgeBand, Need, PlacementType
from crm.extensions import db
from crm.metrics.places import places_on
from crm.metrics.sufficiency import month_end
from crm.models import DemandCount

#: Share of fostered children in each band (DfE, children looked after, roughly).
BAND_SHARE = {
    AgeBand.UNDER_1: 0.05,
    AgeBand.AGED_1_TO_4: 0.14,
    AgeBand.AGED_5_TO_9: 0.19,
    AgeBand.AGED_10_TO_15: 0.39,
    AgeBand.AGED_16_PLUS: 0.23,
}
#: Agency children for each in-house child in the band: agencies take more teenagers.
AGENCY_RATIO = {
    AgeBand.UNDER_1: 0.4,
    AgeBand.AGED_1_TO_4: 0.5,
    AgeBand.AGED_5_TO_9: 0.7,
    AgeBand.AGED_10_TO_15: 1.1,
    AgeBand.AGED_16_PLUS: 1.0,
}
#: Residential and kinship children for each fostered child in the band.
RESIDENTIAL_RATIO = {
    band: 0.0 if band.ages[1] < 5 else 0.05 if band.ages[1] < 10 else 0.25 for band in AgeBand
}
KINSHIP_RATIO = 0.3
#: Share of the band's children with each need.
NEED_SHARE = {
    Need.SIBLING_GROUP: 0.3,
    Need.DISABILITY: 0.08,
    Need.PARENT_AND_CHILD: 0.0,
    Need.UASC: 0.0,
}
UASC_16_PLUS = 0.3
PARENT_AND_CHILD_UNDER_1 = 0.15


def _months(today: date, count: int) -> list[date]:
    first = today.year * 12 + today.month - 1
    return [date((first - back) // 12, (first - back) % 12 + 1, 1) for back in range(count, 0, -1)]


def _needs(rng: random.Random, band: AgeBand, children: int) -> dict[Need, int]:
    shares = dict(NEED_SHARE)
    if band is AgeBand.AGED_16_PLUS:
        shares[Need.UASC] = UASC_16_PLUS
    if band is AgeBand.UNDER_1:
        shares[Need.PARENT_AND_CHILD] = PARENT_AND_CHILD_UNDER_1
    return {need: round(children * share * rng.uniform(0.8, 1.2)) for need, share in shares.items()}


def generate_demand(rng: random.Random, today: date, months: int = 24) -> int:
    """Add the demand profile for the months before this one; the number of counts."""
    added = 0
    for month in _months(today, months):
        in_house_total = places_on(month_end(month)).filled
        for band, share in BAND_SHARE.items():
            in_house = round(in_house_total * share)
            agency = round(in_house * AGENCY_RATIO[band] * rng.uniform(0.85, 1.15))
            fostered = in_house + agency
            counts = {
                PlacementType.IN_HOUSE_FOSTER: {Need.ALL: in_house},
                PlacementType.AGENCY_FOSTER: {Need.ALL: agency},
                PlacementType.RESIDENTIAL: {Need.ALL: round(fostered * RESIDENTIAL_RATIO[band])},
                PlacementType.KINSHIP: {Need.ALL: round(fostered * KINSHIP_RATIO)},
            }
            for kind in (PlacementType.IN_HOUSE_FOSTER, PlacementType.AGENCY_FOSTER):
                total = counts[kind][Need.ALL]
                counts[kind].update(
                    {need: min(n, total) for need, n in _needs(rng, band, total).items()}
                )
            for kind, by_need in counts.items():
                for need, children in by_need.items():
                    db.session.add(
                        DemandCount(
                            month=month,
                            age_band=band,
                            placement_type=kind,
                            need=need,
                            children=children,
                        )
                    )
                    added += 1
    return added

"""A household's placement stability: how its placements ended, planned or not.

A disruption (an unplanned ending) is a known reason carers leave and a child's
worst outcome short of harm; the household page shows each household's record, the
service's figures are in crm.metrics.stability, and the retention model reads the
same counts (jobs.retention.features: "in the last 12 months" is the 365 days up to
and including the day, as here).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from crm.domain.household_vocabulary import PlacementEnding

YEAR = timedelta(days=365)


class EndedPlacement(Protocol):
    end_date: date | None
    ending: PlacementEnding | None


@dataclass(frozen=True)
class Stability:
    planned: int = 0
    disruptions: int = 0
    ending_not_recorded: int = 0
    disruptions_12m: int = 0
    planned_12m: int = 0

    @property
    def ended(self) -> int:
        return self.planned + self.disruptions + self.ending_not_recorded


def stability_on(placements: Iterable[EndedPlacement], on: date) -> Stability:
    """How the placements that had ended by `on` (on it included) ended, ever and in the
    last 12 months (ended after `on` less 365 days)."""
    counts = dict.fromkeys(
        ("planned", "disruptions", "ending_not_recorded", "disruptions_12m", "planned_12m"), 0
    )
    for placement in placements:
        if placement.end_date is None or placement.end_date > on:
            continue
        recent = placement.end_date > on - YEAR
        if placement.ending is PlacementEnding.DISRUPTION:
            counts["disruptions"] += 1
            counts["disruptions_12m"] += recent
        elif placement.ending is PlacementEnding.PLANNED:
            counts["planned"] += 1
            counts["planned_12m"] += recent
        else:
            counts["ending_not_recorded"] += 1
    return Stability(**counts)

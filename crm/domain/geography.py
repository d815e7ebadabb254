"""Where people live, as matching weighs it: a postcode's district, and how far apart
two districts are.

A council loads the centroid (latitude and longitude) of each postcode district once,
from the ONS's open data (the postcode directory, averaged per outward code); Hearth
never geocodes a full address. With centroids, a distance in kilometres (haversine, on
the Earth's mean radius); without them, only "the same district" can be judged, and a
different district is "distance not known", never "far". A household with no postcode
is "where they live is not recorded", never "outside the area".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

#: The outward code's district: LE2, LE67, SW1A, B1.
_DISTRICT = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?")
#: The Earth's mean radius (IUGG), in kilometres.
EARTH_RADIUS_KM = 6371.0088

Centroids = Mapping[str, tuple[float, float]]


def district(postcode: str | None) -> str | None:
    """The outward code's district ("LE2" of "LE2 7AB"), or None."""
    if not postcode or not postcode.strip():
        return None
    written = postcode.upper().split()
    outward = written[0] if len(written) > 1 else written[0][:-3] or written[0]
    return outward if _DISTRICT.fullmatch(outward) else None


def is_district(text: str) -> bool:
    return bool(_DISTRICT.fullmatch(text.strip().upper()))


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance between two (latitude, longitude) points, in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Distance:
    """How far a household lives from a place (a child's home or school district)."""

    theirs: str | None  # the household's district; None: not recorded
    same: bool = False
    km: float | None = None  # None: not known (no postcode, or no centroid)

    @property
    def recorded(self) -> bool:
        return self.theirs is not None

    @property
    def order(self) -> tuple[int, float]:
        """Nearest first: the same district, then by km, then a district whose distance
        is not known, then a household whose postcode is not recorded."""
        if self.same:
            return (0, 0.0)
        if self.km is not None:
            return (0, self.km)
        return (1, 0.0) if self.recorded else (2, 0.0)


def distance(postcode: str | None, to: str, centroids: Centroids) -> Distance:
    """How far a household at `postcode` lives from the district `to`."""
    theirs = district(postcode)
    if theirs is None:
        return Distance(None)
    if theirs == to:
        return Distance(theirs, same=True, km=0.0)
    if theirs in centroids and to in centroids:
        return Distance(theirs, km=haversine_km(centroids[theirs], centroids[to]))
    return Distance(theirs)

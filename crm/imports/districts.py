"""Load the centroids of postcode districts, once, from the ONS's open data.

The file (CSV or XLSX) has three columns, exact names:
    district, latitude, longitude
one row per postcode district (its outward code: LE2, LE67, SW1A), the latitude and
longitude of its centre in decimal degrees (WGS84), as the ONS Postcode Directory
averaged over the district's postcodes gives them. Every row is checked first; one
bad row keeps nothing. A district already loaded is replaced by the file's.
"""

from __future__ import annotations

import math

import sqlalchemy as sa

from crm.domain.geography import is_district
from crm.extensions import db
from crm.imports.reading import CellProblem, RowError, Table, check_headers
from crm.models import PostcodeDistrict

COLUMNS = ["district", "latitude", "longitude"]
#: Where the United Kingdom's postcodes lie (with the Channel Islands and Shetland).
LATITUDES, LONGITUDES = (49.0, 61.0), (-9.0, 2.5)


def _degrees(cells: dict[str, str], column: str, bounds: tuple[float, float]) -> float:
    text = cells.get(column, "")
    try:
        value = float(text)
    except ValueError:
        raise CellProblem(column, f"a number in decimal degrees, not {text!r}") from None
    if not math.isfinite(value) or not bounds[0] <= value <= bounds[1]:
        raise CellProblem(
            column, f"{text} is not in the United Kingdom ({bounds[0]} to {bounds[1]})"
        )
    return value


def _parse(cells: dict[str, str]) -> tuple[str, float, float]:
    found = cells.get("district", "").strip().upper()
    if not is_district(found):
        raise CellProblem("district", f"not a postcode district (such as LE2): {found!r}")
    return (
        found,
        _degrees(cells, "latitude", LATITUDES),
        _degrees(cells, "longitude", LONGITUDES),
    )


def load_districts(table: Table) -> tuple[int, list[RowError]]:
    """Every row checked, then all written or none: (districts loaded, errors).
    Does not commit."""
    check_headers(table.headers, COLUMNS, COLUMNS)
    found: dict[str, tuple[float, float]] = {}
    seen: dict[str, int] = {}
    errors: list[RowError] = []
    for number, cells in enumerate(table.rows, start=2):
        try:
            district, lat, lon = _parse(cells)
            if district in seen:
                raise CellProblem("district", f"{district} repeats row {seen[district]}")
        except CellProblem as problem:
            errors.append(RowError(number, problem.column, problem.reason))
            continue
        seen[district] = number
        found[district] = (lat, lon)
    if errors:
        return 0, errors
    if found:
        db.session.execute(
            sa.delete(PostcodeDistrict).where(PostcodeDistrict.district.in_(list(found)))
        )
        db.session.add_all(
            PostcodeDistrict(district=d, latitude=lat, longitude=lon)
            for d, (lat, lon) in found.items()
        )
    return len(found), errors

"""The centre of each postcode district, loaded once by a council from the ONS's open
data (`flask places load-districts`), so matching can say how far apart two districts
are (crm.domain.geography)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db


class PostcodeDistrict(db.Model):
    """Reference data, not anyone's record: no personal data."""

    __tablename__ = "postcode_districts"

    district: Mapped[str] = mapped_column(sa.String(4), primary_key=True)
    latitude: Mapped[float]
    longitude: Mapped[float]

    @classmethod
    def centroids(cls, districts: set[str]) -> dict[str, tuple[float, float]]:
        """The loaded centroids of these districts (those not loaded are left out)."""
        if not districts:
            return {}
        rows = db.session.execute(
            sa.select(cls.district, cls.latitude, cls.longitude).where(
                cls.district.in_(sorted(districts))
            )
        )
        return {d: (lat, lon) for d, lat, lon in rows}

"""Who a person is (special category data), the same columns for a carer and for an
applicant, so the applicant's answers become the carer's when the household is approved."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.domain.characteristics import Disability, Ethnicity, Religion, Sex
from crm.models.types import enum_column


class Characteristics:
    """Optional; kept off every page but the characteristics pages, and out of the audit
    log's before-and-after (it says they changed, not to what); the person's own subject
    access export includes them."""

    sex: Mapped[Sex | None] = mapped_column(enum_column(Sex, 20))
    ethnicity: Mapped[Ethnicity | None] = mapped_column(enum_column(Ethnicity, 20))
    religion: Mapped[Religion | None] = mapped_column(enum_column(Religion, 20))
    languages: Mapped[str | None] = mapped_column(sa.String(200))
    disability: Mapped[Disability | None] = mapped_column(enum_column(Disability, 20))

    CHARACTERISTICS = ("sex", "ethnicity", "religion", "languages", "disability")
    __special_category__ = frozenset(CHARACTERISTICS)

    def characteristics(self) -> dict:
        return {name: getattr(self, name, None) for name in self.CHARACTERISTICS}

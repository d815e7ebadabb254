"""A connected person's temporary approval for a named child (Care Planning
Regulations 2010, reg 24), with its one extension (reg 25). Part of the case
aggregate: the full assessment runs alongside on the same case; the rules are
in crm.domain.kinship."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.domain import kinship as rules
from crm.extensions import db
from crm.models.case import Case
from crm.models.household import Household
from crm.models.user import Role, User
from crm.timeutil import utcnow


class TemporaryApproval(db.Model):
    __tablename__ = "temporary_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    #: The named child (or children), by reference only: their record lives elsewhere.
    child_reference: Mapped[str] = mapped_column(sa.String(80))
    approved_on: Mapped[date]
    #: When the child moved in, while the temporary approval ran (none: not yet).
    placed_on: Mapped[date | None]
    extended_until: Mapped[date | None]
    extended_on: Mapped[date | None]
    nominated_officer: Mapped[str | None] = mapped_column(sa.String(120))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    #: The child is a third party: a subject access export withholds who they are.
    __export_withhold__ = frozenset({"child_reference"})

    case: Mapped[Case] = relationship(back_populates="temporary_approval")
    recorded_by: Mapped[User | None] = relationship()

    @property
    def expires_on(self) -> date:
        return rules.expires_on(self)

    @property
    def first_expiry(self) -> date:
        return rules.first_expiry(self.approved_on)

    @property
    def latest_extension(self) -> date:
        return rules.latest_extension(self.approved_on)

    def child_visible_to(self, user: User) -> bool:
        """Whether `user` may read the named child's reference (domain.kinship)."""
        supervising = db.session.scalar(
            sa.select(Household.supervising_worker_id).where(Household.case_id == self.case_id)
        )
        return rules.may_see_named_child(
            user.id, user.has_role(Role.MANAGER), self.case.assessing_worker_id, supervising
        )

    def extend(self, until: date, officer: str, decided_on: date, as_of: date) -> None:
        """The one extension, by a nominated officer. Does not commit."""
        rules.check_extension(self, until, officer, decided_on, as_of)
        self.extended_until, self.extended_on = until, decided_on
        self.nominated_officer = officer.strip()

    def place_child(self, on: date, as_of: date) -> None:
        """The named child moves in under the temporary approval. Does not commit."""
        rules.check_placed(self, on, as_of)
        self.placed_on = on

"""A visit or meeting booked for a day and time, on an applicant's case or an approved
household, with who attends (crm.domain.bookings holds the rules)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from crm.domain.bookings import (
    CASE_RECORDS,
    HOUSEHOLD_RECORDS,
    BookingKind,
    check_done,
)
from crm.domain.case_vocabulary import ActivityKind
from crm.domain.stages import EventKind
from crm.extensions import db
from crm.models.types import enum_column
from crm.timeutil import utcnow

if TYPE_CHECKING:
    from crm.models.case import Case
    from crm.models.household import Household
    from crm.models.user import User


class Booking(db.Model):
    """Booked for `visit_date` at `start_time`, UK local time (as people say and enter it; the
    calendar invitation says Europe/London), for `minutes`. Done or cancelled once."""

    __tablename__ = "bookings"
    __table_args__ = (
        sa.CheckConstraint("(case_id IS NULL) <> (household_id IS NULL)", name="one_record"),
        sa.Index(
            "ix_bookings_worker_upcoming", "worker_id", "visit_date", "done_on", "cancelled_on"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"), index=True)
    kind: Mapped[BookingKind] = mapped_column(enum_column(BookingKind, 30))
    visit_date: Mapped[date]
    start_time: Mapped[time]
    minutes: Mapped[int] = mapped_column(default=60)
    #: The member of staff who goes (the officer or worker).
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: Who else attends: the applicant(s) or the carers, as the booker wrote it.
    attendees: Mapped[str | None] = mapped_column(sa.Text)
    place: Mapped[str | None] = mapped_column(sa.String(255))
    note: Mapped[str | None] = mapped_column(sa.Text)
    booked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_on: Mapped[date | None]
    cancelled_on: Mapped[date | None]

    # A case or household deleted (erased on request, a duplicate merged away) takes its
    # bookings with it: they name its people.
    case: Mapped[Case | None] = relationship(
        backref=backref("bookings", cascade="all, delete-orphan")
    )
    household: Mapped[Household | None] = relationship(
        backref=backref("bookings", cascade="all, delete-orphan")
    )
    worker: Mapped[User] = relationship(foreign_keys=[worker_id])
    booked_by: Mapped[User | None] = relationship(foreign_keys=[booked_by_id])

    @property
    def starts(self) -> datetime:
        return datetime.combine(self.visit_date, self.start_time)

    @property
    def ends(self) -> datetime:
        return self.starts + timedelta(minutes=self.minutes)

    @property
    def open(self) -> bool:
        return self.done_on is None and self.cancelled_on is None

    @property
    def subject(self) -> str:
        """What it is and with whom, as a calendar names it."""
        record = self.case or self.household
        who = record.display_name
        return f"{self.kind.label}: {who} ({record.reference})"

    def record_done(self, by: User, today: date) -> str:
        """Record what the booking was for as having happened on its day (the case's
        step or activity, the household's visit), and mark it done. Does not commit;
        raises BookingRefused before its day, or TransitionRefused / HouseholdRuleError
        when the record's own rules refuse it. Returns what was recorded, in words."""
        check_done(self.visit_date, today)
        note = self.note or f"Booked {self.kind.label.lower()} ({self.start_time:%H:%M})."
        if self.case is not None:
            made = CASE_RECORDS[self.kind]
            if isinstance(made, EventKind):
                self.case.record_step(made, self.visit_date, by, note=note, as_of=today)
            else:
                self.case.log_activity(ActivityKind(made), self.visit_date, by, note=note)
            label = made.label
        else:
            kind = HOUSEHOLD_RECORDS[self.kind]
            label = self.kind.label
            if kind is not None:
                self.household.log_record(kind, self.visit_date, by, note=note, as_of=today)
                label = kind.label
        self.done_on = today
        return label

"""Bookings still to happen (or to be recorded), for a worker's home and a record's page."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from crm.models import Booking, User
from crm.visibility import names_visible_case

#: How many of a worker's bookings their home page lists at most.
HOME_LIMIT = 15


def _open() -> sa.Select:
    return (
        sa.select(Booking)
        .where(Booking.done_on.is_(None), Booking.cancelled_on.is_(None))
        .options(joinedload(Booking.case), joinedload(Booking.household))
        .order_by(Booking.visit_date, Booking.start_time, Booking.id)
    )


def bookings_of(user: User) -> sa.Select:
    """The user's open bookings, soonest first: those whose day has passed first, as still
    to be recorded as done (or cancelled), then those to come; on cases they may open."""
    return (
        _open()
        .where(
            Booking.worker_id == user.id,
            sa.or_(Booking.case_id.is_(None), names_visible_case(user, Booking.case_id)),
        )
        .limit(HOME_LIMIT)
    )


def bookings_on(*, case_id: int | None = None, household_id: int | None = None) -> sa.Select:
    """A case's or household's open bookings, soonest first."""
    if case_id is not None:
        return _open().where(Booking.case_id == case_id)
    return _open().where(Booking.household_id == household_id)

"""Visits and meetings booked ahead: what may be booked, when, and what recording one as
done records.

An officer books the initial home visit with the enquirer for a day and time to come
(domain.md, step 3: "a worker visits; the household decides whether to apply"); an
assessing worker books Stage 2 sessions; a supervising social worker books supervision
visits (Fostering Services (England) Regulations 2011, reg 17 and NMS 21: regular
recorded visits) and the annual review meeting (reg 28). Nothing is recorded until it
happens: the step, the activity or the household's record is made from the booking
when the worker says it took place, on the day it was booked for. An unannounced visit
(NMS 21.8) is not booked with the carers, so is not offered here.
"""

from __future__ import annotations

from datetime import date, datetime, time

from crm.domain.case_vocabulary import ActivityKind
from crm.domain.household_vocabulary import CarerEventKind
from crm.domain.labelled import LabelledEnum
from crm.domain.stages import EventKind


class BookingKind(LabelledEnum):
    INITIAL_VISIT = "initial_visit", "Initial home visit"
    ASSESSMENT_VISIT = "assessment_visit", "Assessment visit"
    SUPERVISION_VISIT = "supervision_visit", "Supervision visit"
    ANNUAL_REVIEW = "annual_review", "Annual review meeting"
    MEETING = "meeting"


#: What may be booked on an applicant's case, and on an approved household.
CASE_BOOKINGS = (BookingKind.INITIAL_VISIT, BookingKind.ASSESSMENT_VISIT, BookingKind.MEETING)
HOUSEHOLD_BOOKINGS = (
    BookingKind.SUPERVISION_VISIT,
    BookingKind.ANNUAL_REVIEW,
    BookingKind.MEETING,
)

#: What recording a booking as done records on the case: the pipeline's step for the
#: initial visit (which the figures count), else an entry in the activity log.
CASE_RECORDS: dict[BookingKind, EventKind | ActivityKind] = {
    BookingKind.INITIAL_VISIT: EventKind.INITIAL_VISIT,
    BookingKind.ASSESSMENT_VISIT: ActivityKind.VISIT,
    BookingKind.MEETING: ActivityKind.NOTE,
}
#: ... and on a household: a supervision visit counts towards the visits the worker owes
#: (crm.domain.supervision). The annual review's outcome is recorded on its own form.
HOUSEHOLD_RECORDS: dict[BookingKind, CarerEventKind | None] = {
    BookingKind.SUPERVISION_VISIT: CarerEventKind.SUPERVISION_VISIT,
    BookingKind.ANNUAL_REVIEW: None,
    BookingKind.MEETING: None,
}

#: The longest a booking may last, in minutes (a day's assessment session).
LONGEST_MINUTES = 8 * 60


class BookingRefused(ValueError):
    """A booking or its recording refused, with the sentence to show and the field."""

    def __init__(self, message: str, field: str = "visit_date") -> None:
        super().__init__(message)
        self.field = field


def check_booking(on: date, start: time, minutes: int, now: datetime) -> None:
    """A booking is for a time still to come (`now` is UK local time): something that
    has already happened is recorded, not booked (the step form or the activity log)."""
    if datetime.combine(on, start) <= now.replace(tzinfo=None):
        raise BookingRefused(
            f"{_when(on, start)} has already passed: book a visit or meeting for a time "
            "still to come, or record what happened with “Record a step” or the activity log."
        )
    if not 5 <= minutes <= LONGEST_MINUTES:
        raise BookingRefused(
            f"A visit or meeting lasts from 5 minutes to {LONGEST_MINUTES // 60} hours.",
            field="minutes",
        )


def check_done(on: date, today: date) -> None:
    """A booking is recorded as done on or after the day it was booked for, never before:
    the record says it happened on that day."""
    if on > today:
        raise BookingRefused(
            f"This is booked for {_day(on)}: it can be recorded as done from that day."
        )


def _day(on: date) -> str:
    return f"{on.day} {on:%b %Y}"


def _when(on: date, start: time) -> str:
    return f"{_day(on)} at {start:%H:%M}"

"""A booking as a calendar invitation (.ics, RFC 5545) a worker adds to their calendar.

Written with `icalendar` (the Plone/collective project's library, kept up to date and
used by most Python calendar software): it folds long lines, escapes commas and
semicolons in names and addresses, and writes the Europe/London VTIMEZONE, so a visit
booked for 10:00 in summer opens at 10:00 British Summer Time in Outlook or Google
rather than an hour out."""

from __future__ import annotations

from datetime import UTC

from icalendar import Calendar, Event

from crm.models import Booking
from crm.timeutil import UK


def invitation(booking: Booking, host: str) -> bytes:
    """The booking as a one-event calendar; `host` makes its UID unique to this service,
    so a second download of the same booking updates the event rather than adding one."""
    calendar = Calendar()
    calendar.add("prodid", "-//Hearth//Fostering CRM//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"booking-{booking.id}@{host}")
    event.add("dtstamp", booking.booked_at.replace(tzinfo=UTC))
    event.add("dtstart", booking.starts.replace(tzinfo=UK))
    event.add("dtend", booking.ends.replace(tzinfo=UK))
    event.add("summary", booking.subject)
    if booking.place:
        event.add("location", booking.place)
    attending = [f"{booking.worker.full_name} (staff)"]
    if booking.attendees:
        attending.append(booking.attendees)
    description = "Attending: " + "; ".join(attending)
    if booking.note:
        description += "\n" + booking.note
    event.add("description", description)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()

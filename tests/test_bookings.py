"""Visits and meetings booked ahead (issue 32, item 6): an officer books the initial home
visit for next Tuesday at 10:00 with the enquirers; it shows on the officer's home and
on the case; the officer adds it to their calendar; once it has happened, "Record as
done" records the case's initial visit on the day it took place."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from crm.domain.bookings import BookingKind, BookingRefused, check_booking, check_done
from crm.domain.stages import EventKind, Stage
from crm.models import Booking, CarerEvent, CarerEventKind, Case
from crm.timeutil import today

pytestmark = pytest.mark.usefixtures("db")

LONDON = ZoneInfo("Europe/London")


def next_tuesday(after: date) -> date:
    return after + timedelta(days=(1 - after.weekday()) % 7 or 7)


@pytest.fixture
def enquiry(db, officer):
    from tests.factories import CaseFactory

    case = CaseFactory(
        reference="BK-1",
        first_name="Amara",
        last_name="Okafor",
        owner=officer,
        address="12 Elm Road",
        postcode="LE2 3AB",
    )
    case.record_step(EventKind.FIRST_CONTACT, date(2025, 4, 2), officer)
    db.session.commit()
    return case


def book(client, case_id: int, on: date, at: str = "10:00", **fields):
    form = {
        "kind": "initial_visit",
        "visit_date": on.isoformat(),
        "start_time": at,
        "minutes": "90",
        "attendees": "Amara and Chidi Okafor",
        "place": "12 Elm Road, LE2 3AB",
        **fields,
    }
    if "worker" not in form:
        page = client.get(f"/bookings/case/{case_id}/new").get_data(as_text=True)
        form["worker"] = page.split('<option selected value="', 1)[1].split('"', 1)[0]
    return client.post(f"/bookings/case/{case_id}/new", data=form)


def test_a_visit_booked_for_next_tuesday_shows_on_the_officers_home(officer_client, enquiry):
    tuesday = next_tuesday(today())
    assert book(officer_client, enquiry.id, tuesday).status_code == 302
    home = officer_client.get("/cases/mine").get_data(as_text=True)
    assert f"Tue {tuesday.day} {tuesday:%b %Y}, 10:00" in home
    assert "Initial home visit" in home and "BK-1" in home


def test_the_booking_shows_on_the_case_with_who_attends(officer_client, enquiry):
    book(officer_client, enquiry.id, next_tuesday(today()))
    page = officer_client.get(f"/cases/{enquiry.id}").get_data(as_text=True)
    section = page[page.index('id="bookings"') :]
    assert "Olive Officer with Amara and Chidi Okafor" in section
    assert "90 min" in section


def test_booking_does_not_record_the_visit(officer_client, enquiry, db):
    book(officer_client, enquiry.id, next_tuesday(today()))
    assert db.session.get(Case, enquiry.id).initial_visit_date is None


def test_a_booking_in_the_past_is_refused_and_keeps_what_was_typed(officer_client, enquiry, db):
    response = book(officer_client, enquiry.id, today() - timedelta(days=1), attendees="Amara only")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "has already passed" in page and "Record a step" in page
    assert 'value="Amara only"' in page
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0


def test_a_booking_earlier_today_is_refused():
    now = datetime(2026, 12, 7, 14, 0, tzinfo=LONDON)
    with pytest.raises(BookingRefused, match="7 Dec 2026 at 09:30 has already passed"):
        check_booking(date(2026, 12, 7), time(9, 30), 60, now)
    check_booking(date(2026, 12, 7), time(15, 0), 60, now)  # later today: fine


def test_a_booking_cannot_be_recorded_as_done_before_its_day():
    with pytest.raises(BookingRefused, match="booked for 15 Dec 2026"):
        check_done(date(2026, 12, 15), date(2026, 12, 14))


def test_recorded_as_done_the_initial_visit_is_the_cases_step_on_the_booked_day(
    officer_client, enquiry, db, monkeypatch
):
    tuesday = next_tuesday(today())
    book(officer_client, enquiry.id, tuesday)
    booking = db.session.scalars(sa.select(Booking)).one()
    monkeypatch.setattr("crm.bookings.views.today", lambda: tuesday + timedelta(days=1))
    response = officer_client.post(f"/bookings/{booking.id}/done", data={"back": "mine"})
    assert response.status_code == 302 and response.location.endswith("/cases/mine")
    db.session.expire_all()
    case = db.session.get(Case, enquiry.id)
    assert case.initial_visit_date == tuesday
    assert case.stage is Stage.INITIAL_VISIT
    assert db.session.get(Booking, booking.id).done_on == tuesday + timedelta(days=1)


def test_recording_it_before_the_day_records_nothing(officer_client, enquiry, db):
    book(officer_client, enquiry.id, next_tuesday(today()))
    booking = db.session.scalars(sa.select(Booking)).one()
    officer_client.post(f"/bookings/{booking.id}/done")
    db.session.expire_all()
    assert db.session.get(Case, enquiry.id).initial_visit_date is None
    assert db.session.get(Booking, booking.id).done_on is None


def test_a_cancelled_booking_leaves_the_home_page(officer_client, enquiry, db):
    book(officer_client, enquiry.id, next_tuesday(today()))
    booking = db.session.scalars(sa.select(Booking)).one()
    assert 'data-testid="bookings"' in officer_client.get("/cases/mine").get_data(as_text=True)
    officer_client.post(f"/bookings/{booking.id}/cancel")
    assert 'data-testid="bookings"' not in officer_client.get("/cases/mine").get_data(as_text=True)
    assert db.session.get(Booking, booking.id).cancelled_on == today()


def test_the_invitation_is_at_the_booked_uk_time_in_summer_and_winter(db, enquiry, officer):
    from crm.bookings.calendar import invitation

    summer = Booking(
        case=enquiry,
        kind=BookingKind.INITIAL_VISIT,
        visit_date=date(2027, 7, 6),
        start_time=time(10, 0),
        minutes=90,
        worker=officer,
        attendees="Amara Okafor",
        place="12 Elm Road, LE2 3AB",
    )
    winter = Booking(
        case=enquiry,
        kind=BookingKind.INITIAL_VISIT,
        visit_date=date(2027, 1, 12),
        start_time=time(10, 0),
        minutes=60,
        worker=officer,
    )
    db.session.add_all([summer, winter])
    db.session.commit()
    (event,) = Calendar.from_ical(invitation(summer, "hearth.example")).walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.astimezone(ZoneInfo("UTC")).time() == time(9, 0)  # 10:00 BST
    assert event.decoded("dtend") - start == timedelta(minutes=90)
    assert str(event["location"]) == "12 Elm Road, LE2 3AB"
    assert "Olive Officer (staff); Amara Okafor" in str(event["description"])
    (event,) = Calendar.from_ical(invitation(winter, "hearth.example")).walk("VEVENT")
    assert event.decoded("dtstart").astimezone(ZoneInfo("UTC")).time() == time(10, 0)  # GMT


def test_the_invitation_downloads_as_a_calendar_file(officer_client, enquiry, db):
    book(officer_client, enquiry.id, next_tuesday(today()))
    booking = db.session.scalars(sa.select(Booking)).one()
    response = officer_client.get(f"/bookings/{booking.id}/invitation.ics")
    assert response.mimetype == "text/calendar"
    assert b"TZID=Europe/London" in response.data
    assert b"BEGIN:VTIMEZONE" in response.data


def test_a_worker_may_not_book_on_a_case_they_may_not_open(ssw_client, enquiry):
    assert ssw_client.get(f"/bookings/case/{enquiry.id}/new").status_code == 403


def test_a_worker_may_not_see_the_invitation_of_a_case_they_may_not_open(
    officer_client, enquiry, db, ssw
):
    from tests.conftest import login

    book(officer_client, enquiry.id, next_tuesday(today()))
    booking = db.session.scalars(sa.select(Booking)).one()
    login(officer_client, ssw)
    assert officer_client.get(f"/bookings/{booking.id}/invitation.ics").status_code == 403
    assert officer_client.post(f"/bookings/{booking.id}/cancel").status_code == 403


def test_a_supervision_visit_recorded_as_done_counts_as_the_households_visit(
    ssw_client, ssw, db, monkeypatch
):
    from tests.factories import HouseholdFactory

    household = HouseholdFactory(supervising_worker=ssw)
    db.session.commit()
    tuesday = next_tuesday(today())
    page = ssw_client.get(f"/bookings/household/{household.id}/new").get_data(as_text=True)
    assert "Supervision visit" in page and "Initial home visit" not in page
    response = ssw_client.post(
        f"/bookings/household/{household.id}/new",
        data={
            "kind": "supervision_visit",
            "visit_date": tuesday.isoformat(),
            "start_time": "14:30",
            "minutes": "60",
            "worker": str(ssw.id),
        },
    )
    assert response.status_code == 302
    assert f"Tue {tuesday.day} {tuesday:%b %Y}, 14:30" in ssw_client.get(
        "/households/caseload"
    ).get_data(as_text=True)
    booking = db.session.scalars(sa.select(Booking)).one()
    monkeypatch.setattr("crm.bookings.views.today", lambda: tuesday)
    ssw_client.post(f"/bookings/{booking.id}/done")
    visits = db.session.scalars(
        sa.select(CarerEvent).where(
            CarerEvent.household_id == household.id,
            CarerEvent.kind == CarerEventKind.SUPERVISION_VISIT,
        )
    ).all()
    assert [v.occurred_on for v in visits] == [tuesday]


def test_an_officer_may_not_book_on_a_household(officer_client, db):
    from tests.factories import HouseholdFactory

    household = HouseholdFactory()
    db.session.commit()
    assert officer_client.get(f"/bookings/household/{household.id}/new").status_code == 403


def test_another_worker_sees_a_households_booking_but_may_not_change_it(
    ssw_client, ssw, make_user, db
):
    from crm.models import Role
    from tests.factories import HouseholdFactory

    theirs = make_user(Role.SUPERVISING_SOCIAL_WORKER, full_name="Tess Other")
    household = HouseholdFactory(supervising_worker=theirs)
    booking = Booking(
        household=household,
        kind=BookingKind.SUPERVISION_VISIT,
        visit_date=next_tuesday(today()),
        start_time=time(9, 0),
        worker=theirs,
    )
    db.session.add(booking)
    db.session.commit()
    page = ssw_client.get(f"/households/{household.id}").get_data(as_text=True)
    assert "Tess Other" in page and "Cancel booking" not in page
    assert ssw_client.get(f"/bookings/{booking.id}/invitation.ics").status_code == 200
    assert ssw_client.post(f"/bookings/{booking.id}/cancel").status_code == 403

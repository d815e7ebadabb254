"""Booking a visit or meeting on a case or a household, recording it as done, cancelling
it, and its calendar invitation. Whoever may open the case (or change the household)
may book on it; the booking's page is the record's own."""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm import create_once
from crm.auth.access import allow
from crm.auth.services import staff_choices
from crm.bookings import bp
from crm.bookings.calendar import invitation
from crm.bookings.forms import BookingForm
from crm.domain.bookings import (
    CASE_BOOKINGS,
    HOUSEHOLD_BOOKINGS,
    BookingKind,
    BookingRefused,
    check_booking,
)
from crm.domain.households import HouseholdRuleError
from crm.domain.stages import TransitionRefused
from crm.extensions import db
from crm.models import Booking, Case, Household, Role
from crm.timeutil import UK, today
from crm.visibility import may_open_case


def _case_or_403(case_id: int) -> Case:
    case = db.get_or_404(Case, case_id)
    if not may_open_case(current_user, case):
        abort(403)
    return case


def _household_or_403(household_id: int, change: bool = True) -> Household:
    """A household's bookings are read by whoever may open households (its page lists
    them) and made or changed by its worker and managers (as its records are)."""
    household = db.get_or_404(Household, household_id)
    if not current_user.has_role(Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER):
        abort(403)
    if change and not household.may_be_edited_by(current_user):
        abort(403)
    return household


def _booking_or_403(booking_id: int, change: bool = True) -> Booking:
    booking = db.get_or_404(Booking, booking_id)
    if booking.case_id is not None:
        _case_or_403(booking.case_id)
    else:
        _household_or_403(booking.household_id, change)
    return booking


def _page(booking: Booking) -> str:
    if booking.case_id is not None:
        return url_for("cases.show", case_id=booking.case_id) + "#bookings"
    return url_for("households.show", household_id=booking.household_id) + "#bookings"


def _staff(*roles: Role) -> list[tuple[str, str]]:
    staff = dict(pair for role in roles for pair in staff_choices(role))
    staff.setdefault(str(current_user.id), current_user.full_name)
    return sorted(staff.items(), key=lambda pair: pair[1])


@bp.route("/case/<int:case_id>/new", methods=["GET", "POST"])
def book_for_case(case_id: int):
    case = _case_or_403(case_id)
    form = BookingForm()
    form.offer(CASE_BOOKINGS, _staff(Role.RECRUITMENT_OFFICER, Role.SUPERVISING_SOCIAL_WORKER))
    if request.method == "GET":
        form.attendees.data = case.display_name
        form.place.data = ", ".join(filter(None, [case.address, case.postcode]))
    return _book(form, case=case)


@bp.route("/household/<int:household_id>/new", methods=["GET", "POST"])
@allow(Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)
def book_for_household(household_id: int):
    household = _household_or_403(household_id)
    form = BookingForm()
    form.offer(HOUSEHOLD_BOOKINGS, _staff(Role.SUPERVISING_SOCIAL_WORKER))
    if request.method == "GET":
        form.attendees.data = household.display_name
        form.place.data = ", ".join(filter(None, [household.address, household.postcode]))
    return _book(form, household=household)


def _book(form: BookingForm, case: Case | None = None, household: Household | None = None):
    record = case or household
    if request.method == "GET":
        form.worker.data = str(current_user.id)
    if form.validate_on_submit():
        try:
            check_booking(
                form.visit_date.data,
                form.start_time.data,
                form.minutes.data,
                datetime.now(UK),
            )
        except BookingRefused as refused:
            getattr(form, refused.field).errors.append(str(refused))
        else:
            if sent := create_once.already_sent(form):
                return sent
            booking = Booking(
                case=case,
                household=household,
                kind=BookingKind(form.kind.data),
                visit_date=form.visit_date.data,
                start_time=form.start_time.data,
                minutes=form.minutes.data,
                worker_id=int(form.worker.data),
                attendees=form.attendees.data or None,
                place=form.place.data or None,
                note=form.note.data or None,
                booked_by=current_user,
            )
            db.session.add(booking)
            db.session.flush()
            create_once.done(form, _page(booking))
            db.session.commit()
            flash(
                f"{booking.kind.label} booked for {booking.visit_date.day} "
                f"{booking.visit_date:%b %Y} at {booking.start_time:%H:%M}.",
                "success",
            )
            return redirect(_page(booking))
    status = 400 if request.method == "POST" else 200
    return render_template("bookings/new.html", form=form, record=record, case=case), status


@bp.route("/<int:booking_id>/done", methods=["POST"])
def record_done(booking_id: int):
    """The booking took place: what it was for is recorded on its day (the initial
    visit's step, a supervision visit ...), from the booking."""
    booking = _booking_or_403(booking_id)
    back = _back(booking)
    if not booking.open:
        flash("This booking was already recorded or cancelled.", "info")
        return redirect(back)
    try:
        recorded = booking.record_done(current_user, today())
    except (BookingRefused, TransitionRefused, HouseholdRuleError) as refused:
        db.session.rollback()
        flash(str(refused), "warning")
        return redirect(back)
    db.session.commit()
    flash(
        f"{recorded} recorded for {booking.visit_date.day} {booking.visit_date:%b %Y}.", "success"
    )
    return redirect(back)


@bp.route("/<int:booking_id>/cancel", methods=["POST"])
def cancel(booking_id: int):
    booking = _booking_or_403(booking_id)
    if booking.open:
        booking.cancelled_on = today()
        db.session.commit()
        flash(f"{booking.kind.label} cancelled.", "success")
    return redirect(_back(booking))


@bp.route("/<int:booking_id>/invitation.ics")
def calendar_invitation(booking_id: int):
    booking = _booking_or_403(booking_id, change=False)
    return Response(
        invitation(booking, request.host.split(":")[0] or "hearth"),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="booking-{booking.id}.ics"'},
    )


def _back(booking: Booking) -> str:
    """Back to the home page the button was pressed on, else the record's page."""
    if request.form.get("back") == "mine":
        return url_for("cases.my_cases")
    if request.form.get("back") == "caseload":
        return url_for("households.caseload")
    return _page(booking)

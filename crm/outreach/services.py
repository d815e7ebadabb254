"""Queueing messages to applicants and carers: the wording the council set, filled in
for one person, kept on their record, never twice for the same reason, never to
someone who asked for no more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from crm.domain import outreach as rules
from crm.domain.bookings import BookingKind
from crm.domain.outreach import Channel, MessageKind, MessageStatus, Wording
from crm.domain.stages import Stage
from crm.extensions import db
from crm.formatting import uk_date
from crm.models import (
    Activity,
    ActivityKind,
    Case,
    Household,
    MessageOptOut,
    MessageTemplate,
    OutreachMessage,
    OutreachSettings,
)
from crm.models.booking import Booking
from crm.models.setting import load_settings
from crm.timeutil import today

#: Stages before application, where "we haven't heard from you" may be sent.
BEFORE_APPLICATION = (Stage.ENQUIRY, Stage.CONTACTED, Stage.INITIAL_VISIT)


# The council's wording -----------------------------------------------------------


def wording(kind: MessageKind) -> Wording:
    row = db.session.get(MessageTemplate, kind)
    return Wording(row.subject, row.body) if row else rules.DEFAULTS[kind]


def save_wording(kind: MessageKind, subject: str, body: str) -> None:
    """Store the council's wording (checked by the form with rules.template_problems).
    Does not commit."""
    row = db.session.get(MessageTemplate, kind)
    if row is None:
        db.session.add(MessageTemplate(kind=kind, subject=subject, body=body))
    else:
        row.subject, row.body = subject, body


@dataclass(frozen=True)
class Signature:
    council_name: str
    team_phone: str


def signature() -> Signature:
    row = db.session.get(OutreachSettings, 1)
    config = current_app.config
    if row is not None:
        return Signature(row.council_name, row.team_phone or "")
    return Signature(
        config.get("COUNCIL_NAME") or "The council", config.get("FOSTERING_TEAM_PHONE") or ""
    )


def save_signature(council_name: str, team_phone: str | None) -> None:
    row = db.session.get(OutreachSettings, 1)
    if row is None:
        db.session.add(OutreachSettings(id=1, council_name=council_name, team_phone=team_phone))
    else:
        row.council_name, row.team_phone = council_name, team_phone


# Opting out ----------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="outreach-opt-out")


def opt_out_token(record: Case | Household) -> str:
    """A link's token naming the record, signed so nobody can stop another's messages
    by guessing ids; it does not expire (an old email's link must still work)."""
    return _serializer().dumps(["case" if isinstance(record, Case) else "household", record.id])


def record_for_token(token: str) -> Case | Household | None:
    try:
        kind, record_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    model = Case if kind == "case" else Household if kind == "household" else None
    return db.session.get(model, record_id) if model and isinstance(record_id, int) else None


def opt_out_link(record: Case | Household) -> str:
    """The full address of the link (built from the URL map, as the nightly job runs
    outside any request)."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    path = current_app.url_map.bind("hearth").build(
        "public.stop_messages", {"token": opt_out_token(record)}
    )
    return base + path


def has_opted_out(record: Case | Household) -> bool:
    column = MessageOptOut.case_id if isinstance(record, Case) else MessageOptOut.household_id
    ids = [record.id]
    if isinstance(record, Household) and record.case_id:  # they opted out as applicants
        found = db.session.scalar(
            sa.select(MessageOptOut.id).where(MessageOptOut.case_id == record.case_id)
        )
        if found:
            return True
    return db.session.scalar(sa.select(MessageOptOut.id).where(column.in_(ids))) is not None


def opt_out(record: Case | Household) -> bool:
    """Record that this person wants no more automated messages, and note it on a case's
    activity log; queued messages not yet sent are not sent. Does not commit. False when
    they had already opted out."""
    if has_opted_out(record):
        return False
    if isinstance(record, Case):
        db.session.add(MessageOptOut(case=record))
        record.activities.append(
            Activity(
                kind=ActivityKind.NOTE,
                occurred_on=today(),
                note="Asked for no more automated messages (the link in a message).",
            )
        )
    else:
        db.session.add(MessageOptOut(household=record))
    waiting = sa.select(OutreachMessage).where(
        OutreachMessage.status == MessageStatus.QUEUED,
        OutreachMessage.kind != MessageKind.ACKNOWLEDGEMENT,
        (OutreachMessage.case_id if isinstance(record, Case) else OutreachMessage.household_id)
        == record.id,
    )
    for message in db.session.scalars(waiting):
        message.status = MessageStatus.CANCELLED
    return True


# Filling in and queueing -----------------------------------------------------------


def _values(record: Case | Household, officer, first_name: str) -> dict[str, str]:
    sign = signature()
    return {
        "first_name": first_name,
        "council_name": sign.council_name,
        "team_phone": sign.team_phone,
        "reference": record.reference,
        "officer_name": officer.full_name if officer else "your social worker",
        "opt_out_link": opt_out_link(record),
    }


def _case_values(case: Case) -> dict[str, str]:
    return _values(case, case.assessing_worker or case.owner, case.first_name)


def _household_values(household: Household) -> dict[str, str]:
    carers = household.carers
    first = carers[0].full_name.split()[0] if carers and carers[0].full_name else ""
    if not first and household.case:
        first = household.case.first_name
    return _values(household, household.supervising_worker, first)


def _contact(record: Case | Household) -> tuple[str | None, str | None]:
    case = record if isinstance(record, Case) else record.case
    return (case.email, case.phone) if case else (None, None)


def _channel(email: str | None, phone: str | None) -> Channel | None:
    """Email when there is an address; otherwise a text, through GOV.UK Notify only
    (SMTP cannot send one)."""
    if email:
        return Channel.EMAIL
    if phone and current_app.config.get("OUTREACH_BACKEND") == "notify":
        return Channel.TEXT
    return None


def dedupe_key(record: Case | Household, kind: MessageKind, due_on: date) -> str:
    which = "case" if isinstance(record, Case) else "household"
    return f"{which}:{record.id}:{kind.value}:{due_on.isoformat()}"


def queue(
    kind: MessageKind,
    record: Case | Household,
    due_on: date,
    extra: dict[str, str] | None = None,
) -> OutreachMessage | None:
    """Queue one message, filled in from the council's wording. None when the person
    opted out (an acknowledgement excepted), has no way to be reached, or this reason
    was queued before. Does not commit (a savepoint keeps a clash with another worker
    from undoing the caller's work)."""
    key = dedupe_key(record, kind, due_on)
    if db.session.scalar(sa.select(OutreachMessage.id).where(OutreachMessage.dedupe_key == key)):
        return None
    if kind is not MessageKind.ACKNOWLEDGEMENT and has_opted_out(record):
        return None
    email, phone = _contact(record)
    channel = _channel(email, phone)
    if channel is None:
        return None
    values = _case_values(record) if isinstance(record, Case) else _household_values(record)
    values.update(extra or {})
    words = wording(kind)
    message = OutreachMessage(
        kind=kind,
        dedupe_key=key,
        due_on=due_on,
        channel=channel,
        to_email=email if channel is Channel.EMAIL else None,
        to_phone=phone if channel is Channel.TEXT else None,
        subject=rules.render(words.subject, values)[:255],
        body=rules.render(words.body, values),
        status=MessageStatus.QUEUED,
    )
    if isinstance(record, Case):
        message.case = record
    else:
        message.household = record
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:  # another worker queued the same reason just now
        return None
    return message


def queue_acknowledgement(case: Case) -> OutreachMessage | None:
    """The enquirer's acknowledgement, with their reference and what happens next: by
    email only, and only when they gave one (the thank-you page says to expect it)."""
    if not case.email:
        return None
    return queue(MessageKind.ACKNOWLEDGEMENT, case, case.enquiry_date)


# What is due on a day (the nightly job) ---------------------------------------------


def _visit_reminders(as_of: date) -> list[tuple]:
    """Initial home visits booked within the reminder's days ahead."""
    bookings = db.session.scalars(
        sa.select(Booking).where(
            Booking.kind == BookingKind.INITIAL_VISIT,
            Booking.case_id.is_not(None),
            Booking.cancelled_on.is_(None),
            Booking.done_on.is_(None),
            Booking.visit_date > as_of,
            Booking.visit_date <= as_of + timedelta(days=rules.VISIT_REMINDER_DAYS),
        )
    ).all()
    found = []
    for booking in bookings:
        due = rules.visit_reminder_due(booking.visit_date)
        if rules.is_due(due, as_of, booking.visit_date) and booking.case.is_open:
            extra = {
                "visit_date": uk_date(booking.visit_date),
                "visit_time": booking.start_time.strftime("%H:%M"),
                "officer_name": booking.worker.full_name,
            }
            found.append((MessageKind.INITIAL_VISIT_REMINDER, booking.case, due, extra))
    return found


def _panel_reminders(as_of: date) -> list[tuple]:
    """Cases with a panel date booked within the reminder's days ahead."""
    cases = db.session.scalars(
        sa.select(Case).where(
            Case.panel_booked_for > as_of,
            Case.panel_booked_for <= as_of + timedelta(days=rules.PANEL_REMINDER_DAYS),
            Case.outcome_date.is_(None),
        )
    ).all()
    found = []
    for case in cases:
        due = rules.panel_reminder_due(case.panel_booked_for)
        if case.is_open and rules.is_due(due, as_of, case.panel_booked_for):
            extra = {"panel_date": uk_date(case.panel_booked_for)}
            found.append((MessageKind.PANEL_REMINDER, case, due, extra))
    return found


def _quiet_spells(as_of: date, quiet_days: int) -> list[tuple]:
    """Open cases before application with nothing recorded for the whole spell."""
    last_heard = sa.func.coalesce(Case.last_activity_date, Case.enquiry_date)
    cases = db.session.scalars(
        sa.select(Case).where(
            Case.stage.in_(BEFORE_APPLICATION),
            Case.came_as_enquiry(),  # a connected person's referral is worked differently
            Case.outcome_date.is_(None),
            Case.on_hold.is_(False),
            last_heard <= as_of - timedelta(days=quiet_days),
            last_heard >= as_of - timedelta(days=quiet_days + rules.LATE_BY_AT_MOST),
        )
    ).all()
    found = []
    for case in cases:
        heard = max(d for d in (case.last_activity_date, case.enquiry_date) if d)
        due = rules.quiet_spell_due(case.stage in BEFORE_APPLICATION, heard, quiet_days)
        if due is not None and case.is_open and rules.is_due(due, as_of):
            found.append((MessageKind.QUIET_SPELL, case, due, {}))
    return found


def _review_reminders(as_of: date) -> list[tuple]:
    """Approved households whose annual review (reg 28) falls due within the reminder's
    days: the same due date as the clock that flags it late (crm/domain/supervision.py)."""
    from crm.domain.supervision import Duty, obligations
    from crm.metrics.supervision import records_on

    settings = load_settings()
    households = db.session.scalars(sa.select(Household).where(Household.current_on(as_of)))
    found = []
    by_id = {}
    chosen = []
    for household in households:
        by_id[household.id] = household
        chosen.append(household)
    for household_id, record in records_on(chosen, as_of).items():
        for duty in obligations(record, as_of, settings):
            if duty.duty is not Duty.ANNUAL_REVIEW:
                continue
            due = rules.review_reminder_due(duty.due_on)
            if rules.is_due(due, as_of, duty.due_on + timedelta(days=1)):
                extra = {"review_date": uk_date(duty.due_on)}
                found.append((MessageKind.REVIEW_REMINDER, by_id[household_id], due, extra))
    return found


def queue_due(as_of: date) -> dict[str, int]:
    """Queue every automated message due on `as_of` (crm/domain/outreach.py), once
    each: a second run the same day, or the next day, finds them queued and adds none.
    Does not commit."""
    settings = load_settings()
    due = [
        *_visit_reminders(as_of),
        *_panel_reminders(as_of),
        *_quiet_spells(as_of, settings.quiet_spell_days),
        *_review_reminders(as_of),
    ]
    counts = {kind.value: 0 for kind in MessageKind if kind is not MessageKind.ACKNOWLEDGEMENT}
    for kind, record, due_on, extra in due:
        if queue(kind, record, due_on, extra) is not None:
            counts[kind.value] += 1
    return counts


def messages_of(record: Case | Household) -> sa.Select:
    """A person's messages, newest first (their case's or household's page)."""
    column = OutreachMessage.case_id if isinstance(record, Case) else OutreachMessage.household_id
    return (
        sa.select(OutreachMessage)
        .where(column == record.id)
        .order_by(OutreachMessage.queued_at.desc(), OutreachMessage.id.desc())
    )


def move_to(duplicate: Case, original: Case) -> None:
    """A duplicate enquiry merged into the earlier case: what was sent to them stays on
    their record (the earlier case), and so does their asking for no more. Does not
    commit."""
    db.session.execute(
        sa.update(OutreachMessage)
        .where(OutreachMessage.case_id == duplicate.id)
        .values(case_id=original.id)
    )
    stopped = sa.select(MessageOptOut.id).where(MessageOptOut.case_id == original.id)
    if db.session.scalar(stopped) is None:
        db.session.execute(
            sa.update(MessageOptOut)
            .where(MessageOptOut.case_id == duplicate.id)
            .values(case_id=original.id)
        )
    db.session.execute(sa.delete(MessageOptOut).where(MessageOptOut.case_id == duplicate.id))


def forget(case: Case) -> None:
    """Erasure: the messages sent to them and their opt-out go with the case (SQLite
    does not enforce the foreign keys' ON DELETE CASCADE). Does not commit."""
    for model in (OutreachMessage, MessageOptOut):
        db.session.execute(sa.delete(model).where(model.case_id == case.id))

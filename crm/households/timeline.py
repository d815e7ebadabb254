"""Everything that happened to a household, newest first, for its page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crm.corrections import recorded
from crm.domain.household_vocabulary import CarerEventKind, outcome_label
from crm.extensions import db
from crm.models import Household
from crm.models.carer_event import CarerEvent, Complaint
from crm.outreach.services import messages_of
from crm.queries.households import complaints_of
from crm.timeutil import to_uk

EVENT_ORDER = (CarerEvent.occurred_on, CarerEvent.id)


@dataclass(frozen=True)
class Entry:
    on: date
    what: str
    detail: str = ""
    by: str = ""
    #: ("records" or "placements", id): what the correction links open.
    record: tuple[str, int] | None = None
    #: Why it was voided (it is shown struck through), or None.
    voided: str | None = None
    #: An allegation still being investigated: its outcome can be recorded.
    ongoing: bool = False


def _event(event: CarerEvent) -> Entry:
    detail = " · ".join(
        part
        for part in (
            outcome_label(event.outcome) if event.outcome else "",
            f"{event.value.normalize()}" if event.value is not None else "",
            event.note or "",
        )
        if part
    )
    by = event.recorded_by.full_name if event.recorded_by else ""
    ongoing = event.kind is CarerEventKind.ALLEGATION and event.outcome in (None, "", "ongoing")
    return Entry(
        event.occurred_on,
        event.kind.label,
        detail,
        by,
        record=("records", event.id),
        voided=event.void_reason if event.is_voided else None,
        ongoing=ongoing and not event.is_voided,
    )


def _complaint(complaint: Complaint) -> list[Entry]:
    """A complaint received, and answered once it is."""
    by = complaint.recorded_by.full_name if complaint.recorded_by else ""
    about = f"from {complaint.complainant}: {complaint.summary}"
    entries = [
        Entry(
            complaint.received_on, "Complaint received", about, by, ("records", complaint.event_id)
        )
    ]
    if complaint.responded_on:
        outcome = complaint.outcome.label if complaint.outcome else ""
        entries.append(Entry(complaint.responded_on, "Complaint answered", outcome))
    return entries


def _messages(household: Household) -> list[Entry]:
    """What Hearth sent the carers by itself (crm/outreach), each kept on their record."""
    entries = []
    for message in db.session.scalars(messages_of(household)):
        on = to_uk(message.sent_at or message.queued_at).date()
        how = f"{message.channel.label.lower()} to {message.recipient}"
        said = f"{message.subject} ({how}, {message.status.label.lower()})"
        entries.append(Entry(on, f"Message: {message.kind.label}", said))
    return entries


def timeline(household: Household) -> list[Entry]:
    entries = [Entry(household.approval_date, "Approved")]
    complaints = db.session.scalars(complaints_of(household.id)).all()
    entries += [entry for complaint in complaints for entry in _complaint(complaint)]
    counted = {complaint.event_id for complaint in complaints}  # shown as the complaint
    # voided ones too, struck through (crm/corrections.py)
    events = recorded(CarerEvent, CarerEvent.household_id, household.id, *EVENT_ORDER)
    entries += [_event(event) for event in events if event.id not in counted]
    for placement in household.placements:  # a voided one is listed under Placements
        started = placement.child_reference
        if placement.outside_terms and placement.basis:  # an emergency, exemption, import
            started += f" · {placement.basis.label}"
        entries.append(Entry(placement.start_date, "Placement started", started))
        if placement.end_date:
            how = (
                "disruption"
                if placement.ending and placement.ending.value == "disruption"
                else "planned"
            )
            entries.append(
                Entry(placement.end_date, f"Placement ended ({how})", placement.child_reference)
            )
    for referral in household.referrals:
        who = referral.recorded_by.full_name if referral.recorded_by else ""
        offered = f"A child {referral.described}"
        entries.append(Entry(referral.offered_on, "Child offered", offered, who))
        if referral.answered_on:
            why = referral.decline_reason.label if referral.decline_reason else ""
            answer = f"Offer {referral.outcome.label.lower()}"
            entries.append(Entry(referral.answered_on, answer, why))
    for terms in household.terms_history[1:]:
        entries.append(
            Entry(
                terms.effective_from,
                "Terms of approval changed",
                f"{terms.places} places, ages {terms.min_age}–{terms.max_age}",
            )
        )
    for pause in household.breaks:
        entries.append(Entry(pause.start_date, "Break started", pause.reason or ""))
        if pause.end_date:
            entries.append(Entry(pause.end_date, "Break ended"))
    entries += _messages(household)
    if household.deregistration_date:
        reason = household.deregistration_reason.label if household.deregistration_reason else ""
        entries.append(Entry(household.deregistration_date, "Deregistered", reason))
    return sorted(entries, key=lambda e: e.on, reverse=True)

"""Everything that happened to a household, newest first, for its page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crm.domain.household_vocabulary import outcome_label
from crm.extensions import db
from crm.models import Household
from crm.models.carer_event import CarerEvent, Complaint
from crm.queries.households import complaints_of


@dataclass(frozen=True)
class Entry:
    on: date
    what: str
    detail: str = ""
    by: str = ""


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
    return Entry(event.occurred_on, event.kind.label, detail, by)


def _complaint(complaint: Complaint) -> list[Entry]:
    """A complaint received, and answered once it is."""
    by = complaint.recorded_by.full_name if complaint.recorded_by else ""
    about = f"from {complaint.complainant}: {complaint.summary}"
    entries = [Entry(complaint.received_on, "Complaint received", about, by)]
    if complaint.responded_on:
        outcome = complaint.outcome.label if complaint.outcome else ""
        entries.append(Entry(complaint.responded_on, "Complaint answered", outcome))
    return entries


def timeline(household: Household) -> list[Entry]:
    entries = [Entry(household.approval_date, "Approved")]
    complaints = db.session.scalars(complaints_of(household.id)).all()
    entries += [entry for complaint in complaints for entry in _complaint(complaint)]
    counted = {complaint.event_id for complaint in complaints}  # shown as the complaint
    entries += [_event(event) for event in household.events if event.id not in counted]
    for placement in household.placements:
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
    if household.deregistration_date:
        reason = household.deregistration_reason.label if household.deregistration_reason else ""
        entries.append(Entry(household.deregistration_date, "Deregistered", reason))
    return sorted(entries, key=lambda e: e.on, reverse=True)

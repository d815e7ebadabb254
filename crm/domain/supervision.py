"""What an approved household is owed, and when: due and overdue, in one place.

From the Fostering Services (England) Regulations 2011 and the National
Minimum Standards, with the defaults an administrator can change:
- a supervision visit at least every 6 weeks (any visit, announced or not);
- an unannounced visit at least once in every 12 months (NMS 21.8);
- an annual review (regulation 28): the first within 12 months of approval
  (it goes back to panel), then at most 12 months after the previous one;
- the TSD standards within 12 months of approval (18 for kinship carers).
The clock for each starts at approval; for a connected person temporarily approved
(Care Planning Regulations 2010, reg 24) the visits and the TSD standards run from the
day the named child moved in (`placed_from`), as domain.md's "Connected persons" says:
supervision and TSD are owed from the day the child is placed. Work is overdue when
as-of is after its due date, and due soon within `due_soon_days` of it. Deregistered households
are owed nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from crm.domain.labelled import LabelledEnum
from crm.domain.periods import add_months
from crm.domain.settings import Settings


class Duty(LabelledEnum):
    SUPERVISION_VISIT = "supervision_visit"
    UNANNOUNCED_VISIT = "unannounced_visit"
    ANNUAL_REVIEW = "annual_review"
    TSD = "tsd", "TSD standards"


class Standing(LabelledEnum):
    OK = "ok", "On track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class HouseholdRecord:
    """The dates the rules need about one household."""

    approval_date: date
    kinship: bool
    current: bool = True
    last_visit: date | None = None  # supervision or unannounced
    last_unannounced: date | None = None
    last_review: date | None = None
    first_review: date | None = None
    reviews: int = 0
    tsd_completed: date | None = None
    #: The day the named child moved in under a temporary approval (reg 24), when
    #: before `approval_date`: visits and TSD run from it.
    placed_from: date | None = None

    @property
    def duties_from(self) -> date:
        """The day the visits and the TSD clock start: approval, or the child's move
        under a temporary approval when that came first."""
        if self.placed_from is not None and self.placed_from < self.approval_date:
            return self.placed_from
        return self.approval_date


@dataclass(frozen=True)
class Obligation:
    duty: Duty
    due_on: date
    standing: Standing
    note: str

    @property
    def overdue(self) -> bool:
        return self.standing is Standing.OVERDUE

    @property
    def needs_attention(self) -> bool:
        """Overdue or due soon: shown on lists."""
        return self.standing is not Standing.OK


def _standing(due_on: date, as_of: date, settings: Settings) -> Standing:
    if as_of > due_on:
        return Standing.OVERDUE
    if (due_on - as_of).days <= settings.due_soon_days:
        return Standing.DUE_SOON
    return Standing.OK


def obligations(record: HouseholdRecord, as_of: date, settings: Settings) -> list[Obligation]:
    """Each duty still owed to the household on `as_of`, with its due date and standing."""
    if not record.current:
        return []
    approved = record.approval_date
    placed = record.duties_from
    visit_due = (record.last_visit or placed) + timedelta(
        days=settings.supervision_visit_interval_days
    )
    unannounced_due = (record.last_unannounced or placed) + timedelta(
        days=settings.unannounced_visit_interval_days
    )
    review_due = add_months(record.last_review or approved, settings.review_interval_months)
    first_review = "the first goes back to panel" if record.reviews == 0 else "yearly"
    owed = [
        (
            Duty.SUPERVISION_VISIT,
            visit_due,
            f"every {settings.supervision_visit_interval_days} days",
        ),
        (
            Duty.UNANNOUNCED_VISIT,
            unannounced_due,
            f"every {settings.unannounced_visit_interval_days} days",
        ),
        (Duty.ANNUAL_REVIEW, review_due, first_review),
    ]
    if record.tsd_completed is None:
        months = settings.tsd_months_kinship if record.kinship else settings.tsd_months_mainstream
        owed.append((Duty.TSD, add_months(placed, months), f"within {months} months"))
    return [
        Obligation(duty, due, _standing(due, as_of, settings), note) for duty, due, note in owed
    ]

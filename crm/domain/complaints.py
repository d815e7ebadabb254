"""A carer's complaint to the service, and the service's answer: the words and the rules.

An independent fostering agency keeps a written procedure for representations and
complaints (Fostering Services (England) Regulations 2011, reg 18), which sets no number
of days. A local authority's fostering service answers a foster carer's representations
under section 26(3)(d) of the Children Act 1989, and the Children Act 1989
Representations Procedure (England) Regulations 2006 set its timescales: stage 1 (local
resolution) within 10 working days, extendable to 20 (reg 14), stage 2 (investigation)
within 25 working days, extendable to 65 (reg 17). Complaints outside section 26 (a
council's corporate procedure) have local timescales. The clock counts working days
(weekdays that are not bank holidays in England, crm.domain.working_days), as the
regulations do: `Settings.complaint_response_working_days`, 10 by default (stage 1), 20
for a service that extends every stage 1, an agency's own number otherwise.

A complaint is answered when its outcome and the day of the written response are
recorded; it is late when a day passes after it was due unanswered.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crm.domain.households import HouseholdRuleError, check_dated
from crm.domain.labelled import LabelledEnum
from crm.domain.settings import Settings
from crm.domain.working_days import add_working_days
from crm.formatting import uk_date


class ComplaintOutcome(LabelledEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"
    WITHDRAWN = "withdrawn", "Withdrawn by the complainant"


def response_due_on(received_on: date, settings: Settings) -> date:
    """The day the written response is due: the service's number of working days after
    receipt (received Friday 18 December 2026, 10 working days: Wednesday 6 January
    2027, past Christmas Day, the Boxing Day holiday on Monday 28 December and New
    Year's Day)."""
    return add_working_days(received_on, settings.complaint_response_working_days)


def response_late(
    received_on: date, responded_on: date | None, day: date, settings: Settings
) -> bool:
    """Unanswered on `day`, which is after the day the response was due."""
    return responded_on is None and day > response_due_on(received_on, settings)


def check_received(household: Any, received_on: date, as_of: date) -> None:
    """A complaint is dated within the approval, as any record on a household is."""
    check_dated(household, received_on, "complaint", as_of)


def check_response(complaint: Any, responded_on: date, as_of: date) -> None:
    """A complaint is answered once, on or after it was received and not in the future."""
    if complaint.responded_on is not None:
        raise HouseholdRuleError(
            f"This complaint was answered on {uk_date(complaint.responded_on)}.", "date"
        )
    if responded_on > as_of:
        raise HouseholdRuleError(
            f"The response date {uk_date(responded_on)} is in the future.", "date"
        )
    if responded_on < complaint.received_on:
        raise HouseholdRuleError(
            f"The response date {uk_date(responded_on)} is before the complaint was "
            f"received ({uk_date(complaint.received_on)}).",
            "date",
        )

"""Carers resigning: their written notice and the day it takes effect.

The Fostering Services (England) Regulations 2011, reg 28(13): "A foster parent may
give notice in writing to the fostering service provider at any time that the foster
parent no longer wishes to be a foster parent, in which case the foster parent's
approval is terminated with effect from 28 days from the date on which the notice is
received by the fostering service provider."

"28 days from the date on which the notice is received": the day of receipt is day 0,
so the approval ends on the 28th day after it (notice received 3 March: approval
terminated with effect from 31 March). Until then the household stays approved, and
deregistration (turnover's event) is dated that day. No panel or decision is needed;
before it takes effect the carers may withdraw the notice, and the approval goes on.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from crm.domain.households import HouseholdRuleError
from crm.formatting import uk_date

#: Reg 28(13): the approval ends 28 days from the day the notice is received.
NOTICE_DAYS = 28


def effective_on(received_on: date) -> date:
    """The day a resignation takes effect: 28 days from receipt (reg 28(13))."""
    return received_on + timedelta(days=NOTICE_DAYS)


def check_notice(household: Any, received_on: date, pending: Any, as_of: date) -> None:
    """A notice is received while the household is approved, not in the future, and
    only one at a time."""
    if household.deregistration_date is not None:
        raise HouseholdRuleError("This household is already deregistered.", "received_on")
    if received_on > as_of:
        raise HouseholdRuleError("The notice cannot be received in the future.", "received_on")
    if received_on < household.approval_date:
        raise HouseholdRuleError(
            f"The notice cannot be received before approval ({uk_date(household.approval_date)}).",
            "received_on",
        )
    if pending is not None:
        raise HouseholdRuleError(
            f"Notice was already received on {uk_date(pending.received_on)}; it takes "
            f"effect on {uk_date(pending.effective_on)}.",
            "received_on",
        )


def check_withdrawal(notice: Any, on: date, as_of: date) -> None:
    """The carers withdraw their notice before it takes effect (after it, the approval
    has ended: a new application is needed)."""
    if notice.withdrawn_on is not None:
        raise HouseholdRuleError("This notice was already withdrawn.", "withdrawn_on")
    if on > as_of:
        raise HouseholdRuleError("The withdrawal cannot be in the future.", "withdrawn_on")
    if on < notice.received_on:
        raise HouseholdRuleError(
            "The notice is withdrawn on or after the day it was received.", "withdrawn_on"
        )
    if on >= notice.effective_on:
        raise HouseholdRuleError(
            f"The notice took effect on {uk_date(notice.effective_on)}: the approval has "
            "ended and cannot be brought back by withdrawing it.",
            "withdrawn_on",
        )


def takes_effect_by(notice: Any, day: date) -> bool:
    """A notice not withdrawn whose effective day has come by `day`."""
    return notice.withdrawn_on is None and notice.effective_on <= day

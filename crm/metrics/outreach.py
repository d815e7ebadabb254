"""Time from enquiry to acknowledgement: how soon someone who asks about fostering on
the public form hears back (issue 35: it should be minutes).

Definition (shown on the dashboard beside it): for enquiries received in the period
(enquiry date within it, from the public web form, with an email address given), the
minutes from the enquiry's receipt (the moment its case was created) to the moment
the acknowledgement was sent (accepted by the mail server or GOV.UK Notify).
Reported as the median and the 90th percentile over those acknowledged, with the
number still not acknowledged (queued, retrying or failed) beside them, so a backlog
of unsent ones cannot flatter the median.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from crm.domain.case_vocabulary import EnquiryChannel
from crm.domain.outreach import MessageKind, MessageStatus
from crm.extensions import db
from crm.metrics.period import Period
from crm.models import Case, OutreachMessage


@dataclass(frozen=True)
class AcknowledgementTime:
    acknowledged: int
    not_acknowledged: int
    median_minutes: float | None
    p90_minutes: float | None


def minutes_to_acknowledge(received: datetime, sent: datetime) -> float:
    """sent_at - enquiry received, in minutes (both stored in UTC)."""
    return (sent - received).total_seconds() / 60


def _percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value at least `share` of them reach."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def acknowledgement_time(period: Period) -> AcknowledgementTime:
    rows = db.session.execute(
        sa.select(Case.created_at, OutreachMessage.sent_at, OutreachMessage.status)
        .join(OutreachMessage, OutreachMessage.case_id == Case.id)
        .where(
            OutreachMessage.kind == MessageKind.ACKNOWLEDGEMENT,
            Case.channel == EnquiryChannel.WEB_FORM,
            period.covers(Case.enquiry_date),
        )
    ).all()
    minutes = [
        minutes_to_acknowledge(received, sent)
        for received, sent, status in rows
        if status is MessageStatus.SENT and sent is not None
    ]
    return AcknowledgementTime(
        acknowledged=len(minutes),
        not_acknowledged=len(rows) - len(minutes),
        median_minutes=_percentile(minutes, 0.5),
        p90_minutes=_percentile(minutes, 0.9),
    )

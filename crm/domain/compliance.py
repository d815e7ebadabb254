"""Compliance at service level: what share of households had what they are owed, on a
day. Managers report these percentages to senior leaders and Ofsted; the lists of
who is overdue are crm.domain.supervision's. Each measure judges one household on
one day: compliant, not compliant, or out of its scope (None)."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from crm.domain.labelled import LabelledEnum
from crm.domain.settings import Settings
from crm.domain.supervision import Duty, HouseholdRecord, obligations


class Measure(LabelledEnum):
    SUPERVISION = "supervision", "Supervision visit within the service's interval"
    UNANNOUNCED = "unannounced", "An unannounced visit in the last year"
    REVIEWS = "reviews", "Annual review not overdue"
    FIRST_REVIEW = "first_review", "First review (to panel) within 12 months of approval"
    TSD = "tsd", "TSD standards within 12 months of approval (18 for kinship)"


#: The duty behind each measure that is simply "not overdue on the day".
NOT_OVERDUE = {
    Measure.SUPERVISION: Duty.SUPERVISION_VISIT,
    Measure.UNANNOUNCED: Duty.UNANNOUNCED_VISIT,
    Measure.REVIEWS: Duty.ANNUAL_REVIEW,
}


def judge(record: HouseholdRecord, as_of: date, settings: Settings) -> dict[Measure, bool | None]:
    """Each measure for one household on `as_of`: True, False, or None when the
    household is not in its scope (not current, or its first deadline not reached)."""
    if not record.current:
        return dict.fromkeys(Measure)
    owed = {o.duty: o for o in obligations(record, as_of, settings)}
    judged: dict[Measure, bool | None] = {
        measure: not owed[duty].overdue for measure, duty in NOT_OVERDUE.items()
    }
    first_due = record.approval_date + relativedelta(months=settings.review_interval_months)
    judged[Measure.FIRST_REVIEW] = (
        None
        if first_due >= as_of
        else record.first_review is not None and record.first_review <= first_due
    )
    months = settings.tsd_months_kinship if record.kinship else settings.tsd_months_mainstream
    tsd_due = record.approval_date + relativedelta(months=months)
    judged[Measure.TSD] = (
        None
        if tsd_due >= as_of
        else record.tsd_completed is not None and record.tsd_completed <= tsd_due
    )
    return judged

"""Compliance at service level: what share of households had what they are owed, on a
day. Managers report these percentages to senior leaders and Ofsted; the lists of
who is overdue are crm.domain.supervision's. Each measure judges one household on
one day: compliant, not compliant, or out of its scope (None)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from crm.domain.labelled import LabelledEnum
from crm.domain.periods import add_months
from crm.domain.settings import Settings
from crm.domain.supervision import Duty, HouseholdRecord, obligations


class Measure(LabelledEnum):
    SUPERVISION = "supervision", "Supervision visit within the service's interval"
    UNANNOUNCED = "unannounced", "An unannounced visit in the last year"
    REVIEWS = "reviews", "Annual review not overdue"
    FIRST_REVIEW = "first_review", "First review (to panel) within 12 months of approval"
    TSD = "tsd", "TSD standards within 12 months of approval (18 for kinship)"
    DBS = "dbs", "Every adult in the household with a DBS check in date"
    MEDICAL = "medical", "Every carer with a medical in date"


@dataclass(frozen=True)
class Person:
    """Someone in an approved household, as the renewal rules see them."""

    name: str
    carer: bool
    birth_date: date | None = None
    dbs_issued_on: date | None = None
    medical_on: date | None = None

    def adult_on(self, day: date) -> bool:
        """Carers are adults; anyone else is counted as one unless known to be under 18."""
        return self.carer or self.birth_date is None or add_months(self.birth_date, 18 * 12) <= day


@dataclass(frozen=True)
class Certificates:
    people: list[Person] = field(default_factory=list)


def _renewed(dates: list[date | None], as_of: date, years: int) -> bool | None:
    """All in date on `as_of`; None when a certificate is dated after it (only the latest
    is held, so what stood on that day is not known)."""
    if any(d is not None and d > as_of for d in dates):
        return None
    oldest_allowed = add_months(as_of, -12 * years)
    return all(d is not None and d >= oldest_allowed for d in dates)


def renewals_overdue(people: list[Person], as_of: date, settings: Settings) -> dict[str, str]:
    """Who in a household needs a certificate renewed on `as_of`: {"dbs" | "medical": why}.

    Every adult member of a fostering household needs an enhanced DBS check, and every
    carer a medical, for the assessment (Fostering Services (England) Regulations 2011,
    reg 26 and Schedule 3); the annual review's enquiries keep them current (reg
    28(3)(a)), and renewing them every `dbs_renewal_years` and
    `medical_renewal_years` (three years by default) is the service's own standard, a
    setting. A certificate is due on the day that many years after it was issued; one
    never recorded is due now. Only each person's latest certificate is held."""
    found = {}
    for measure, years, people_needing, dated in (
        ("dbs", settings.dbs_renewal_years, [p for p in people if p.adult_on(as_of)],
         lambda p: p.dbs_issued_on),
        ("medical", settings.medical_renewal_years, [p for p in people if p.carer],
         lambda p: p.medical_on),
    ):  # fmt: skip
        late = []
        for person in people_needing:
            issued = dated(person)
            if issued is None:
                late.append(f"{person.name} (none recorded)")
            elif add_months(issued, 12 * years) < as_of:
                late.append(f"{person.name} (due {add_months(issued, 12 * years):%d/%m/%Y})")
        if late:
            label = "DBS check" if measure == "dbs" else "Medical"
            found[measure] = f"{label} to renew every {years} years: " + ", ".join(late)
    return found


#: The duty behind each measure that is simply "not overdue on the day".
NOT_OVERDUE = {
    Measure.SUPERVISION: Duty.SUPERVISION_VISIT,
    Measure.UNANNOUNCED: Duty.UNANNOUNCED_VISIT,
    Measure.REVIEWS: Duty.ANNUAL_REVIEW,
}


def judge(
    record: HouseholdRecord,
    as_of: date,
    settings: Settings,
    certificates: Certificates | None = None,
) -> dict[Measure, bool | None]:
    """Each measure for one household on `as_of`: True, False, or None when the
    household is not in its scope (not current, or its first deadline not reached)."""
    if not record.current:
        return dict.fromkeys(Measure)
    owed = {o.duty: o for o in obligations(record, as_of, settings)}
    judged: dict[Measure, bool | None] = {
        measure: not owed[duty].overdue for measure, duty in NOT_OVERDUE.items()
    }
    first_due = add_months(record.approval_date, settings.review_interval_months)
    judged[Measure.FIRST_REVIEW] = (
        None
        if first_due >= as_of
        else record.first_review is not None and record.first_review <= first_due
    )
    months = settings.tsd_months_kinship if record.kinship else settings.tsd_months_mainstream
    tsd_due = add_months(record.duties_from, months)
    judged[Measure.TSD] = (
        None
        if tsd_due >= as_of
        else record.tsd_completed is not None and record.tsd_completed <= tsd_due
    )
    people = certificates.people if certificates else []
    adults = [p.dbs_issued_on for p in people if p.adult_on(as_of)]
    carers = [p.medical_on for p in people if p.carer]
    judged[Measure.DBS] = _renewed(adults, as_of, settings.dbs_renewal_years) if adults else None
    judged[Measure.MEDICAL] = (
        _renewed(carers, as_of, settings.medical_renewal_years) if carers else None
    )
    return judged

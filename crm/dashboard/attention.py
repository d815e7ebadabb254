"""What needs a manager today, above the figures: work the nightly checks found late,
enquiries nobody has taken, households nobody supervises, carers at high risk. Each
count is a link to the list of exactly what it counted.

Late work is counted from the open flags (crm/clocks/), which every write keeps
current for the records it touches and the nightly run for the calendar; the lists
the counts open read the same flags, so a count and its list always agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import url_for

from crm.clocks import DUTY_FLAGS
from crm.domain.outreach import MessageStatus
from crm.domain.stages import Stage
from crm.extensions import db
from crm.models import Case, Flag, FlagKind, Household, OutreachMessage, RiskScore
from crm.models.job import JobRun, RunStatus
from crm.models.risk import latest_risk_model
from crm.timeutil import today

#: Late work on cases the strip counts, beside stalled assessments and late first contacts.
CASE_KINDS = (
    FlagKind.PANEL_TIMESCALE,
    FlagKind.DECISION_OVERDUE,
    FlagKind.TEMPORARY_APPROVAL_EXPIRING,
    FlagKind.TEMPORARY_APPROVAL_EXPIRED,
)
#: Late work on households the strip counts, beside the supervision duties, each with
#: the words for households that have it.
HOUSEHOLD_KINDS = {
    FlagKind.COMPLAINT_RESPONSE_OVERDUE: "Households with a complaint not answered in time",
    FlagKind.DBS_RENEWAL_OVERDUE: "Households with a DBS check to renew",
    FlagKind.MEDICAL_RENEWAL_OVERDUE: "Households with a carer's medical to renew",
}


@dataclass(frozen=True)
class Item:
    label: str
    count: int
    href: str
    urgent: bool = False


@dataclass(frozen=True)
class Attention:
    items: list[Item]
    checked_at: datetime | None  # when the nightly checks last ran

    @property
    def waiting(self) -> list[Item]:
        return [item for item in self.items if item.count]


def _open_flags() -> dict[FlagKind, int]:
    rows = db.session.execute(
        sa.select(
            Flag.kind,
            sa.func.count(sa.distinct(sa.func.coalesce(Flag.case_id, -Flag.household_id))),
        )
        .where(Flag.cleared_on.is_(None))
        .group_by(Flag.kind)
    )
    return dict(rows.all())


def _households_with_late_duties() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Flag.household_id))).where(
            Flag.cleared_on.is_(None), Flag.kind.in_(DUTY_FLAGS)
        )
    )


def _count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def _high_risk() -> int:
    model = latest_risk_model()
    if model is None:
        return 0
    latest = sa.select(sa.func.max(RiskScore.as_of)).where(RiskScore.model_id == model.id)
    return _count(
        sa.select(RiskScore.id).where(
            RiskScore.model_id == model.id,
            RiskScore.as_of == latest.scalar_subquery(),
            RiskScore.band == "high",
        )
    )


def needs_attention() -> Attention:
    """The manager's queue for today, most pressing first."""
    flags = _open_flags()
    on = today()
    items = [
        Item(
            "Assessments stalled",
            flags.get(FlagKind.STALLED, 0),
            url_for("cases.index", flag="stalled"),
            urgent=True,
        ),
        *(
            Item(kind.label, flags.get(kind, 0), url_for("cases.index", flag=kind.value), True)
            for kind in CASE_KINDS
        ),
        Item(
            "First contact late",
            flags.get(FlagKind.FIRST_CONTACT_OVERDUE, 0),
            url_for("cases.index", flag="overdue_contact"),
            urgent=True,
        ),
        Item(
            "Households with visits, reviews or TSD overdue",
            _households_with_late_duties(),
            url_for("households.index", status="current", overdue="y"),
            urgent=True,
        ),
        *(
            Item(label, flags.get(kind, 0), url_for("households.index", flag=kind.value), True)
            for kind, label in HOUSEHOLD_KINDS.items()
        ),
        Item(
            "New enquiries waiting for an officer",
            _count(sa.select(Case.id).where(Case.owner_id.is_(None), Case.stage == Stage.ENQUIRY)),
            url_for("cases.index", owner="none", stage=Stage.ENQUIRY.value),
        ),
        Item(
            "Households with no supervising social worker",
            _count(
                sa.select(Household.id).where(
                    Household.current_on(on), Household.supervising_worker_id.is_(None)
                )
            ),
            url_for("households.index", status="current", worker="none"),
        ),
        Item(
            "Carers at high risk of leaving",
            _high_risk(),
            url_for("households.at_risk", band="high", worker=""),
        ),
        Item(  # given up after their tries (crm/outreach/delivery.py)
            "Messages to applicants or carers that could not be sent",
            _count(
                sa.select(OutreachMessage.id).where(OutreachMessage.status == MessageStatus.FAILED)
            ),
            url_for("admin.applicant_outbox"),
            urgent=True,
        ),
    ]
    checked = db.session.scalar(
        sa.select(sa.func.max(JobRun.finished_at)).where(
            JobRun.job == "flag_work", JobRun.status == RunStatus.SUCCEEDED
        )
    )
    return Attention(items, checked)

"""Carers transferring in from another fostering service.

The Transfer of Foster Carers Protocol England (The Fostering Network with the
Association of Directors of Children's Services, 2014, reissued 2015) asks the
recruiting service to tell the existing one it means to assess and to request a
reference, which the existing service gives "within 28 days"; reg 26(1A)(b) of the
Fostering Services (England) Regulations 2011 requires that written reference where the
applicant was approved by another provider within the preceding 12 months. The
assessment builds on the carers' existing approval and records, so services set it a
shorter timescale than NMS 14.4's eight months; the protocol names no number, so it is
the setting `transfer_assessment_days`. A household approved after a transfer is a
transfer in, counted apart from new approvals (the Ofsted return, the dashboard).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from crm.domain.settings import Settings


class TransferRefused(ValueError):
    """A transfer record the rules refuse; the message says why."""


def panel_due_on(application_date: date | None, settings: Settings) -> date | None:
    """The day a transferring carer's assessment should reach panel."""
    if application_date is None:
        return None
    return application_date + timedelta(days=settings.transfer_assessment_days)


def check_transfer(transfer: Any, as_of: date) -> None:
    """A previous service named; the dates it sent things not in the future."""
    if not (transfer.previous_service or "").strip():
        raise TransferRefused("Name the fostering service the carers are transferring from.")
    for name, label in (
        ("reference_received_on", "reference"),
        ("records_received_on", "records"),
    ):
        day = getattr(transfer, name)
        if day is not None and day > as_of:
            raise TransferRefused(f"The previous service's {label} cannot arrive in the future.")

"""What an applicant has done on their own page (crm/door), read by their page and by
the case page: the task list with each section's status, and the messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from crm.domain.door import SECTIONS, Section, SectionStatus, missing, section_status
from crm.extensions import db
from crm.models import Case, DoorLink, DoorMessage, DoorSection


@dataclass(frozen=True)
class SectionRow:
    """One line of the task list: the section, its status and what it still needs."""

    section: Section
    status: SectionStatus
    answers: dict
    missing: list

    @property
    def completed(self) -> bool:
        return self.status is SectionStatus.COMPLETED

    @property
    def started(self) -> bool:
        return self.status is not SectionStatus.NOT_STARTED


def saved(case: Case, section: Section) -> DoorSection | None:
    return db.session.scalar(
        sa.select(DoorSection).where(
            DoorSection.case_id == case.id, DoorSection.section == section.key
        )
    )


def task_list(case_id: int) -> list[SectionRow]:
    """Every section of a case's application, in order, with its status: the applicant's
    task list and the officer's view of what is complete and what is missing."""
    rows = {
        s.section: s
        for s in db.session.scalars(sa.select(DoorSection).where(DoorSection.case_id == case_id))
    }
    out = []
    for section in SECTIONS:
        row = rows.get(section.key)
        answers = dict(row.answers or {}) if row else {}
        status = section_status(answers, row is not None and row.completed_at is not None)
        out.append(SectionRow(section, status, answers, missing(section, answers)))
    return out


def messages(case_id: int) -> list[DoorMessage]:
    return list(
        db.session.scalars(
            sa.select(DoorMessage)
            .where(DoorMessage.case_id == case_id)
            .order_by(DoorMessage.sent_at, DoorMessage.id)
        )
    )


def last_signed_in(case_id: int) -> datetime | None:
    """When the applicant last signed in to their page (None: never)."""
    return db.session.scalar(
        sa.select(sa.func.max(DoorLink.used_at)).where(DoorLink.case_id == case_id)
    )

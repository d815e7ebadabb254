"""What an applicant records from their page: answers, completed sections, messages
and their own withdrawal. Each records and never commits (the view commits)."""

from __future__ import annotations

from crm import audit
from crm.domain.door import Section, missing
from crm.domain.stages import EventKind
from crm.door.links import ACTOR
from crm.extensions import db
from crm.models import Case, DoorMessage, DoorSection, User
from crm.queries.door import messages, saved, task_list  # noqa: F401  (the views read them here)
from crm.timeutil import today, utcnow


def save_answers(case: Case, section: Section, values: dict[str, str]) -> None:
    """Keep what was typed on one page; a completed section goes back to in progress,
    since its answers changed after it was checked."""
    row = saved(case, section)
    if row is None:
        row = DoorSection(case_id=case.id, section=section.key, answers={})
        db.session.add(row)
    row.answers = {**(row.answers or {}), **values}
    row.completed_at = None
    row.updated_at = utcnow()


def complete(case: Case, section: Section) -> bool:
    """Mark the section completed when nothing required is missing."""
    row = saved(case, section)
    if row is None or missing(section, row.answers or {}):
        return False
    row.completed_at = row.updated_at = utcnow()
    return True


def write_message(case: Case, body: str, by: User | None) -> DoorMessage:
    """A message on the case: from the applicant (`by` None) or an officer's reply."""
    message = DoorMessage(case_id=case.id, from_applicant=by is None, body=body, author=by)
    db.session.add(message)
    return message


def withdraw(case: Case, reason: str) -> None:
    """The applicant withdraws themselves: the same step, rules and Ofsted AW reason an
    officer records (crm.domain.stages; raises TransitionRefused when the case is closed)."""
    with audit.acting_as(ACTOR):
        case.record_step(
            EventKind.WITHDRAWN_BY_APPLICANT,
            today(),
            None,
            note="Withdrawn by the applicant on their own page",
            reason=reason,
        )

"""Figures about the applicant's own door (issue 35, item 8): how many applicants use it,
and where on the task list those who leave stopped. Each figure's count and the list it
opens are read from the one function here, so they always agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from crm.domain.door import SECTIONS, stopped_at
from crm.domain.stages import Stage
from crm.extensions import db
from crm.metrics.period import Period
from crm.models import Case, DoorLink, DoorMessage, DoorSection
from crm.timeutil import UK

#: An applicant who has used their page and then done nothing on it for this many days,
#: while their case stays open, has gone quiet.
QUIET_DAYS = 30


def _utc_start(day: date) -> datetime:
    """The first moment of a UK calendar day, as the naive UTC the database holds."""
    return datetime.combine(day, time(), UK).astimezone(UTC).replace(tzinfo=None)


def _in_period(column: sa.ColumnElement, period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        column >= _utc_start(period.start),
        column < _utc_start(period.last_day + timedelta(days=1)),
    )


def door_users(period: Period) -> list[Case]:
    """Applicants who used their door in the period: cases of the period's carer type
    with a sign-in link used (they signed in) between the period's start and its last
    known day, UK days. Each case once, however often they signed in."""
    signed_in = sa.select(DoorLink.case_id).where(
        DoorLink.used_at.is_not(None), _in_period(DoorLink.used_at, period)
    )
    return list(
        db.session.scalars(
            sa.select(Case).where(Case.id.in_(signed_in), period.cases).order_by(Case.reference)
        )
    )


@dataclass(frozen=True)
class Stopped:
    """An applicant who left after using their door, and where on the task list."""

    case: Case
    #: "withdrew" (withdrew themselves) or "went quiet".
    how: str
    #: The first section in task-list order they had not completed (crm.domain.door
    #: .stopped_at), or None when they had completed every section.
    section: str | None


def stopped(period: Period) -> list[Stopped]:
    """Drop-out by the step where people stopped. An applicant counts when they had
    signed in to their door at least once by the period's last known day and, in the
    period, either

    - withdrew themselves (their case's WITHDRAWN_BY_APPLICANT step is dated in the
      period: the same step Ofsted's withdrawal figures count), or
    - went quiet: they had not completed every section, their last activity on the door
      (a sign-in, a saved answer or a message they wrote) was QUIET_DAYS before a day in
      the period (the day they went quiet falls in it, so each quiet spell is counted in
      one period), and their case was still open on the period's last known day.

    Where they stopped is the first section of the task list, in its order, that they
    had not completed (as their sections stand now: a section's history is not kept),
    None when they completed them all."""
    end = _utc_start(period.last_day + timedelta(days=1))
    used = sa.select(DoorLink.case_id).where(DoorLink.used_at < end)
    last_seen = sa.union_all(
        sa.select(DoorLink.case_id, DoorLink.used_at.label("at")).where(
            DoorLink.used_at.is_not(None)
        ),
        sa.select(DoorSection.case_id, DoorSection.updated_at.label("at")),
        sa.select(DoorMessage.case_id, DoorMessage.sent_at.label("at")).where(
            DoorMessage.from_applicant.is_(True)
        ),
    ).subquery()
    seen = dict(
        db.session.execute(
            sa.select(last_seen.c.case_id, sa.func.max(last_seen.c.at))
            .where(last_seen.c.at < end)
            .group_by(last_seen.c.case_id)
        ).all()
    )
    cases = db.session.scalars(
        sa.select(Case).where(Case.id.in_(used), period.cases).order_by(Case.reference)
    ).all()
    completed: dict[int, set[str]] = {}
    for case_id, section in db.session.execute(
        sa.select(DoorSection.case_id, DoorSection.section).where(
            DoorSection.completed_at.is_not(None)
        )
    ):
        completed.setdefault(case_id, set()).add(section)
    out = []
    for case in cases:
        section = stopped_at(completed.get(case.id, set()))
        how = _how_they_left(case, seen.get(case.id), period)
        if how == "withdrew" or (how == "went quiet" and section is not None):
            out.append(Stopped(case, how, section))
    return out


def _how_they_left(case: Case, last_seen: datetime | None, period: Period) -> str | None:
    if (
        case.stage is Stage.WITHDRAWN_BY_APPLICANT
        and case.outcome_date is not None
        and period.start <= case.outcome_date <= period.last_day
    ):
        return "withdrew"
    open_at_end = case.state(period.last_day).is_open
    if last_seen is None or not open_at_end:
        return None
    quiet_from = (last_seen + timedelta(days=QUIET_DAYS)).date()
    return "went quiet" if period.start <= quiet_from <= period.last_day else None


def stopped_by_section(rows: list[Stopped]) -> list[tuple[str | None, str, int]]:
    """(section key, its title, how many stopped there), in task-list order, with those
    who completed every section last; every section listed, even with none."""
    counts = {s.key: 0 for s in SECTIONS} | {None: 0}
    for row in rows:
        counts[row.section] += 1
    titles = {s.key: s.title for s in SECTIONS} | {None: "Every section completed"}
    return [(key, titles[key], n) for key, n in counts.items()]

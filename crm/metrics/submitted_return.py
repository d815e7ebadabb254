"""A submitted Ofsted return stays submitted.

Once a manager marks a year's return as sent to Ofsted, the figures sent are kept as they
were. Records added or corrected later (an imported tracker with a past approval, a late
withdrawal code) may change what the return would say now: those differences are listed
against the submitted figures, so the service can tell Ofsted or explain them, instead of
last year's figures changing under it without a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from crm.extensions import db
from crm.metrics.ofsted import TYPES, ReturnRow
from crm.models import SubmittedReturn, User


class SubmissionRefused(ValueError):
    """A marking the rules refuse, in words for the form."""


@dataclass(frozen=True)
class ChangedFigure:
    """One figure of the return that differs from what was submitted (None: the measure
    was not in one of the two)."""

    section: str
    measure: str
    carer_type: str
    submitted: int | None
    now: int | None


def submitted_return(year: int) -> SubmittedReturn | None:
    return db.session.scalar(
        sa.select(SubmittedReturn).where(SubmittedReturn.financial_year == year)
    )


def mark_submitted(
    year: int, rows: list[ReturnRow], submitted_on: date, by: User, today: date
) -> SubmittedReturn:
    """Keep `rows` as the figures sent for `year` (marking again replaces them: a
    resubmission). A return covers April to March, so it cannot be sent before the year
    has ended, nor on a day still to come. Does not commit."""
    if submitted_on > today:
        raise SubmissionRefused("The day it was submitted cannot be in the future.")
    if submitted_on <= date(year + 1, 3, 31):
        raise SubmissionRefused(
            f"The {year}-{str(year + 1)[2:]} return covers up to 31 Mar {year + 1}: it "
            "cannot have been submitted before the year ended."
        )
    figures = [{"section": r.section, "measure": r.measure, "by_type": r.by_type} for r in rows]
    kept = submitted_return(year)
    if kept is None:
        kept = SubmittedReturn(financial_year=year)
        db.session.add(kept)
    kept.submitted_on, kept.submitted_by, kept.figures = submitted_on, by, figures
    return kept


def changes_since(kept: SubmittedReturn, rows: list[ReturnRow]) -> list[ChangedFigure]:
    """Every figure that now differs from the submitted one, by carer type and in total,
    in the return's order."""
    then = {(f["section"], f["measure"]): f["by_type"] for f in kept.figures}
    now = {(r.section, r.measure): r.by_type for r in rows}
    order = [(r.section, r.measure) for r in rows]
    order += [key for key in then if key not in now]
    changed = []
    for key in order:
        before, after = then.get(key), now.get(key)
        for label, value in [(t.label, t.value) for t in TYPES] + [("Total", None)]:
            old = _figure(before, value)
            new = _figure(after, value)
            if old != new:
                changed.append(ChangedFigure(*key, label, old, new))
    return changed


def _figure(by_type: dict | None, carer_type: str | None) -> int | None:
    if by_type is None:
        return None
    if carer_type is None:
        return sum(by_type.values())
    return by_type.get(carer_type, 0)

"""Stage 1: the checks the regulation asks for, and the decision that an applicant is
not suitable, with the working days in which it is made and told.

The Fostering Services (England) Regulations 2011, reg 26(1A): the fostering service
provider "(a) must, as soon as reasonably practicable, obtain the information specified
in Part 1 of Schedule 3 relating to X and other members of X's household and family,
(b) where X has been a foster parent within the preceding 12 months and was approved as
such by another fostering service provider, must request a written reference from that
other fostering service provider, (c) except in a case where (b) applies and the other
fostering service provider provides the reference requested, must interview at least
two persons nominated by X to provide personal references for X, and prepare written
reports of the interviews, (d) except where the fostering service provider is a local
authority and X lives in the area of that authority, must consult, and take into
account the views of, the local authority in whose area X lives" (the revised text on
legislation.gov.uk). Part 1 of Schedule 3 is the Stage 1 information. Its English
text was not to hand when this was written; the Welsh equivalent (Fostering Panels
(Wales) Regulations 2018, Sch 1 Part 1) lists identity, "details of health (supported
by a medical report)", the household's other adults and children, the accommodation,
earlier applications to foster or adopt and any previous approval, a previous
fostering provider's name, two personal referees, and "in relation to the person and
any other member of the person's household who is aged 18 or over, an enhanced
criminal record certificate". CheckKind holds what is requested and received: the
DBS, medical, local authority checks, personal, employer and ex-partner references
already there, plus the previous fostering service's reference (26(1A)(b)), the
consultation with the authority where the applicant lives (26(1A)(d)) and a reference
from work with children or vulnerable adults.

If on that information the service considers X not suitable, it tells X so in writing
with its reasons and the assessment stops there: a Stage 1 decision, not a qualifying
determination (those follow the full assessment, reg 27), so no representations and
no IRM (domain.md: "A Stage 1 'not suitable' decision is not a qualifying
determination"). The paragraph of reg 26 that says so was not checked here.
domain.md: services "decide on Stage 1 within 10 working days of receiving the Stage 1
information" (`stage1_decision_working_days`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crm.domain.settings import Settings
from crm.domain.stages import EventKind, Stage
from crm.domain.working_days import add_working_days
from crm.formatting import uk_date


class Stage1Refused(ValueError):
    """A Stage 1 decision the rules refuse; the message says why."""


def decision_due_on(last_check_received: date, settings: Settings) -> date:
    """The Stage 1 decision (and a "not suitable" letter) is due this many working days
    after the last check was received (bank holidays and weekends not counted)."""
    return add_working_days(last_check_received, settings.stage1_decision_working_days)


def decision_overdue(received: list[date | None], day: date, settings: Settings) -> date | None:
    """The day a Stage 1 decision fell due, when it is late on `day`, for a case still
    waiting for it (in Stage 1, or found not suitable and not yet told: the caller
    chooses those): every check requested has come back (`received` holds each one's
    day, None while outstanding), and more working days than the setting have passed
    since the last. None otherwise."""
    if not received or any(r is None for r in received):
        return None
    due = decision_due_on(max(r for r in received if r is not None), settings)
    return due if day > due else None


def check_decision(
    state: Any, decided_on: date, notified_on: date | None, existing: Any, as_of: date
) -> None:
    """Only a case in Stage 1 (after its application, before Stage 2) is found not
    suitable at Stage 1, once; not in the future; told on or after the decision."""
    if existing is not None:
        raise Stage1Refused("This applicant was already found not suitable at Stage 1.")
    if state.stage is not Stage.STAGE1:
        raise Stage1Refused("Only an application still in Stage 1 has a Stage 1 decision.")
    applied = state.milestones.get(EventKind.APPLICATION)
    if applied is not None and decided_on < applied:
        raise Stage1Refused(
            f"The decision cannot come before the application ({uk_date(applied)})."
        )
    if decided_on > as_of:
        raise Stage1Refused("The decision cannot be in the future.")
    if notified_on is not None:
        check_notified(decided_on, None, notified_on, as_of)


def check_notified(decided_on: date, already: date | None, on: date, as_of: date) -> None:
    if already is not None:
        raise Stage1Refused(f"The applicant was already told on {uk_date(already)}.")
    if on < decided_on:
        raise Stage1Refused("The applicant is told on or after the decision.")
    if on > as_of:
        raise Stage1Refused("The letter cannot be sent in the future.")

"""The fostering panel and the agency decision, as pure rules.

Fostering Services (England) Regulations 2011, regs 23-25, and the National Minimum
Standards 2011, standard 14:

- Reg 23(1): "The fostering service provider must maintain a list of persons who are
  considered by them to be suitable to be members of a fostering panel ("the central
  list"), including one or more social workers who have at least three years' relevant
  post-qualifying experience." Reg 23(4) appoints from that list an independent chair
  and "one or two persons who may act as chair if the person appointed to chair the
  panel is absent or that office is vacant ("the vice chairs")".
- Reg 24(1), the quorum (see `quorum`).
- Reg 25: the panel recommends (whether a person is suitable, and on what terms); the
  service decides. NMS 14.9: the agency decision maker decides within 7 working days of
  receiving the recommendation and the final set of panel minutes (see
  `decision_due_on`).

Panel members are people on the central list, not Hearth users: they do not sign in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from crm.domain.labelled import LabelledEnum
from crm.domain.working_days import add_working_days, working_days_between
from crm.formatting import uk_date


class PanelRole(LabelledEnum):
    """A member's place on the central list (one each)."""

    CHAIR = "chair", "Independent chair"
    VICE_CHAIR = "vice_chair", "Vice chair"
    SOCIAL_WORKER = "social_worker", "Social worker (3+ years post-qualifying)"
    INDEPENDENT = "independent", "Independent member"
    OTHER = "other", "Other member"


class PanelItemKind(LabelledEnum):
    """What the panel is asked to consider (reg 25(1))."""

    APPLICATION = "application", "Application for approval"
    FIRST_REVIEW = "first_review", "First review of approval (reg 28(5))"
    OTHER_REVIEW = "other_review", "Other review of approval"
    TERMINATION = "termination", "Termination of approval"
    EXEMPTION = "exemption", "Exemption from the usual fostering limit"
    CONNECTED_PERSON = "connected_person", "Connected person (family and friends)"

    @property
    def is_application(self) -> bool:
        """An item that asks whether a case's applicants should be approved: its
        recommendation is the case's panel step."""
        return self in (PanelItemKind.APPLICATION, PanelItemKind.CONNECTED_PERSON)


class Recommendation(LabelledEnum):
    """What the panel recommends (reg 25(1)(a), (b)); a deferral asks for more first."""

    APPROVE = "approve", "Approve, on the terms given"
    NOT_APPROVE = "not_approve", "Do not approve"
    DEFER = "defer", "Defer"


class Decision(LabelledEnum):
    """The agency decision maker's decision on a recommendation."""

    APPROVE = "approve", "Approve"
    NOT_APPROVE = "not_approve", "Do not approve"


#: The quorum's numbers and roles, named once.
QUORUM_MEMBERS = 5
CHAIR_ROLES = frozenset({PanelRole.CHAIR, PanelRole.VICE_CHAIR})

#: NMS 14.9: working days the decision maker has after receiving the final minutes.
DECISION_WORKING_DAYS = 7

#: NMS 14: each panel member's performance is reviewed (appraised) once a year.
APPRAISAL_MONTHS = 12


@dataclass(frozen=True)
class Quorum:
    """A sitting's attendance judged by reg 24(1): the limbs met and those missing."""

    members: int
    chair: bool
    social_worker: bool

    @property
    def quorate(self) -> bool:
        return not self.missing

    @property
    def missing(self) -> list[str]:
        """Why the sitting is not quorate, a limb at a time (none: quorate)."""
        found = []
        if self.members < QUORUM_MEMBERS:
            found.append(f"{self.members} members attended; at least {QUORUM_MEMBERS} must")
        if not self.chair:
            found.append("neither the chair nor a vice chair attended")
        if not self.social_worker:
            found.append("no social worker with three years' post-qualifying experience attended")
        return found


def quorum(roles: Iterable[PanelRole]) -> Quorum:
    """Whether the members who attended (their roles on the central list) make a quorate
    panel.

    Reg 24(1) of the Fostering Services (England) Regulations 2011 (Meetings of fostering
    panel), as amended in 2013: no business may be conducted by a fostering panel unless
    at least five of its members meet as the panel, including the person appointed to
    chair it or one of the vice chairs, and one member who is a social worker with at
    least three years' relevant post-qualifying experience (six for a panel constituted
    jointly by several providers, which Hearth does not keep). The 2013 amendment took
    out the independent member the regulation first required; independent members stay
    on the central list, they are not a limb of the quorum. (The stored reference text
    held reg 23 as made but not reg 24's current words: check the wording against
    legislation.gov.uk before relying on it.) A member holds one role on the list, so
    one who is both a vice chair and a qualified social worker counts as the vice chair
    here: record them as the role the sitting needs.
    """
    attended = list(roles)
    return Quorum(
        members=len(attended),
        chair=any(role in CHAIR_ROLES for role in attended),
        social_worker=PanelRole.SOCIAL_WORKER in attended,
    )


def on_list(joined_on: date, left_on: date | None, day: date) -> bool:
    """A member is on the central list from the day they joined until the day before
    they left (reg 23(2), (3): they leave on notice)."""
    return joined_on <= day and (left_on is None or day < left_on)


def appraisal_due_on(joined_on: date, last_appraised_on: date | None) -> date:
    """A member's next appraisal: a year after the last, or after joining (NMS 14: the
    performance of each panel member, including the chair, is reviewed annually)."""
    return (last_appraised_on or joined_on) + relativedelta(months=APPRAISAL_MONTHS)


def appraisal_overdue(
    joined_on: date, left_on: date | None, last_appraised_on: date | None, day: date
) -> bool:
    """A member still on the list whose annual appraisal is past due on `day`."""
    return on_list(joined_on, left_on, day) and day > appraisal_due_on(joined_on, last_appraised_on)


class DecisionRefused(ValueError):
    """A recommendation or decision the rules refuse; the message says why."""


def check_recommendation(
    quorate: bool, recommendation: Recommendation, reasons: str | None, asked_for: str | None
) -> None:
    """Reg 24(1): an inquorate panel makes no recommendation. Reg 25 and the panel's
    written record (reg 24(2)) give the reasons; a deferral says what the panel asked
    for before it will recommend."""
    if not quorate:
        raise DecisionRefused(
            "The sitting is not quorate (reg 24(1)): the panel cannot make a recommendation."
        )
    if not (reasons or "").strip():
        raise DecisionRefused("Give the panel's reasons for its recommendation.")
    if recommendation is Recommendation.DEFER and not (asked_for or "").strip():
        raise DecisionRefused("Say what the panel asked for before it will recommend.")


def check_decision(
    recommendation: Recommendation | None,
    decision: Decision,
    reason_against: str | None,
) -> None:
    """The decision maker decides on a recommendation the panel made (reg 25; NMS 14),
    and a decision against it is written with the reason: the decision maker takes the
    panel's recommendation into account (reg 27), so one that departs from it says
    why, for the applicant's letter and for an inspector."""
    if recommendation is None:
        raise DecisionRefused("The panel has not recommended yet: record its recommendation.")
    if recommendation is Recommendation.DEFER:
        raise DecisionRefused(
            "The panel deferred this item: it goes back to panel before a decision."
        )
    if decision != recommendation and not (reason_against or "").strip():
        raise DecisionRefused("The decision differs from the panel's recommendation: say why.")


def decision_due_on(minutes_received_on: date) -> date:
    """The last day for the agency decision: 7 working days after receiving the panel's
    recommendation and final minutes (NMS 14.9: "The decision maker makes a considered
    decision ... within 7 working days of receipt of the recommendation and final set of
    panel minutes"). Working days skip weekends and England's bank holidays: minutes
    received on Thursday 24 December 2026 give until Thursday 7 January 2027."""
    return add_working_days(minutes_received_on, DECISION_WORKING_DAYS)


def decision_on_time(minutes_received_on: date | None, decided_on: date) -> bool | None:
    """Whether a decision kept NMS 14.9's 7 working days from the final minutes; None
    when the minutes' date was not recorded (then it is neither on time nor late)."""
    if minutes_received_on is None:
        return None
    return working_days_between(minutes_received_on, decided_on) <= DECISION_WORKING_DAYS


def decision_late(minutes_received_on: date | None, as_of: date, limit: int) -> str | None:
    """Why a recommendation still waiting for the decision on `as_of` is late by the
    service's limit of working days after the final minutes (NMS 14.9; the limit is the
    `decision_limit_working_days` setting, 7 by default), or None. The clock starts at
    the minutes: with none recorded yet it has not started."""
    if minutes_received_on is None:
        return None
    waited = working_days_between(minutes_received_on, as_of)
    if waited <= limit:
        return None
    due = add_working_days(minutes_received_on, limit)
    return (
        f"no agency decision {waited} working days after the final panel minutes were "
        f"received on {uk_date(minutes_received_on)} (due by {uk_date(due)}; NMS 14.9)"
    )

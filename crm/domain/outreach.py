"""Messages the service sends by itself to people outside it, and when each is due.

Every automated message's timing rule is here, in one place; the nightly job
(jobs/outreach.py) asks these rules what is due and queues it once, keyed by
(record, kind, due date), so two runs never queue the same reason twice.

They are not clocks (crm/clocks/registry.py): a clock tells staff a duty is late;
these tell the applicant or carer something is coming, or ask after them.

- Acknowledgement: right after the public enquiry form, when the enquirer gave an
  email (sent by the form itself, not by the nightly job).
- Initial visit reminder: `VISIT_REMINDER_DAYS` before a booked initial home visit.
- Panel reminder: `PANEL_REMINDER_DAYS` before the panel date booked on the case.
- "We haven't heard from you": an open case that has not yet applied (enquiry, first
  contact or initial visit stage) with nothing recorded on it for `quiet_spell_days`
  (a setting, 28 by default: the same spell after which domain.md calls a case inactive). Due on
  the day the spell ends, so a case that goes quiet again after a new activity gets a
  new message, never a second one for the same spell. Only before application: once
  someone has applied, their assessing worker is in touch and a form letter would be
  out of place.
- Review reminder to carers: `REVIEW_REMINDER_DAYS` before the household's annual
  review is due (regulation 28: at least once a year, from approval).
- Reference chasers wait for referees to be built (issue 35 item 3).

A person who opts out (the link in every automated message) gets no later automated
message of any kind; the acknowledgement of an enquiry they make is still sent, as it
answers something they just did.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date, timedelta

from crm.domain.labelled import LabelledEnum

VISIT_REMINDER_DAYS = 2
PANEL_REMINDER_DAYS = 7
REVIEW_REMINDER_DAYS = 28
#: A message whose day passed while no job ran (a server down over a weekend) is still
#: sent this many days late, and not later: the day Hearth starts sending, an enquiry
#: that went quiet a year ago is not suddenly asked "are you still thinking about it?".
LATE_BY_AT_MOST = 7
#: Tries to send one message (the first straight after it is queued, then the retry
#: job's) before it is given up as failed and shown to staff.
MAX_ATTEMPTS = 5


class MessageKind(LabelledEnum):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement of an enquiry"
    INITIAL_VISIT_REMINDER = "initial_visit_reminder", "Initial visit reminder"
    PANEL_REMINDER = "panel_reminder", "Panel reminder"
    QUIET_SPELL = "quiet_spell", "We haven't heard from you"
    REVIEW_REMINDER = "review_reminder", "Annual review reminder (carers)"


class Channel(LabelledEnum):
    EMAIL = "email"
    TEXT = "text", "Text message"


class MessageStatus(LabelledEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed", "Failed (gave up)"
    #: Not sent because they asked for no more (the opt-out came after it was queued).
    CANCELLED = "cancelled", "Not sent (they asked for no more)"


#: The placeholders each message may use; anything else is refused when the
#: template is saved, so a typo never reaches an applicant as "{frist_name}".
COMMON = ("first_name", "council_name", "reference", "officer_name", "team_phone")
PLACEHOLDERS: dict[MessageKind, tuple[str, ...]] = {
    MessageKind.ACKNOWLEDGEMENT: COMMON,
    MessageKind.INITIAL_VISIT_REMINDER: (*COMMON, "visit_date", "visit_time"),
    MessageKind.PANEL_REMINDER: (*COMMON, "panel_date"),
    MessageKind.QUIET_SPELL: (*COMMON, "opt_out_link"),
    MessageKind.REVIEW_REMINDER: (*COMMON, "review_date"),
}

#: What a message must say, so the council's editing cannot lose it: the enquirer's
#: reference in their acknowledgement, and the easy way to stop "we haven't heard from
#: you" (the link that needs no sign-in).
REQUIRED_IN_BODY: dict[MessageKind, tuple[str, ...]] = {
    MessageKind.ACKNOWLEDGEMENT: ("reference",),
    MessageKind.QUIET_SPELL: ("opt_out_link",),
}


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


_SIGN_OFF = "\n\n{council_name} fostering team\n{team_phone}"
_STOP = "\n\nTo stop these messages: {opt_out_link}"
DEFAULTS: dict[MessageKind, Wording] = {
    MessageKind.ACKNOWLEDGEMENT: Wording(
        "We have your enquiry about fostering ({reference})",
        "Dear {first_name},\n\nThank you for asking about fostering with {council_name}. "
        "Your reference is {reference}.\n\nWhat happens next: one of our team will call "
        "you within two working days to talk it through and answer your questions. "
        "If you would like a visit, we will book one with you then. There is nothing "
        "you need to do before we call." + _SIGN_OFF,
    ),
    MessageKind.INITIAL_VISIT_REMINDER: Wording(
        "Your fostering visit on {visit_date}",
        "Dear {first_name},\n\nA reminder that {officer_name} will visit you on "
        "{visit_date} at {visit_time} to talk about fostering. If that no longer suits "
        "you, please call us." + _SIGN_OFF,
    ),
    MessageKind.PANEL_REMINDER: Wording(
        "Your fostering panel on {panel_date}",
        "Dear {first_name},\n\nA reminder that your fostering panel meets on "
        "{panel_date}. {officer_name} will tell you the time and what to expect." + _SIGN_OFF,
    ),
    MessageKind.QUIET_SPELL: Wording(
        "Are you still thinking about fostering?",
        "Dear {first_name},\n\nWe haven't heard from you for a while about fostering "
        "({reference}). If you would like to carry on, or have questions, just reply or "
        "call us. If now is not the right time, that is fine too." + _SIGN_OFF + _STOP,
    ),
    MessageKind.REVIEW_REMINDER: Wording(
        "Your annual review is due by {review_date}",
        "Dear {first_name},\n\nYour annual foster carer review is due by {review_date}. "
        "{officer_name} will be in touch to arrange it; you may like to start thinking "
        "about your own report for it." + _SIGN_OFF,
    ),
}


def placeholders_in(text: str) -> list[str] | None:
    """The placeholder names `text` uses, in order; None when its braces do not parse
    (an unclosed "{" or a lone "}")."""
    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return None


def template_problems(kind: MessageKind, subject: str, body: str) -> list[str]:
    """Why this wording cannot be saved, in words the person editing it can act on."""
    allowed = PLACEHOLDERS[kind]
    problems = []
    for part, text in (("subject", subject), ("message", body)):
        names = placeholders_in(text)
        if names is None:
            problems.append(
                f"The {part} has a {{ or }} that does not close a placeholder; "
                "write placeholders as {first_name}."
            )
            continue
        unknown = [n for n in dict.fromkeys(names) if n not in allowed]
        if unknown:
            problems.append(
                f"The {part} uses "
                + ", ".join("{" + n + "}" for n in unknown)
                + ", which this message cannot fill. It can use: "
                + ", ".join("{" + n + "}" for n in allowed)
                + "."
            )
    body_names = placeholders_in(body) or []
    for name in REQUIRED_IN_BODY.get(kind, ()):
        if name not in body_names:
            problems.append(f"The message must include {{{name}}}: {_WHY_REQUIRED[name]}.")
    return problems


_WHY_REQUIRED = {
    "reference": "the enquirer needs their reference",
    "opt_out_link": "it is how people stop these messages without signing in",
}


def render(text: str, values: dict[str, str]) -> str:
    """The wording with its placeholders filled (the template was checked when saved;
    a value missing for this person is left blank rather than failing)."""
    names = placeholders_in(text) or []
    return text.format_map({name: values.get(name, "") for name in names})


# Timing rules: each returns the day the message is due, or None when none is due.


def visit_reminder_due(visit_date: date) -> date:
    return visit_date - timedelta(days=VISIT_REMINDER_DAYS)


def panel_reminder_due(panel_date: date) -> date:
    return panel_date - timedelta(days=PANEL_REMINDER_DAYS)


def review_reminder_due(review_due: date) -> date:
    return review_due - timedelta(days=REVIEW_REMINDER_DAYS)


def quiet_spell_due(
    before_application: bool, last_heard: date, quiet_spell_days: int
) -> date | None:
    """The day an open case that has not applied has been quiet for the whole spell:
    `last_heard` is the last thing recorded on it (its enquiry date when nothing was)."""
    if not before_application:
        return None
    return last_heard + timedelta(days=quiet_spell_days)


def is_due(due_on: date, as_of: date, event_on: date | None = None) -> bool:
    """Due from its day until the event it announces (a reminder after the visit is
    pointless), and at most LATE_BY_AT_MOST days late: a run missed for a day or two
    still sends it; a backlog older than that is never sent."""
    if not due_on <= as_of <= due_on + timedelta(days=LATE_BY_AT_MOST):
        return False
    return event_on is None or as_of < event_on

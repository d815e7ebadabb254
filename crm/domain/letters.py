"""Decision and determination letters: their kinds, the placeholders their wording may
use, and filling them in. Pure rules; the council edits the wording (crm/documents/letters.py).

- Approval: the decision maker's decision after the panel's recommendation (Fostering
  Services (England) Regulations 2011, reg 27(2)), with the terms of approval (reg 27(5)).
- Refusal, termination, change of terms: a qualifying determination, sent with the
  reasons and the right to make representations to the service or apply to the
  Independent Review Mechanism within 28 days (reg 27(4), 28(8)-(10)).
- Stage 1 not suitable: the decision at the end of Stage 1 (reg 26 and Schedule 3's
  checks) that an applicant is not suitable, given in writing with reasons; it is not
  a qualifying determination (reg 27's follow a Stage 2 assessment), so no IRM.
"""

from __future__ import annotations

import re
import string

from crm.domain.labelled import LabelledEnum


class LetterKind(LabelledEnum):
    APPROVAL = "approval", "Approval"
    REFUSAL = "refusal", "Proposal to refuse approval (qualifying determination)"
    TERMINATION = "termination", "Proposal to terminate approval (qualifying determination)"
    CHANGE_OF_TERMS = "change_of_terms", "Proposal to change the terms of approval"
    STAGE1_NOT_SUITABLE = "stage1_not_suitable", "Stage 1: not suitable to continue"


#: Every placeholder a letter's wording may use, and what it becomes.
PLACEHOLDERS: dict[str, str] = {
    "carer_names": "the applicants' or carers' names",
    "reference": "the case's or household's reference",
    "decision_date": "the date of the decision",
    "terms": "the terms of approval",
    "reasons": "the reasons, as the officer writes them on the draft",
    "council_name": "the council's name",
    "today": "the date the letter is drafted",
}

DEFAULT_WORDING: dict[LetterKind, str] = {
    LetterKind.APPROVAL: (
        "Dear {carer_names},\n\n"
        "Following the fostering panel's recommendation, I am pleased to tell you that on "
        "{decision_date} the agency decision maker approved you as foster carers.\n\n"
        "Your terms of approval are: {terms}.\n\n"
        "Your supervising social worker will be in touch to plan your first visit.\n\n"
        "Yours sincerely,\n\n{council_name} fostering service"
    ),
    LetterKind.REFUSAL: (
        "Dear {carer_names},\n\n"
        "On {decision_date} the agency decision maker considered your application and "
        "proposes not to approve you as foster carers, for these reasons:\n\n{reasons}\n\n"
        "This is a qualifying determination. Within 28 days of the date of this letter you "
        "may send us written representations, or apply to the Independent Review "
        "Mechanism for a review. If you do neither, the decision will be confirmed.\n\n"
        "Yours sincerely,\n\n{council_name} fostering service"
    ),
    LetterKind.TERMINATION: (
        "Dear {carer_names},\n\n"
        "On {decision_date} the agency decision maker, having reviewed your approval, "
        "proposes to terminate your approval as foster carers, for these reasons:\n\n"
        "{reasons}\n\n"
        "This is a qualifying determination. Within 28 days of the date of this letter you "
        "may send us written representations, or apply to the Independent Review "
        "Mechanism for a review.\n\n"
        "Yours sincerely,\n\n{council_name} fostering service"
    ),
    LetterKind.CHANGE_OF_TERMS: (
        "Dear {carer_names},\n\n"
        "On {decision_date} the agency decision maker, having reviewed your approval, "
        "proposes to change your terms of approval to: {terms}, for these reasons:\n\n"
        "{reasons}\n\n"
        "This is a qualifying determination. Within 28 days of the date of this letter you "
        "may send us written representations, or apply to the Independent Review "
        "Mechanism for a review.\n\n"
        "Yours sincerely,\n\n{council_name} fostering service"
    ),
    LetterKind.STAGE1_NOT_SUITABLE: (
        "Dear {carer_names},\n\n"
        "Thank you for your application to foster. Having completed the Stage 1 checks, "
        "on {decision_date} we decided that you are not suitable to continue to the "
        "Stage 2 assessment, for these reasons:\n\n{reasons}\n\n"
        "Yours sincerely,\n\n{council_name} fostering service"
    ),
}


class WordingRefused(ValueError):
    """Wording that cannot be filled in; the message says why, in the council's words."""


def placeholders_in(wording: str) -> list[str]:
    """The placeholders `wording` uses, in order; WordingRefused when a brace is left
    open or a placeholder is written in a way that cannot be filled ({0}, {name!r})."""
    try:
        fields = list(string.Formatter().parse(wording))
    except ValueError as error:
        raise WordingRefused(
            "A brace is not closed or not opened: write placeholders as {carer_names}, and "
            "a brace itself as {{ or }}."
        ) from error
    found = []
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if not re.fullmatch(r"[a-z_]+", name) or spec or conversion:
            raise WordingRefused(f"{{{name}}} is not a placeholder Hearth knows.")
        found.append(name)
    return found


def unknown_placeholders(wording: str) -> list[str]:
    """The placeholders `wording` uses that Hearth cannot fill, each once."""
    return list(dict.fromkeys(p for p in placeholders_in(wording) if p not in PLACEHOLDERS))


def fill(wording: str, values: dict[str, str]) -> str:
    """The wording with each placeholder replaced (one left blank is said as such)."""
    placeholders_in(wording)
    known = {name: values.get(name) or f"[{PLACEHOLDERS[name]}]" for name in PLACEHOLDERS}
    return wording.format_map(known)

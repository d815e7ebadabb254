"""Correcting and voiding what was recorded wrongly: the rules, in one place.

A record is never deleted: it is corrected (its fields changed, the old values and the
reason kept in the audit trail) or voided (kept, struck through, out of every figure).
Fostering records are evidence (the Fostering Services (England) Regulations 2011,
reg 22 and reg 30: the case record and the register are kept for years), so a
change must say why, and who made it is on the trail.

A case's steps are a sequence the pipeline's rules judge (crm/domain/stages.py):
a correction or a void is judged by replaying the whole corrected sequence through
the same rules, so that a corrected date can never put Stage 1 before the initial
visit, and voiding a step is allowed only when what follows it still holds. Voiding
the latest step takes the case back to where it stood before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from crm.domain.household_vocabulary import ALLEGATION_OUTCOMES
from crm.domain.stages import CaseState, EventKind, Step, TransitionRefused, replay

#: The longest reason kept (a sentence or two; the note holds the rest).
REASON_LENGTH = 500


class CorrectionRefused(ValueError):
    """A correction or void the rules refuse; the message says why, for the user."""


def check_reason(reason: str | None, what: str = "correction") -> str:
    """Every correction and every void says why (the trail keeps it with the change)."""
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionRefused(f"Say why: a {what} keeps its reason on the record.")
    if len(reason) > REASON_LENGTH:
        raise CorrectionRefused(f"Keep the reason under {REASON_LENGTH} characters.")
    return reason


def replay_corrected(steps: Sequence[Step], as_of: date) -> CaseState:
    """The case after its steps are replaced by `steps` (in the order recorded; sorted
    by date here, as the case reads them), each judged by the pipeline's rules: the
    stage order, no step in the future, a withdrawal's reason. Raises CorrectionRefused
    with the rule's words."""
    ordered = sorted(enumerate(steps), key=lambda pair: (pair[1].on, pair[0]))
    try:
        return replay([step for _, step in ordered], as_of)
    except TransitionRefused as refused:
        raise CorrectionRefused(f"The steps would no longer follow the rules: {refused}") from None


def check_step_correction(
    steps: Sequence[Step], index: int, corrected: Step, as_of: date
) -> CaseState:
    """Step `index` of `steps` (a case's live steps in date order) corrected to
    `corrected`: the whole sequence must still follow the pipeline's rules. Its kind
    stays what it was (a wrong kind is voided and the right step recorded)."""
    if corrected.kind is not steps[index].kind:
        raise CorrectionRefused("A step keeps its kind: void it and record the right step.")
    changed = [*steps[:index], corrected, *steps[index + 1 :]]
    return replay_corrected(changed, as_of)


def check_step_void(steps: Sequence[Step], index: int, as_of: date) -> CaseState:
    """Step `index` voided: the steps left must still follow the rules (voiding a middle
    milestone needs the later ones voided first), and the enquiry, which every case
    starts with, is never voided (a case entered by mistake is a duplicate to merge or
    a record to erase, crm/privacy/)."""
    if steps[index].kind is EventKind.ENQUIRY:
        raise CorrectionRefused(
            "A case starts with its enquiry: correct its date instead of voiding it."
        )
    left = [*steps[:index], *steps[index + 1 :]]
    try:
        return replay(left, as_of)
    except TransitionRefused as refused:
        raise CorrectionRefused(
            f"Later steps depend on this one ({refused}); void those first, latest first."
        ) from None


def check_allegation_outcome(current: str | None, outcome: str | None) -> str:
    """An allegation recorded while it was investigated gets its outcome when it is
    known, on the same record (a second allegation would be counted twice in the
    Ofsted return). Only an allegation still ongoing, and only a final outcome."""
    if current not in (None, "", "ongoing"):
        raise CorrectionRefused(
            "This allegation already has its outcome; correct the record to change it."
        )
    if outcome not in ALLEGATION_OUTCOMES or outcome == "ongoing":
        raise CorrectionRefused("Choose the outcome the investigation reached.")
    return outcome

"""Allegations against foster carers: their outcome, the LADO referral and the hold on
new placements while one is open.

Working Together to Safeguard Children 2023 (chapter 2, "Organisational
responsibilities", allegations against people who work with children) names the
outcomes of an allegation's investigation: substantiated, false, malicious, unfounded
and unsubstantiated (ALLEGATION_OUTCOMES); the Local Authority Designated Officer
(LADO) is told of it. NMS 22 asks the service to handle it so that children are safe
meanwhile: Hearth holds the household (no new placements) from the day the allegation
was made until the day its investigation concluded.
"""

from __future__ import annotations

from datetime import date

from crm.domain.household_vocabulary import ALLEGATION_OUTCOMES

#: The outcome an allegation carries while it is investigated (or none at all).
OPEN_OUTCOMES = (None, "", "ongoing")


def is_open(outcome: str | None) -> bool:
    """No outcome yet (an imported "Ongoing" in any case, too)."""
    return outcome is None or outcome.strip().lower() in ("", "ongoing")


def holds_on(made: date, outcome: str | None, concluded_on: date | None, day: date) -> bool:
    """An allegation holds the household's new placements on `day`: from the day it was
    made until the day its investigation concluded (that day no longer held). One with
    an outcome but no conclusion date (recorded before it was asked) no longer holds."""
    if made > day:
        return False
    if is_open(outcome):
        return True
    return concluded_on is not None and day < concluded_on


def check_conclusion(
    made: date, outcome: str | None, concluded_on: date | None, as_of: date
) -> str | None:
    """Why a conclusion cannot be recorded so, or None: a final outcome from Working
    Together's five, concluded on or after the day the allegation was made and not in
    the future."""
    if outcome not in ALLEGATION_OUTCOMES or outcome == "ongoing":
        return "Choose the outcome the investigation reached."
    if concluded_on is None:
        return "Give the day the investigation concluded."
    if concluded_on < made:
        return "The investigation concluded on or after the day the allegation was made."
    if concluded_on > as_of:
        return "The investigation's conclusion cannot be in the future."
    return None


def check_lado_referral(made: date, referred_on: date | None, as_of: date) -> str | None:
    """The LADO referral is made on or after the allegation, and not in the future."""
    if referred_on is None:
        return None
    if referred_on < made:
        return "The referral to the LADO follows the allegation."
    if referred_on > as_of:
        return "The referral to the LADO cannot be in the future."
    return None

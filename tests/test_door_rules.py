"""The rules of the applicant's task list (crm.domain.door), worked by hand."""

from __future__ import annotations

from crm.domain.door import (
    SECTION_OF,
    WITHDRAWAL_CHOICES,
    SectionStatus,
    check_page,
    missing,
    section_status,
)
from crm.domain.stages import APPLICANT_WITHDRAWAL_REASONS


def test_a_section_with_nothing_saved_has_not_started():
    assert section_status({}, completed=False) is SectionStatus.NOT_STARTED


def test_a_section_with_an_answer_saved_is_in_progress_until_confirmed():
    assert section_status({"pets": "A cat"}, completed=False) is SectionStatus.IN_PROGRESS
    assert section_status({"pets": "A cat"}, completed=True) is SectionStatus.COMPLETED


def test_the_third_referee_is_optional_but_the_first_two_are_not():
    referees = SECTION_OF["referees"]
    two = {f"referee{n}_{part}": "x@example.com" for n in (1, 2)
           for part in ("name", "relationship", "email")}  # fmt: skip
    assert missing(referees, two) == []
    assert [p.key for p in missing(referees, {})] == ["referee1", "referee2"]


def test_consent_to_the_dbs_check_must_be_given_not_refused():
    page = SECTION_OF["consents"].page("dbs")
    assert check_page(page, {"consent_dbs": "yes"})[1] == {}
    assert "consent_dbs" in check_page(page, {"consent_dbs": ""})[1]
    assert "consent_dbs" in check_page(page, {"consent_dbs": "no"})[1]


def test_a_referees_email_and_phone_are_checked_and_text_is_trimmed():
    page = SECTION_OF["referees"].page("referee1")
    values, errors = check_page(
        page,
        {"referee1_name": "  Ann Lee ", "referee1_relationship": "Friend",
         "referee1_email": "not an email", "referee1_phone": "call me"},
    )  # fmt: skip
    assert values["referee1_name"] == "Ann Lee"
    assert set(errors) == {"referee1_email", "referee1_phone"}


def test_an_answer_too_long_is_refused_not_cut_short():
    page = SECTION_OF["health"].page("conditions")
    _, errors = check_page(page, {"conditions": "x" * 3001})
    assert "3,000 characters or fewer" in errors["conditions"]


def test_every_withdrawal_an_applicant_can_choose_is_one_of_ofsteds_aw_codes():
    assert set(WITHDRAWAL_CHOICES) == set(APPLICANT_WITHDRAWAL_REASONS)

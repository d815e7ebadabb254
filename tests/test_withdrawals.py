"""Withdrawals before and after application apart; Ofsted's AW codes only for
applications the applicant withdrew before panel (domain.md, "Withdrawals")."""

from __future__ import annotations

from datetime import date

from crm.domain.stages import EventKind as K
from crm.metrics.engine import compute_metrics
from crm.metrics.ofsted import ofsted_return
from tests.factories import CaseFactory, advance

LATER = date(2030, 1, 1)
FROM, TO = date(2024, 4, 1), date(2025, 3, 31)

TO_APPLICATION = [
    (K.FIRST_CONTACT, date(2024, 5, 2)),
    (K.INITIAL_VISIT, date(2024, 5, 10)),
    (K.APPLICATION, date(2024, 6, 1)),
]


def withdrawn(ref: str, *steps) -> None:
    advance(CaseFactory(reference=ref, enquiry_date=date(2024, 5, 1)), *steps, today=LATER)


def build(db) -> None:
    withdrawn("NEVER-APPLIED", (K.WITHDRAWN_BY_APPLICANT, date(2024, 7, 1), "AW3"))
    withdrawn("APPLIED", *TO_APPLICATION, (K.WITHDRAWN_BY_APPLICANT, date(2024, 8, 1), "AW2"))
    withdrawn(
        "AFTER-PANEL",
        *TO_APPLICATION,
        (K.STAGE2_START, date(2024, 7, 1)),
        (K.PANEL, date(2024, 12, 1)),
        (K.WITHDRAWN_BY_APPLICANT, date(2024, 12, 10), "AW1"),
    )
    withdrawn("SERVICE", *TO_APPLICATION, (K.WITHDRAWN_BY_SERVICE, date(2024, 9, 1), "health"))
    db.session.commit()


def test_withdrawals_before_and_after_application_are_apart(db):
    build(db)
    found = compute_metrics(FROM, TO, LATER)["withdrawals"]
    assert found["before_application"] == {"by_applicant": 1, "by_service": 0}
    assert found["after_application"] == {"by_applicant": 2, "by_service": 1}


def test_aw_codes_count_only_applications_withdrawn_before_panel(db):
    build(db)
    by_reason = compute_metrics(FROM, TO, LATER)["withdrawals"]["applicant_before_panel_by_reason"]
    assert by_reason == {"AW1": 0, "AW2": 1, "AW3": 0, "AW4": 0, "AW5": 0, "AW0": 0}


def test_the_ofsted_return_and_the_engine_agree_on_withdrawals(db):
    build(db)
    engine = compute_metrics(FROM, TO, LATER)["withdrawals"]
    rows = {row.measure.strip(): row.total for row in ofsted_return(2024, LATER)}
    assert rows["Applications withdrawn by the applicant"] == 2
    assert (
        rows["Applications withdrawn by the applicant"]
        == (engine["after_application"]["by_applicant"])
    )
    assert (
        rows["Applications withdrawn by the service"] == engine["after_application"]["by_service"]
    )
    for code, n in engine["applicant_before_panel_by_reason"].items():
        assert next(v for k, v in rows.items() if f"before panel, {code}:" in k) == n

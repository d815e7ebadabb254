"""A tracker as councils really write it: blanks assumed and said, free text matched,
approved rows made households, and everything Hearth holds written back out."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm.imports.tracker import COLUMNS
from crm.models import AuditEvent, Household
from tests.tracker_files import APPROVED, WITHDRAWN, cases, run, write_csv


def test_a_blank_withdrawal_reason_imports_as_not_recorded_with_a_warning(db, tmp_path):
    rows = [
        {**WITHDRAWN, "reference": "W-1", "withdrawal_reason": ""},
        {
            "reference": "W-2",
            "enquiry_date": "2025-01-06",
            "outcome": "withdrawn_by_service",
            "outcome_date": "2025-01-08",
        },
    ]
    result = run(write_csv(tmp_path / "t.csv", *rows))
    assert result.errors == [] and result.created == 2
    held = cases(db)
    assert (held["W-1"].outcome_reason, held["W-2"].outcome_reason) == ("AW0", "other")
    assert [(w.row, w.column) for w in result.warnings if w.column == "withdrawal_reason"] == [
        (2, "withdrawal_reason"),
        (3, "withdrawal_reason"),
    ]
    assert any("counted as AW0 (other or unknown)" in str(w) for w in result.warnings)


@pytest.mark.parametrize(
    ("column", "given", "stored"),
    [
        ("source", "  Social   MEDIA ", "social_media"),
        ("carer_type", "Family and Friends", "kinship"),
        ("carer_type", "connected person", "kinship"),
        ("outcome", "Withdrawn by applicant", "withdrawn_by_applicant"),
    ],
)
def test_free_text_values_match_whatever_their_case_and_spacing(
    db, tmp_path, column, given, stored
):
    row = {**WITHDRAWN, column: given}
    result = run(write_csv(tmp_path / "t.csv", row))
    assert result.errors == []
    case = cases(db)["T-3"]
    value = case.stage if column == "outcome" else getattr(case, column)
    assert value == stored


def test_blank_optional_columns_are_assumed_and_said(db, tmp_path):
    result = run(write_csv(tmp_path / "t.csv", {"reference": "B-1", "enquiry_date": "2025-01-06"}))
    assert result.errors == [] and result.created == 1
    assumed = {w.column: w.assumed for w in result.warnings}
    assert assumed == {
        "source": "not recorded: counted as other",
        "carer_type": "not recorded: counted as mainstream",
    }


def test_an_approved_row_is_an_approved_household(db, tmp_path):
    result = run(write_csv(tmp_path / "t.csv", APPROVED))
    db.session.commit()
    [household] = db.session.scalars(sa.select(Household)).all()
    case = cases(db)[APPROVED["reference"]]
    assert (household.reference, household.case_id) == (case.reference, case.id)
    assert household.approval_date == case.approval_date
    assert any("its household is created" in w.assumed for w in result.warnings)


def test_reimporting_an_approved_row_never_makes_a_second_household(db, tmp_path):
    path = write_csv(tmp_path / "t.csv", APPROVED)
    run(path)
    db.session.commit()
    again = run(path)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == 1
    assert not any("its household is created" in w.assumed for w in again.warnings)


def test_a_manager_downloads_the_tracker_in_the_importers_columns(manager_client, db):
    from tests.factories import CaseFactory

    CaseFactory(reference="DL-1")
    db.session.commit()
    response = manager_client.get("/imports/export/tracker.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    header, first = response.get_data(as_text=True).splitlines()[:2]
    assert header.split(",") == COLUMNS and first.startswith("DL-1,")
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.entity_type == "Export")) == 1
    )


def test_an_unknown_export_is_not_found(manager_client):
    assert manager_client.get("/imports/export/everything.csv").status_code == 404


def test_the_cli_exports_and_refuses_to_overwrite(runner, tmp_path, db):
    target = tmp_path / "tracker.csv"
    assert runner.invoke(args=["export-tracker", str(target)]).exit_code == 0
    assert target.read_text().splitlines()[0].split(",") == COLUMNS
    again = runner.invoke(args=["export-tracker", str(target)])
    assert again.exit_code != 0 and "exists" in again.output

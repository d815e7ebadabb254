"""Hostile spreadsheets: a workbook whose XML declares a document type or entities
(billion laughs, an external entity naming the server's files, 100,000 nested
entities that crashed expat 2.5.0, CVE-2024-8176), a damaged one, or a CSV cell
past the csv module's limit. Each is refused on the upload page and by every
import command with a message saying what to do: no 500, no traceback, nothing
written or kept, and nothing of the server's files shown."""

from __future__ import annotations

import gc
import io
import os
import re
import subprocess
import sys
import time
import warnings
import zipfile
from functools import cache
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
WRITTEN_TO = ("cases", "households", "carer_events", "demand_counts", "audit_events")
ROUTES = ("/imports/tracker", "/imports/demand")
COMMANDS = ("import-tracker", "import-households", "import-carer-events", "import-demand")

#: What each refusal says (as the page shows it, HTML-escaped where it matters).
DECLARES = "holds XML declarations"
UNREADABLE = "not a readable .xlsx workbook"
SAVE_AGAIN = "save it again as .xlsx (or as CSV)"
LONG_CELL = "has a cell longer than 131,072 characters"

SECRET = Path("/etc/passwd").read_text().splitlines()[0]  # root:x:0:0:... on Debian


SHARED_STRINGS = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument'
    b'.spreadsheetml.sharedStrings+xml" />'
)


@cache
def parts() -> dict[str, bytes]:
    """A two-row workbook's parts as Excel writes them, its text in xl/sharedStrings.xml
    (openpyxl writes each cell's text inline, so it is moved there)."""
    book = Workbook()
    book.active.append(["reference", "enquiry_date", "first_name", "last_name"])
    book.active.append(["T-1", "2024-01-08", "Jo", "Bloggs"])
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as archive:
        made = {name: archive.read(name) for name in archive.namelist()}
    strings: list[str] = []

    def shared(cell: re.Match) -> str:
        strings.append(cell[2])
        return f'<c r="{cell[1]}" t="s"><v>{len(strings) - 1}</v></c>'

    sheet = made["xl/worksheets/sheet1.xml"].decode()
    made["xl/worksheets/sheet1.xml"] = re.sub(
        r'<c r="(\w+)" t="inlineStr"><is><t>([^<]*)</t></is></c>', shared, sheet
    ).encode()
    made["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{text}</t></si>" for text in strings)
        + "</sst>"
    ).encode()
    made["[Content_Types].xml"] = made["[Content_Types].xml"].replace(
        b"</Types>", SHARED_STRINGS + b"</Types>"
    )
    return made


def workbook(changed: dict[str, bytes | None] | None = None, stored: bool = False) -> bytes:
    """The workbook zipped, with some parts changed (None leaves a part out)."""
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in {**parts(), **(changed or {})}.items():
            if data is not None:
                archive.writestr(name, data)
    return out.getvalue()


def rewritten(name: str, change, stored: bool = False) -> bytes:
    """A good workbook with one part changed (to None: left out)."""
    return workbook({name: change(parts()[name])}, stored)


def declaring(name: str, dtd: str, cell: str | None = None, encoding: str = "utf-8") -> bytes:
    """A workbook whose part `name` starts with `dtd`, with Jo's cell replaced by `cell`."""

    def change(data: bytes) -> bytes:
        text = data.decode()
        if cell is not None:
            text = text.replace("<t>Jo</t>", f"<t>{cell}</t>")
        return f'<?xml version="1.0" encoding="{encoding}"?>{dtd}{text}'.encode(encoding)

    return rewritten(name, change)


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    return declaring("xl/sharedStrings.xml", f"<!DOCTYPE sst [{entities}]>", "&lol9;")


def external_entity() -> bytes:
    dtd = '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return declaring("xl/sharedStrings.xml", dtd, "&xxe;")


def nested_entities() -> bytes:
    """100,000 entities each naming the one before: expat 2.5.0 recursed through them
    all and overflowed its stack (CVE-2024-8176), taking the server process down."""
    entities = '<!ENTITY e0 "x">' + "".join(
        f'<!ENTITY e{i} "&e{i - 1};">' for i in range(1, 100_000)
    )
    return declaring("xl/sharedStrings.xml", f"<!DOCTYPE sst [{entities}]>", "&e99999;")


def sized(stated: str, *rows: str) -> bytes:
    """A workbook whose sheet states its size as `stated` and holds `rows` as well."""

    def change(data: bytes) -> bytes:
        sheet = data.decode().replace('<dimension ref="A1:D2" />', f'<dimension ref="{stated}" />')
        return sheet.replace("</sheetData>", "".join(rows) + "</sheetData>").encode()

    return rewritten("xl/worksheets/sheet1.xml", change)


def corrupted() -> bytes:
    """A sheet whose bytes no longer match its checksum (stored, so they can be changed)."""
    good = rewritten("xl/worksheets/sheet1.xml", lambda data: data, stored=True)
    return good.replace(b'<dimension ref="A1:D2" />', b'<dimension ref="A1:D9" />')


HOSTILE = {
    "billion-laughs": (billion_laughs, DECLARES),
    "external-entity": (external_entity, DECLARES),
    "nested-entities": (nested_entities, DECLARES),
    "doctype-in-shared-strings": (
        lambda: declaring("xl/sharedStrings.xml", "<!DOCTYPE sst>"),
        DECLARES,
    ),
    "doctype-in-workbook": (lambda: declaring("xl/workbook.xml", "<!DOCTYPE workbook>"), DECLARES),
    "doctype-in-content-types": (
        lambda: declaring("[Content_Types].xml", "<!DOCTYPE Types>"),
        DECLARES,
    ),
    "doctype-in-sheet": (
        lambda: declaring("xl/worksheets/sheet1.xml", '<!DOCTYPE worksheet [<!ENTITY a "b">]>'),
        DECLARES,
    ),
    "utf-16-billion-laughs": (
        lambda: declaring(
            "xl/sharedStrings.xml",
            '<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
            "&b;",
            encoding="utf-16",
        ),
        DECLARES,
    ),
    "sheet-cut-short": (
        lambda: rewritten("xl/worksheets/sheet1.xml", lambda data: data[: len(data) // 2]),
        UNREADABLE,
    ),
    "sheet-missing": (lambda: rewritten("xl/worksheets/sheet1.xml", lambda data: None), UNREADABLE),
    "shared-strings-not-xml": (
        lambda: rewritten("xl/sharedStrings.xml", lambda data: b"<sst><si><t>Jo</si>"),
        UNREADABLE,
    ),
    "checksum-wrong": (corrupted, UNREADABLE),
    "cell-past-column-1000": (
        lambda: sized("A1:D2", '<row r="3"><c r="A3" t="s"><v>0</v></c><c r="ALM3" s="0"/></row>'),
        "Hearth reads at most 1,000 columns",
    ),
    "row-past-excel": (
        lambda: sized("A1:D2", '<row r="2000000000"><c r="A2000000000"><v>1</v></c></row>'),
        "runs past row 1,048,576",
    ),
}


def hostile_csv() -> bytes:
    return (
        b"reference,enquiry_date,first_name,last_name\nT-1,2024-01-08," + b"x" * 200_000 + b",B\n"
    )


@cache
def payload(kind: str) -> bytes:
    return hostile_csv() if kind == "long-cell" else HOSTILE[kind][0]()


def said(kind: str) -> str:
    return LONG_CELL if kind == "long-cell" else HOSTILE[kind][1]


def filename(kind: str) -> str:
    return "hostile.csv" if kind == "long-cell" else "hostile.xlsx"


@cache
def read_in_a_subprocess(kind: str) -> subprocess.CompletedProcess:
    """Read the file in a child interpreter: a parser that crashes kills the child,
    not the test run."""
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"hearth-hostile-{os.getpid()}-{kind}.xlsx"
    path.write_bytes(payload(kind))
    script = (
        "import sys\n"
        "from crm.imports.reading import FileRejected, read_table\n"
        "try:\n"
        "    read_table(sys.argv[1])\n"
        "except FileRejected as refused:\n"
        "    print('refused:', refused)\n"
        "else:\n"
        "    print('read')\n"
    )
    try:
        return subprocess.run(
            [sys.executable, "-c", script, str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        path.unlink(missing_ok=True)


def safe_to_read_here(kind: str) -> bytes:
    """The payload, once a child interpreter has read the nested entities and lived."""
    if kind == "nested-entities":
        child = read_in_a_subprocess(kind)
        if child.returncode != 0:
            pytest.fail(f"reading it killed the interpreter (exit {child.returncode})")
    return payload(kind)


def written(db) -> dict[str, int]:
    return {t: db.session.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in WRITTEN_TO}


def staged_files(app) -> list[str]:
    folder = app.config["UPLOAD_FOLDER"]
    return [f for _, _, files in os.walk(folder) for f in files] if os.path.isdir(folder) else []


def upload(client, route: str, data: bytes, name: str) -> tuple[int, str]:
    """Werkzeug spools a body over 500 KB to a temporary file it leaves to the garbage
    collector: collect it here, not in the next test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        response = client.post(
            route, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
        )
        sent = response.status_code, response.get_data(as_text=True)
        response.close()
        del response
        gc.collect()
    return sent


KINDS = [*HOSTILE, "long-cell"]


def test_openpyxl_parses_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_behind_the_scan_the_parser_itself_refuses_entities():
    from defusedxml import EntitiesForbidden
    from openpyxl.xml.functions import fromstring

    with pytest.raises(EntitiesForbidden):
        fromstring('<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>')


def test_100000_nested_entities_are_refused_without_crashing_the_reader():
    child = read_in_a_subprocess("nested-entities")
    assert child.returncode == 0, f"exit {child.returncode}: {child.stderr[-500:]}"
    assert child.stdout.startswith("refused:") and DECLARES in child.stdout


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_file_is_refused_on_the_upload_page(manager_client, db, app, route, kind):
    data = safe_to_read_here(kind)
    before, kept = written(db), staged_files(app)
    status, page = upload(manager_client, route, data, filename(kind))
    assert status == 200, status
    assert said(kind) in page
    assert SECRET not in page
    assert written(db) == before and staged_files(app) == kept


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_file_is_refused_by_every_import_command(runner, db, tmp_path, command, kind):
    data = safe_to_read_here(kind)
    path = tmp_path / filename(kind)
    path.write_bytes(data)
    before = written(db)
    result = runner.invoke(args=[command, str(path)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # a ClickException, not a traceback
    assert said(kind) in result.output
    assert "Traceback" not in result.output and SECRET not in result.output
    assert written(db) == before
    assert not (tmp_path / f"{path.name}.errors.csv").exists()


def test_the_server_file_an_external_entity_names_is_never_read_into_a_case(manager_client, db):
    upload(manager_client, "/imports/tracker", payload("external-entity"), "t.xlsx")
    names = db.session.execute(sa.text("SELECT first_name, last_name FROM cases")).all()
    assert not any(SECRET in (first or "") + (last or "") for first, last in names)


def test_a_workbook_refused_for_declarations_says_what_to_do(manager_client):
    _, page = upload(manager_client, "/imports/tracker", payload("doctype-in-workbook"), "t.xlsx")
    assert SAVE_AGAIN in page


def test_the_long_cell_refusal_names_the_row_and_the_likely_quote(manager_client):
    _, page = upload(manager_client, "/imports/tracker", payload("long-cell"), "t.csv")
    assert "The row starting on line 2 of the CSV file" in page
    assert "opened and never closed" in page


def test_a_runaway_quote_past_the_cell_limit_names_the_row_it_starts_on(manager_client):
    rows = "".join(f"T-{n},2024-01-08,Jo,Bloggs\n" for n in range(2, 10_000))
    data = ('reference,enquiry_date,first_name,last_name\nT-1,2024-01-08,"Jo,B\n' + rows).encode()
    status, page = upload(manager_client, "/imports/tracker", data, "t.csv")
    assert status == 200
    assert "The row starting on line 2 of the CSV file" in page


def test_a_cell_just_under_the_limit_still_reads(tmp_path):
    from crm.imports.reading import read_table

    path = tmp_path / "long.csv"
    path.write_text("reference,note\nT-1," + "x" * 131_000 + "\n", encoding="utf-8")
    assert len(read_table(path).rows[0]["note"]) == 131_000


def test_a_sheet_is_read_as_it_holds_not_as_its_stated_size_says(tmp_path):
    from crm.imports.reading import read_table

    path = tmp_path / "understated.xlsx"
    path.write_bytes(sized("A1:D2", '<row r="3"><c r="A3"><v>7</v></c></row>'))
    assert [row["reference"] for row in read_table(path).rows] == ["T-1", "7"]


def test_a_stated_size_16384_columns_wide_does_not_pad_every_row(tmp_path):
    """openpyxl padded each of the 5,000 rows to 16,384 cells: 20 s for a 5 KB file."""
    from crm.imports.reading import read_table

    path = tmp_path / "wide.xlsx"
    path.write_bytes(sized("A1:XFD5000", '<row r="5000"><c r="A5000"><v>7</v></c></row>'))
    started = time.perf_counter()
    assert len(read_table(path).rows) == 2
    assert time.perf_counter() - started < 2


def test_a_good_workbook_still_reads_after_the_scan(tmp_path):
    from crm.imports.reading import read_table

    path = tmp_path / "good.xlsx"
    path.write_bytes(workbook())
    assert read_table(path).rows == [
        {
            "reference": "T-1",
            "enquiry_date": "2024-01-08",
            "first_name": "Jo",
            "last_name": "Bloggs",
        }
    ]


@pytest.mark.parametrize(
    ("route", "name", "staged_as"),
    [
        ("/imports/tracker", "tracker.csv", ".csv"),
        ("/imports/demand", "demand.csv", ".csv"),
    ],
)
def test_a_staged_file_the_reader_now_refuses_is_refused_on_its_preview(
    manager_client, db, app, route, name, staged_as
):
    """A file staged before a stricter check was deployed, previewed within its two
    hours: refused with the reader's message, never a 500, and let go."""
    header = b"reference,enquiry_date\r\n" if "tracker" in route else b"month,age_band\r\n"
    folder = Path(app.config["UPLOAD_FOLDER"])
    before = set(folder.iterdir())
    uploaded = manager_client.post(
        route,
        data={"file": (io.BytesIO(header + b"X1,2025-01-02\r\n"), name)},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302, uploaded.status_code
    (staged,) = [p for p in set(folder.iterdir()) - before if p.suffix == staged_as]
    staged.write_bytes(header + b'"' + b"x" * (200 * 1024) + b'"\r\n')
    preview = manager_client.get(uploaded.headers["Location"])
    assert preview.status_code == 302
    assert not staged.exists()
    page = manager_client.get(preview.headers["Location"]).get_data(as_text=True)
    assert "128" in page or "quote" in page

"""What a spreadsheet file must be before Hearth reads a row of it.

Councils' files come from Excel, LibreOffice and older case systems: UTF-8 with or
without a byte-order mark, sometimes semicolons between columns (a European
Excel), sometimes UTF-16 or Windows-1252. Uploads are also a way in for anyone
with an account: a workbook is a zip archive and can be a zip bomb (a few
kilobytes that expand to gigabytes), its XML can declare entities that expand
without end or read the server's files, and a cell can hold a formula. Each is
either read as meant or refused here, with a message saying what to do.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import IO


class FileRejected(ValueError):
    """The file as a whole cannot be read (wrong type, bad headers, not UTF-8...)."""


# A workbook may expand to this much in all, and no part of it by more than this
# ratio: a real 100,000-row tracker is about 15 MB zipped and 120 MB unzipped, at
# ratios under 20; a zip bomb's ratio runs to the thousands.
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 2_000
DELIMITERS = (",", ";", "\t")
#: How far a sheet may reach: Excel's own last row, and far more columns than any
#: importer reads (Excel allows 16,384). A row is read as wide as its last cell, so
#: one cell far to the right, or a row numbered in the billions, would otherwise cost
#: a small file hours of reading.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 1_000

#: XML that declares a document type or entities. Excel and LibreOffice never write
#: one into a workbook; it is how a file expands entities a billion times, reads the
#: server's own files (XXE), or crashes expat's parser (CVE-2024-8176).
DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
CHUNK = 1024 * 1024
#: What zipfile raises for a damaged archive (RuntimeError: encrypted;
#: NotImplementedError: compressed in a way it cannot read).
UNZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)
UNREADABLE = (
    "The file is not a readable .xlsx workbook: part of it is damaged or is not a "
    "spreadsheet. Open it in Excel, save it again as .xlsx (or as CSV), and upload that."
)
DECLARES_XML = (
    "The workbook holds XML declarations (<!DOCTYPE> or <!ENTITY>) that Excel never "
    "writes and that can be used to attack the server, so it was not opened. Open it in "
    "Excel, save it again as .xlsx (or as CSV), and upload that."
)


def csv_text(raw: bytes) -> str:
    """The text of a CSV file, which must be UTF-8 (a byte-order mark is allowed)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(
            "The CSV file is UTF-16 (Excel's 'Unicode Text'); save it as 'CSV UTF-8' instead."
        )
    if b"\x00" in raw:
        raise FileRejected("The file holds binary data, not CSV text; is it the right file?")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            "The CSV file is not UTF-8 text (perhaps Windows-1252 from an older Excel); "
            "save it as 'CSV UTF-8 (Comma delimited)' and upload it again."
        ) from exc


def delimiter(text: str) -> str:
    """The separator the header line uses: commas, or semicolons or tabs where a
    spreadsheet was saved that way, judged by which the header line has most of."""
    header = text.split("\n", 1)[0]
    return max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","


def check_workbook(source: str | Path | IO[bytes]) -> None:
    """Refuse a file that is not a zip archive, one that expands far too much, or one
    with a part that declares a document type or entities; before any XML is parsed."""
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
            _check_sizes(parts)
            if any(_declares(archive, part) for part in parts):
                raise FileRejected(DECLARES_XML)
    except FileRejected:
        raise
    except UNZIP_ERRORS as exc:
        raise FileRejected(UNREADABLE) from exc
    finally:
        if hasattr(source, "seek"):
            source.seek(0)


def _check_sizes(parts: list[zipfile.ZipInfo]) -> None:
    if len(parts) > MAX_PARTS:
        raise FileRejected("The workbook has too many parts to be a spreadsheet.")
    total = sum(part.file_size for part in parts)
    swollen = any(part.file_size > MAX_RATIO * max(part.compress_size, 1) for part in parts)
    if total > MAX_UNZIPPED_BYTES or swollen:
        raise FileRejected(
            "The workbook expands to far more than a spreadsheet of its size could hold, "
            "so it was not opened. Save it again from Excel, or as CSV, and upload that."
        )


def _declares(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Whether the part holds a declaration, read a megabyte at a time (zipfile stops
    at the part's stated size, checked above). Every part is read, whatever its name:
    the workbook's own lists say which part is XML. NULs are dropped before looking,
    so UTF-16 text (which expat reads too) is searched as well as UTF-8."""
    keep = max(map(len, DECLARATIONS)) - 1
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            text = tail + chunk.replace(b"\0", b"")
            if any(declaration in text for declaration in DECLARATIONS):
                return True
            tail = text[-keep:]
    return False


def too_far(row_number: int, columns: int) -> FileRejected:
    if row_number > MAX_ROWS:
        return FileRejected(
            f"The sheet runs past row {MAX_ROWS:,}, further than Excel itself allows, so it "
            "was not read. Open it in Excel, save it again as .xlsx (or as CSV), and upload that."
        )
    return FileRejected(
        f"Row {row_number} has cells as far right as column {columns:,}; Hearth reads at most "
        f"{MAX_COLUMNS:,} columns. Delete the columns after the last one with a header, "
        "save the file and upload it again."
    )


def formula_problem(row_number: int, column: str, formula: str) -> FileRejected:
    shown = formula if len(formula) <= 40 else formula[:39] + "…"
    return FileRejected(
        f"Row {row_number}, column {column} holds a formula ({shown}). Hearth imports "
        "values, not formulas: copy the sheet and Paste Special → Values, then upload it."
    )

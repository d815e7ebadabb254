"""What a spreadsheet file must be before Hearth reads a row of it.

Councils' files come from Excel, LibreOffice and older case systems: UTF-8 with or
without a byte-order mark, sometimes semicolons between columns (a European
Excel), sometimes UTF-16 or Windows-1252. Uploads are also a way in for anyone
with an account: a workbook is a zip archive and can be a zip bomb (a few
kilobytes that expand to gigabytes), and a cell can hold a formula. Each is
either read as meant or refused here, with a message saying what to do.
"""

from __future__ import annotations

import zipfile
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
    """Refuse a file that is not a zip archive, or one that expands far too much."""
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected("The file is not a readable .xlsx workbook.") from exc
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    if len(parts) > MAX_PARTS:
        raise FileRejected("The workbook has too many parts to be a spreadsheet.")
    total = sum(part.file_size for part in parts)
    swollen = any(part.file_size > MAX_RATIO * max(part.compress_size, 1) for part in parts)
    if total > MAX_UNZIPPED_BYTES or swollen:
        raise FileRejected(
            "The workbook expands to far more than a spreadsheet of its size could hold, "
            "so it was not opened. Save it again from Excel, or as CSV, and upload that."
        )


def formula_problem(row_number: int, column: str, formula: str) -> FileRejected:
    shown = formula if len(formula) <= 40 else formula[:39] + "…"
    return FileRejected(
        f"Row {row_number}, column {column} holds a formula ({shown}). Hearth imports "
        "values, not formulas: copy the sheet and Paste Special → Values, then upload it."
    )

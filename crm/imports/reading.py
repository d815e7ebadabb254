"""Reading CSV and XLSX files into rows of text, and the value parsers importers share."""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO

from email_validator import EmailNotValidError, validate_email

from crm.imports.files import (
    MAX_COLUMNS,
    MAX_ROWS,
    UNREADABLE,
    FileRejected,
    check_workbook,
    csv_text,
    delimiter,
    formula_problem,
    too_far,
)
from crm.plain_text import multi_line, plain, single_line
from crm.spreadsheets import GUARD, inert_row, unguarded

__all__ = ["FileRejected"]  # raised by every importer; defined with the file checks


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in one cell: row 1 is the header, so data starts at row 2."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason}"


@dataclass(frozen=True, order=True)
class RowWarning:
    """A value Hearth had to assume for one cell; the row imports all the same."""

    row: int
    column: str
    assumed: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.assumed}"


class CellProblem(Exception):
    """One cell an importer refuses: which column, and why (becomes a RowError)."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def by_name(
    options: Iterable[enum.Enum], text: str, words: dict[str, enum.Enum] | None = None
) -> enum.Enum | None:
    """The option whose stored value or label (or other `words` for it) `text` is,
    whatever its case and spacing."""
    wanted = plain(text)
    if words and wanted in words:
        return words[wanted]
    for option in options:
        if wanted in (plain(option.value), plain(getattr(option, "label", option.value))):
            return option
    return None


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[dict[str, str]]  # each row's cells as stripped text, by header
    #: The number a problem in the first row names: 2 when the headers are on row 1,
    #: later when a council's title rows come first (crm.imports.tracker_layout).
    first_row: int = 2
    #: Each row's own number in the file, where blank rows or title rows fall between
    #: (a council's tracker read through its layout); otherwise counted from first_row.
    numbers: list[int] | None = None

    def numbered(self) -> Iterable[tuple[int, dict[str, str]]]:
        """Each row with the number a problem in it names."""
        if self.numbers is not None:
            return zip(self.numbers, self.rows, strict=True)
        return enumerate(self.rows, start=self.first_row)


def read_table(
    source: str | Path | IO[bytes], filename: str | None = None, header_row: int = 1
) -> Table:
    """Read a .csv (UTF-8, with or without BOM) or .xlsx file's first sheet, its headers
    on `header_row` (the rows above it, a council's title, are passed over)."""
    return read_rows(source, filename, lambda rows: _table(rows, header_row))


def first_rows(
    source: str | Path | IO[bytes], filename: str | None = None, count: int = 30
) -> list[list[str]]:
    """The first `count` rows as text, blank ones included (as empty lists of cells), with
    the same checks as a whole read: where a council's header row may be."""

    def top(rows: Iterator[list[str]]) -> list[list[str]]:
        found = []
        for cells in rows:
            found.append([single_line(c).strip() for c in cells])
            if len(found) == count:
                break
        return found

    return read_rows(source, filename, top)


def read_rows(source: str | Path | IO[bytes], filename: str | None, reader):
    """`reader` (a function of the file's rows of text) applied to a .csv or .xlsx file."""
    name = (filename or str(source)).lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(source, reader)
    if name.endswith(".csv"):
        return _read_csv(source, reader)
    raise FileRejected("Upload a .csv or .xlsx file.")


def _read_csv(source: str | Path | IO[bytes], reader=None) -> Table:
    build = reader or _table
    raw = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    text = csv_text(raw)
    separator = delimiter(text)
    try:
        return build(_csv_rows(text, separator, strict=True))
    except csv.Error as exc:
        if "end of data" in str(exc):  # a quote never closed would swallow every row after
            raise FileRejected(
                "The CSV file cannot be read as rows: a quoted cell is never closed, so "
                'everything after it would be one cell. Check the quotes (") and save again.'
            ) from exc
    # Other slips (a stray quote inside a cell) read as Excel reads them.
    try:
        return build(_csv_rows(text, separator, strict=False))
    except csv.Error as exc:
        raise FileRejected(
            f"The CSV file cannot be read as rows ({exc}). Save it again from Excel as "
            "'CSV UTF-8 (Comma delimited)' and upload that."
        ) from exc


def _csv_rows(text: str, separator: str, strict: bool) -> Iterator[list[str]]:
    """The rows; a cell longer than the csv module's limit (128 KB, far more than any
    column an importer reads) refuses the file, saying where, rather than answer 500
    or be cut short."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=strict)
    ended = 0  # the line the last whole row ended on
    try:
        for row in reader:
            ended = reader.line_num
            yield row
    except csv.Error as exc:
        if "field larger than field limit" not in str(exc):
            raise
        raise FileRejected(
            f"The row starting on line {ended + 1} of the CSV file has a cell longer than "
            f"{csv.field_size_limit():,} characters, far more than any column holds: "
            'usually a quote (") opened and never closed, so the rows after it run into '
            "one cell. Check that row's quotes, save the file again and upload it."
        ) from exc


def _read_xlsx(source: str | Path | IO[bytes], reader=None) -> Table:
    """The first sheet, read only after check_workbook has passed the file; anything
    the XML parser or openpyxl then raises (a damaged part, a missing one, an entity
    defusedxml forbids) refuses the file rather than answer 500."""
    from openpyxl import load_workbook

    check_workbook(source)
    try:
        workbook = load_workbook(source, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileRejected(UNREADABLE) from exc
    try:
        return (reader or _table)(_values(workbook.worksheets[0]))
    except FileRejected:
        raise
    except Exception as exc:  # the sheet's XML is parsed only as its rows are read
        raise FileRejected(UNREADABLE) from exc
    finally:
        workbook.close()


def _values(sheet) -> Iterator[list[str]]:
    """Each row's cells as text; a formula refuses the file rather than be lost or run.
    The rows are those the sheet holds, not its stated size: openpyxl would cut off
    the rows past a stated last row and pad every row to a stated last column (16,384
    empty cells a row, from a file of a few kilobytes)."""
    sheet.reset_dimensions()
    headers: list[str] = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        if number > MAX_ROWS or len(row) > MAX_COLUMNS:
            raise too_far(number, len(row))
        cells = []
        for place, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                column = headers[place] if place < len(headers) else cell.column_letter
                raise formula_problem(number, column, str(cell.value))
            cells.append(_cell_text(cell.value))
        headers = headers or cells
        yield cells


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: Columns that hold a note, which keeps its line breaks; every other cell is one line.
MULTI_LINE_COLUMNS = frozenset({"note"})


def _cleaned(cells: list[str], multi_line_at: frozenset[int]) -> list[str]:
    """A row's cells without control characters (crm.plain_text), as the forms clean
    what is typed: a council's file can hold a NUL or a line break in a name as well."""
    return [
        multi_line(cell) if place in multi_line_at else single_line(cell)
        for place, cell in enumerate(cells)
    ]


def _table(rows: Iterator[list[str]], header_row: int = 1) -> Table:
    rows = iter(rows)
    try:
        for _ in range(header_row - 1):  # a council's title rows, above the headers
            next(rows)
        headers = [single_line(h).strip() for h in next(rows)]
    except StopIteration as exc:
        raise FileRejected("The file is empty.") from exc
    while headers and headers[-1] == "":
        headers.pop()
    data, width = [], len(headers)
    notes = frozenset(i for i, h in enumerate(headers) if h in MULTI_LINE_COLUMNS)
    for cells in rows:  # every cell is text: csv reads text, and _values makes it
        if not "".join(cells).isprintable():  # one test a row, not one a cell
            cells = _cleaned(cells, notes)
        cells = list(map(str.strip, cells))
        joined = "".join(cells)
        if GUARD in joined:  # one test a row (O'Brien's too), not one a cell
            cells = [unguarded(c) for c in cells]
            joined = "".join(cells)
        if not joined:
            continue  # blank lines and trailing empty rows
        if len(cells) > width and any(cells[width:]):
            raise FileRejected(
                f"Row {len(data) + header_row + 1} has more cells than there are headers."
            )
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        data.append(dict(zip(headers, cells, strict=False)))  # extra cells are blank
    return Table(headers, data, header_row + 1)


def check_headers(headers: list[str], allowed: list[str], required: list[str]) -> None:
    """Header names must be exact: unknown or missing ones reject the file."""
    unknown = [h for h in headers if h not in allowed]
    missing = [h for h in required if h not in headers]
    repeated = sorted({h for h in headers if headers.count(h) > 1})
    problems = []
    if missing:
        problems.append("missing required column(s): " + ", ".join(missing))
    if unknown:
        problems.append("unknown column(s): " + ", ".join(unknown))
    if repeated:
        problems.append("repeated column(s): " + ", ".join(repeated))
    if problems:
        raise FileRejected("; ".join(problems).capitalize() + ". Allowed: " + ", ".join(allowed))


@lru_cache(maxsize=32_768)
def parse_date(text: str) -> date:
    """YYYY-MM-DD or the UK's DD/MM/YYYY (03/04/2024 is 3 April). Remembered: a file's
    hundreds of thousands of dates fall on a few thousand days."""
    try:
        if "/" in text:
            day, month, year = text.split("/")
            if len(year) != 4:
                raise ValueError
            return date(int(year), int(month), int(day))
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date; use YYYY-MM-DD or DD/MM/YYYY") from exc


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})")
_WORDED_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ -]([a-z]+)\.?,?[ -](\d{2}|\d{4})")
_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?")


@lru_cache(maxsize=32_768)
def parse_uk_date(text: str) -> date:
    """A date as English councils write it, always day first: 2025-04-12, 12/04/2025,
    12/4/25, 12.4.2025, 12-04-25, 12 April 2025, 12 Apr 25, 12-Apr-2025 (a spreadsheet's
    midnight timestamp too). A two-digit year is this century's: a recruitment tracker
    holds no date before 2000."""
    cleaned = " ".join(text.lower().split())
    if stamp := _TIMESTAMP.fullmatch(cleaned):
        cleaned = stamp.group(1)
    try:
        if numeric := _NUMERIC_DATE.fullmatch(cleaned):
            day, month, year = (int(part) for part in numeric.groups())
        elif worded := _WORDED_DATE.fullmatch(cleaned):
            day, year = int(worded.group(1)), int(worded.group(3))
            month = MONTHS[worded.group(2)]
        else:
            return date.fromisoformat(cleaned)
        return date(year + 2000 if year < 100 else year, month, day)
    except (ValueError, KeyError) as exc:
        raise ValueError(
            f"{text!r} is not a date; use 12/04/2025 or 12 April 2025 (day first) or 2025-04-12"
        ) from exc


def write_error_rows(path: str | Path, table: Table, errors: list[RowError]) -> int:
    """Write each bad row as it was, with its reasons in an `errors` column."""
    reasons: dict[int, list[str]] = {}
    for error in errors:
        reasons.setdefault(error.row, []).append(f"{error.column}: {error.reason}")
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(inert_row(["row", *table.headers, "errors"]))
        for number, cells in table.numbered():
            if number in reasons:
                writer.writerow(
                    inert_row(
                        [number, *(cells[h] for h in table.headers), "; ".join(reasons[number])]
                    )
                )
    return len(reasons)


#: An unquoted ASCII local part (RFC 5322 dot-atom), which almost every address has.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_LOCAL_PART = re.compile(rf"{_ATOM}(\.{_ATOM})*")


@lru_cache(maxsize=4096)
def _domain_problem(domain: str) -> str | None:
    try:
        validate_email(f"x@{domain}", check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def email_problem(email: str) -> str | None:
    """email_validator's verdict. A plain local part is checked here and its domain
    once per file (a tracker's addresses share a few domains); anything unusual
    (quoted, international) goes to email_validator whole."""
    local, _, domain = email.rpartition("@")
    if local and len(local) <= 64 and _PLAIN_LOCAL_PART.fullmatch(local):
        return _domain_problem(domain)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None

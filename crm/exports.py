"""Tables out to CSV or XLSX, for any list page; every export of personal data is audited."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from crm import audit
from crm.models import AuditAction
from crm.plain_text import single_line
from crm.spreadsheets import inert_row, risky

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


UK_DATE = "DD/MM/YYYY"


def writable(value):
    """Text without the control characters a workbook cannot hold (openpyxl refuses them
    with IllegalCharacterError, a 500): forms and importers clean what comes in, but
    older records may still have them. Tab and line breaks stay. The CSV of the same
    list is cleaned alike, so both downloads hold the same text."""
    if isinstance(value, str) and not value.isprintable():
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _csv_value(value):
    """Dates the UK way (dd/mm/yyyy, which Excel in the UK reads as a date)."""
    if isinstance(value, datetime):
        value = value.date()
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else writable(value)


def _csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(inert_row(map(writable, headers)))
    writer.writerows(inert_row([_csv_value(v) for v in row]) for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def sheet_title(what: str) -> str:
    """A worksheet name Excel accepts (31 characters, none of []:*?/\\)."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", what.split(":")[-1].replace("_", " ")).strip()
    return (cleaned[:1].upper() + cleaned[1:])[:31] or "Export"


def _xlsx(
    headers: Sequence[str], rows: list[Sequence], title: str, caption: str | None = None
) -> bytes:
    """A sheet named for what it holds, its header row bold and frozen, columns wide
    enough to read, dates as Excel dates shown dd/mm/yyyy and numbers as numbers. A
    `caption` (what the figures are and which period they cover) is the first row, so a
    sheet passed on by email still says what it is."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(title))
    sheet.freeze_panes = "A3" if caption else "A2"
    for index, header in enumerate(headers, start=1):
        longest = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in rows[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 10), 60)
    if caption:
        first = _cell(sheet, single_line(caption))
        first.font = Font(bold=True)
        sheet.append([first])
    header_cells = []
    for header in headers:
        cell = _cell(sheet, header)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, value) -> WriteOnlyCell:
    """A date as a date shown the UK way; a string that looks like a formula as text
    (openpyxl would otherwise store it as a live formula); anything else as it is."""
    if isinstance(value, datetime):
        value = value.date()
    value = writable(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, date):
        cell.number_format = UK_DATE
    elif risky(value):
        cell.data_type = "s"
    return cell


def attachment(filename: str) -> str:
    """A Content-Disposition header that downloads as `filename`, whatever the name was
    made from: a record's reference with a line break in it made the header raise (a
    500), and one outside Latin-1 cannot be sent as a header at all. ASCII in
    `filename`, the name itself (UTF-8, RFC 6266) in `filename*`, as Flask's send_file."""
    name = single_line(filename)
    simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    quoted = simple.replace("\\", "\\\\").replace('"', '\\"')
    header = f'attachment; filename="{quoted}"'
    if simple != name:
        header += "; filename*=UTF-8''" + quote(name, safe="!#$&+-.^_`|~")
    return header


def export(
    name: str,
    fmt: str,
    headers: Sequence[str],
    rows: list[Sequence],
    what: str,
    caption: str | None = None,
) -> Response:
    """A download of `rows`, with an audit entry saying who exported what. The Excel
    sheet opens with `caption` (what and which period); the CSV stays one header row
    and its rows, for programs that read it."""
    body = _csv(headers, rows) if fmt == "csv" else _xlsx(headers, rows, what, caption)
    audit.record(AuditAction.EXPORTED, what, summary=f"{len(rows)} rows as {fmt.upper()}")
    return Response(
        body,
        mimetype=FORMATS[fmt],
        headers={"Content-Disposition": attachment(f"{name}.{fmt}")},
    )

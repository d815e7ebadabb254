"""Tables out to CSV or XLSX, for any list page; every export of personal data is audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from crm import audit
from crm.models import AuditAction
from crm.spreadsheets import inert_row, risky

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(inert_row(headers))
    writer.writerows(inert_row(row) for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def _xlsx(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([_text_cell(sheet, v) for v in headers])
    for row in rows:
        sheet.append([_text_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text_cell(sheet, value):
    """A string that looks like a formula is written as text (openpyxl would otherwise
    store it as a live formula); everything else as it is."""
    if not risky(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def export(
    name: str, fmt: str, headers: Sequence[str], rows: list[Sequence], what: str
) -> Response:
    """A download of `rows`, with an audit entry saying who exported what."""
    body = _csv(headers, rows) if fmt == "csv" else _xlsx(headers, rows)
    audit.record(AuditAction.EXPORTED, what, summary=f"{len(rows)} rows as {fmt.upper()}")
    return Response(
        body,
        mimetype=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )

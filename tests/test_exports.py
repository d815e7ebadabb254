"""Lists download as CSV or XLSX, exactly as filtered, and every download is audited."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from crm.domain.stages import EventKind
from crm.models import AuditAction, AuditEvent
from tests.factories import CaseFactory, advance


def test_the_case_list_downloads_as_csv_with_its_filters(manager_client, db):
    applied = advance(
        CaseFactory(reference="X-APP"),
        (EventKind.FIRST_CONTACT, date(2025, 4, 2)),
        (EventKind.INITIAL_VISIT, date(2025, 4, 9)),
        (EventKind.APPLICATION, date(2025, 5, 1)),
    )
    CaseFactory(reference="X-NEW")
    response = manager_client.get("/cases/export.csv?stage=stage1")
    assert response.headers["Content-Disposition"] == 'attachment; filename="cases.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["Reference"] for r in rows] == [applied.reference]
    assert rows[0]["Application"] == "01/05/2025"


def test_the_case_list_downloads_as_xlsx(manager_client, db):
    CaseFactory(reference="X-1")
    response = manager_client.get("/cases/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Reference" and rows[1][0] == "X-1"


def test_a_spreadsheet_reads_as_the_screens_do(manager_client, db):
    CaseFactory(reference="X-1", enquiry_date=date(2025, 4, 1), source="social_media")
    response = manager_client.get("/cases/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    headers = [c.value for c in sheet[1]]
    row = dict(zip(headers, [c for c in sheet[2]], strict=True))
    assert sheet.title == "Case list"
    assert sheet.freeze_panes == "A2"
    assert headers[:6] == ["Reference", "Name", "Stage", "Carer type", "How they heard", "Enquiry"]
    assert row["How they heard"].value == "Social media" and row["Carer type"].value == "Mainstream"
    assert row["Enquiry"].value.date() == date(2025, 4, 1)
    assert row["Enquiry"].number_format == "DD/MM/YYYY"
    assert sheet[1][0].font.bold


def test_every_download_is_audited(manager_client, manager, db):
    CaseFactory.create_batch(3)
    manager_client.get("/cases/export.csv")
    entry = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORTED)
    )
    assert (entry.user_id, entry.summary) == (manager.id, "3 rows as CSV")


@pytest.mark.parametrize("role", ["officer_client", "ssw_client"])
def test_a_bulk_export_of_personal_data_is_for_managers_only(request, db, role):
    client = request.getfixturevalue(role)
    assert client.get("/cases/export.csv").status_code == 403
    assert "Download this list" not in client.get("/cases/").get_data(as_text=True)


def test_an_unknown_format_is_a_404(manager_client, db):
    assert manager_client.get("/cases/export.pdf").status_code == 404

"""Tracker files for the importer's tests: a few rows, and how to write, run and upload them."""

from __future__ import annotations

import csv
from datetime import date

import sqlalchemy as sa

from crm.imports.reading import read_table
from crm.imports.tracker import COLUMNS, import_tracker
from crm.models import Case

TODAY = date(2025, 6, 30)

APPROVED = {
    "reference": "T-1",
    "enquiry_date": "2024-01-08",
    "source": "website",
    "first_name": "Jo",
    "last_name": "Bloggs",
    "email": "jo@example.com",
    "first_contact_date": "09/01/2024",
    "initial_visit_date": "2024-02-01",
    "application_date": "2024-03-01",
    "stage2_start_date": "2024-04-01",
    "panel_date": "2024-09-02",
    "approval_date": "2024-09-16",
    "outcome": "approved",
}
OPEN = {"reference": "T-2", "enquiry_date": "03/04/2025", "last_contact_date": "2025-04-10"}
WITHDRAWN = {
    "reference": "T-3",
    "enquiry_date": "2025-01-06",
    "first_contact_date": "2025-01-07",
    "outcome": "withdrawn_by_applicant",
    "outcome_date": "2025-02-01",
    "withdrawal_reason": "AW4",
}


def write_csv(path, *rows, headers=COLUMNS):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=headers)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def run(path, skip_invalid=False, bulk=False):
    """Import a tracker file as the upload page does (or, with bulk, as the command line)."""
    return import_tracker(read_table(path), TODAY, skip_invalid=skip_invalid, bulk=bulk)


def cases(db):
    return {c.reference: c for c in db.session.scalars(sa.select(Case))}


def upload(client, path, name=None):
    """Step one: the upload, which only stages the file (a redirect to its preview)."""
    with open(path, "rb") as handle:
        return client.post(
            "/imports/tracker",
            data={"file": (handle, name or path.name)},
            content_type="multipart/form-data",
        )


def upload_and_import(client, path, **decisions):
    """Both steps: upload, then press Import on the preview (with any decisions)."""
    preview = upload(client, path).headers["Location"]
    return client.post(preview, data={"submit": "y", **decisions})

"""In a real browser, a supervising social worker uploads a carer's DBS certificate with
its expiry to the household they supervise: it is listed with its dates the UK way, and
opens as a download of the same file."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from crm.extensions import db
from crm.formatting import uk_date
from crm.models import Role, User
from crm.timeutil import today
from tests.browser.conftest import sign_in
from tests.factories import HouseholdFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def test_a_dbs_certificate_uploaded_to_a_household_is_listed_and_opens(
    page, live_server, user_with, tmp_path
):
    email = user_with(Role.SUPERVISING_SOCIAL_WORKER)
    with live_server.app.app_context():
        worker = db.session.query(User).filter_by(email=email).one()
        household_id = HouseholdFactory(reference="HH-DOCS", supervising_worker=worker).id
    certificate = tmp_path / "dbs-pat.pdf"
    certificate.write_bytes(PDF)
    issued = today().replace(day=1)
    expires = date(issued.year + 3, issued.month, 1)

    sign_in(page, live_server, email)
    page.goto(f"{live_server.url}/households/{household_id}")
    page.get_by_role("link", name="Upload a document").click()
    page.get_by_label("File").set_input_files(str(certificate))
    page.get_by_label("Kind of document").select_option("dbs_certificate")
    page.get_by_label("Title (optional)").fill("DBS: Pat Example")
    page.get_by_label("Date of the document").fill(issued.isoformat())
    page.get_by_label("Expires on").fill(expires.isoformat())
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_role("status").first).to_contain_text("DBS certificate uploaded")
    listed = page.get_by_test_id("documents")
    expect(listed).to_contain_text("DBS: Pat Example")
    expect(listed).to_contain_text(f"dated {uk_date(issued)}")
    expect(listed).to_contain_text(f"expires {uk_date(expires)}")

    with page.expect_download() as opening:
        listed.get_by_role("link", name="DBS: Pat Example").click()
    download = opening.value
    assert download.suggested_filename == "dbs-pat.pdf"
    assert download.path().read_bytes() == PDF

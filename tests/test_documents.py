"""Documents on a case or a household (issue 34, item 9): uploads judged by their
content and size, kept under ids nobody can guess, opened only by those who may see the
record (and audited each time), in the subject access export, gone with an erasure,
and a reminder flagged on the exact day before one expires."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from crm.clocks import BY_KIND
from crm.documents.services import documents_of
from crm.domain.documents import DocumentKind, Held, expiring
from crm.domain.settings import Settings
from crm.models import AuditAction, AuditEvent, FlagKind, RecordDocument, Role
from crm.privacy.services import erase_case, subject_access
from crm.storage import LocalStorage, S3Storage, document_storage
from tests.conftest import login
from tests.factories import CaseFactory, HouseholdFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def upload(client, url, content=PDF, name="form-f.pdf", **fields):
    data = {
        "file": (io.BytesIO(content), name),
        "kind": "assessment_report",
        "title": "",
        "dated": "2026-11-02",
        "expires_on": "",
        **fields,
    }
    return client.post(url, data=data, content_type="multipart/form-data")


def the_document() -> RecordDocument:
    return sa.select(RecordDocument).order_by(RecordDocument.id.desc()).limit(1)


@pytest.fixture
def case_with_a_form_f(db, client, officer):
    """An applicant's case with an assessment report uploaded by its officer."""
    case = CaseFactory(owner=officer)
    login(client, officer)
    response = upload(client, f"/documents/cases/{case.id}/new")
    assert response.status_code == 302
    return case, db.session.scalar(the_document())


def test_an_upload_is_kept_under_a_random_key_and_listed_on_the_case(
    case_with_a_form_f, client, db
):
    case, document = case_with_a_form_f
    assert document.original_name == "form-f.pdf"
    assert "form-f" not in document.storage_key and len(document.storage_key) >= 40
    assert document.token != str(document.id) and len(document.token) >= 20
    assert document_storage().get(document.storage_key) == PDF
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Assessment report (Form F)" in page and "dated 2 Nov 2026" in page
    assert f"/documents/{document.token}" in page


def test_it_opens_as_an_attachment_never_sniffed(case_with_a_form_f, client):
    _, document = case_with_a_form_f
    response = client.get(f"/documents/{document.token}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert 'filename="form-f.pdf"' in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"


def test_every_open_leaves_an_audit_entry_naming_who(case_with_a_form_f, client, db, officer):
    _, document = case_with_a_form_f
    client.get(f"/documents/{document.token}")
    client.get(f"/documents/{document.token}")
    opens = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == AuditAction.VIEWED,
            AuditEvent.entity_type == "RecordDocument",
            AuditEvent.entity_id == str(document.id),
        )
    ).all()
    assert len(opens) == 2
    assert {e.user_id for e in opens} == {officer.id}


def test_a_worker_who_may_not_see_the_case_gets_a_404_as_for_no_document(
    case_with_a_form_f, client, db, make_user
):
    """Need to know: a supervising social worker sees only the cases they assess or
    supervise (crm/visibility.py); another's document answers as a made-up link does."""
    _, document = case_with_a_form_f
    outsider = make_user(Role.SUPERVISING_SOCIAL_WORKER)
    login(client, outsider)
    client.get("/documents/none")  # the upload's message, shown once on the next page
    theirs = client.get(f"/documents/{document.token}")
    made_up = client.get("/documents/aaaaaaaaaaaaaaaaaaaaaa")
    assert theirs.status_code == made_up.status_code == 404
    assert theirs.data == made_up.data
    assert not db.session.scalar(
        sa.select(sa.func.count()).where(
            AuditEvent.entity_type == "RecordDocument", AuditEvent.user_id == outsider.id
        )
    )


def test_the_worker_assessing_the_case_may_open_it(case_with_a_form_f, client, db, ssw):
    case, document = case_with_a_form_f
    case.assessing_worker = ssw
    db.session.commit()
    login(client, ssw)
    assert client.get(f"/documents/{document.token}").status_code == 200


@pytest.mark.parametrize("guess", ["1", "2", "documents", "0" * 22, "a" * 200])
def test_a_guessed_id_opens_nothing(case_with_a_form_f, client, guess):
    _, document = case_with_a_form_f
    assert client.get(f"/documents/{guess}").status_code == 404
    assert client.get(f"/documents/{document.storage_key}").status_code == 404


def test_after_erasure_the_document_and_its_file_are_gone(case_with_a_form_f, client, db):
    case, document = case_with_a_form_f
    token, key = document.token, document.storage_key
    erase_case(case, "asked in writing", on=date(2026, 12, 7))
    db.session.commit()
    assert client.get(f"/documents/{token}").status_code == 404
    assert document_storage().get(key) is None


def test_anonymising_an_old_enquiry_deletes_its_documents_and_files(db, officer):
    """An enquiry closed in 2012 is anonymised under the retention policy: a document
    cannot be stripped of who it is about, so it goes, file and all."""
    from crm.documents.services import Checked, keep
    from crm.domain.stages import EventKind
    from crm.privacy.services import apply_retention
    from tests.factories import advance

    case = CaseFactory(enquiry_date=date(2012, 1, 9))
    advance(case, (EventKind.WITHDRAWN_BY_APPLICANT, date(2012, 3, 1), "AW3"))
    document = keep(
        Checked(PDF, "application/pdf"),
        "letter.pdf",
        kind=DocumentKind.OTHER,
        title="Her letter",
        dated=date(2012, 2, 1),
        expires_on=None,
        by=officer,
        case=case,
    )
    db.session.commit()
    key = document.storage_key
    assert apply_retention(date(2026, 12, 1), Settings())["anonymised"] == 1
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(RecordDocument.id))) == 0
    assert document_storage().get(key) is None


def test_a_rolled_back_erasure_keeps_the_file(case_with_a_form_f, db):
    case, document = case_with_a_form_f
    key = document.storage_key
    erase_case(case, "asked in writing", on=date(2026, 12, 7))
    db.session.rollback()
    assert document_storage().get(key) == PDF


def test_a_duplicate_merged_in_brings_its_documents(case_with_a_form_f, db, officer):
    from crm.cases.services import merge_duplicate

    duplicate, document = case_with_a_form_f
    original = CaseFactory(enquiry_date=date(2025, 3, 1))
    duplicate.possible_duplicate_of = original
    merge_duplicate(duplicate, officer, on=date(2025, 4, 2))
    db.session.commit()
    assert db.session.get(RecordDocument, document.id).case_id == original.id


def test_the_subject_access_export_lists_the_documents(case_with_a_form_f, db):
    case, document = case_with_a_form_f
    bundle = subject_access(case=case)
    (listed,) = bundle["documents"]
    assert listed["title"] == "Assessment report (Form F)"
    assert listed["original_name"] == "form-f.pdf"
    assert listed["dated"] == "2026-11-02"
    assert "storage_key" not in listed and "token" not in listed


def test_a_program_renamed_to_pdf_is_refused(db, client, officer):
    case = CaseFactory(owner=officer)
    login(client, officer)
    response = upload(
        client, f"/documents/cases/{case.id}/new", PROGRAM, "report.pdf", title="Kept title"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "is not a PDF, a PNG or JPEG image" in page and "whatever its name says" in page
    assert 'value="Kept title"' in page  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count(RecordDocument.id))) == 0


def test_a_text_file_named_pdf_is_refused(db, client, officer):
    case = CaseFactory(owner=officer)
    login(client, officer)
    response = upload(client, f"/documents/cases/{case.id}/new", b"just words", "cv.pdf")
    assert "whatever its name says" in response.get_data(as_text=True)


def test_a_docx_is_accepted_by_its_content(db, client, officer):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")
    case = CaseFactory(owner=officer)
    login(client, officer)
    response = upload(client, f"/documents/cases/{case.id}/new", buffer.getvalue(), "ref")
    assert response.status_code == 302
    assert db.session.scalar(the_document()).original_name == "ref.docx"


def test_a_file_too_large_is_refused_with_a_clear_message(app, db, client, officer):
    case = CaseFactory(owner=officer)
    login(client, officer)
    limit = app.config["DOCUMENT_MAX_BYTES"]
    app.config["DOCUMENT_MAX_BYTES"] = 100 * 1024  # (a test body under 500 KB stays in memory)
    try:
        big = PDF + b"0" * (100 * 1024)
        response = upload(client, f"/documents/cases/{case.id}/new", big, "scan.pdf")
    finally:
        app.config["DOCUMENT_MAX_BYTES"] = limit
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "larger than 100 KB, the most Hearth keeps" in page
    assert db.session.scalar(sa.select(sa.func.count(RecordDocument.id))) == 0


def test_an_expiry_before_the_documents_date_is_refused(db, client, officer):
    case = CaseFactory(owner=officer)
    login(client, officer)
    response = upload(
        client, f"/documents/cases/{case.id}/new", expires_on="2026-01-01", kind="insurance"
    )
    assert "It must expire after its date." in response.get_data(as_text=True)


def test_a_household_document_is_for_its_worker_not_an_officer_nor_another_worker(
    db, client, ssw, officer, make_user
):
    household = HouseholdFactory(supervising_worker=ssw)
    login(client, ssw)
    assert upload(client, f"/documents/households/{household.id}/new").status_code == 302
    document = db.session.scalar(the_document())
    login(client, officer)  # officers do not see households
    assert client.get(f"/documents/{document.token}").status_code == 404
    other = make_user(Role.SUPERVISING_SOCIAL_WORKER)
    login(client, other)  # reads every household (duty cover), changes only their own
    assert client.get(f"/documents/{document.token}").status_code == 200
    assert upload(client, f"/documents/households/{household.id}/new").status_code == 403


def test_the_pack_function_lists_the_documents_of_a_set_of_records(db, officer):
    one, two, three = CaseFactory(), CaseFactory(), CaseFactory()
    household = HouseholdFactory()
    for record in ({"case": one}, {"case": two}, {"case": three}, {"household": household}):
        db.session.add(
            RecordDocument(
                **record,
                kind=DocumentKind.PANEL_MINUTES,
                title="Minutes",
                dated=date(2026, 11, 1),
                storage_key=f"k{id(record)}",
                original_name="m.pdf",
                content_type="application/pdf",
                size=1,
            )
        )
    db.session.commit()
    listed = db.session.scalars(documents_of([one.id, three.id], [household.id])).all()
    assert {(d.case_id, d.household_id) for d in listed} == {
        (one.id, None),
        (three.id, None),
        (None, household.id),
    }
    assert db.session.scalars(documents_of()).all() == []


# --- reminders before expiry (the registry of clocks) -------------------------------


def _held(
    db,
    household=None,
    case=None,
    kind=DocumentKind.INSURANCE,
    dated=date(2026, 1, 31),
    expires_on=date(2027, 1, 31),
    title="Home insurance",
):
    db.session.add(
        RecordDocument(
            household=household,
            case=case,
            kind=kind,
            title=title,
            dated=dated,
            expires_on=expires_on,
            storage_key=f"key-{kind.value}-{dated.isoformat()}-{title[:5]}",
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
        )
    )
    db.session.commit()


def judge(kind: FlagKind, day: date, settings: Settings | None = None) -> dict:
    settings = settings or Settings()
    clock = BY_KIND[kind]
    return {i: why for (k, i), why in clock.judge(day, settings, None).items() if k == kind}


def test_insurance_is_flagged_to_the_worker_on_the_exact_day(db):
    """Insurance expiring on 31 Jan 2027, the service warning 28 days before: flagged
    from 3 Jan 2027 (31 - 28 = 3), not on 2 Jan."""
    household = HouseholdFactory(approval_date=date(2023, 6, 1))
    _held(db, household=household)
    kind = FlagKind.HOUSEHOLD_DOCUMENT_EXPIRING
    assert judge(kind, date(2027, 1, 2)) == {}
    assert judge(kind, date(2027, 1, 3)) == {household.id: "Home insurance expires on 31 Jan 2027"}
    assert BY_KIND[kind].owner == "worker"


def test_after_expiry_it_says_expired_until_a_newer_one_replaces_it(db):
    household = HouseholdFactory(approval_date=date(2023, 6, 1))
    _held(db, household=household)
    kind = FlagKind.HOUSEHOLD_DOCUMENT_EXPIRING
    assert judge(kind, date(2027, 2, 1)) == {household.id: "Home insurance expired on 31 Jan 2027"}
    _held(
        db,
        household=household,
        dated=date(2027, 1, 20),
        expires_on=date(2028, 1, 31),
        title="Insurance renewed",
    )
    assert judge(kind, date(2027, 2, 1)) == {}


def test_a_households_dbs_certificate_is_left_to_the_dbs_renewal_flag(db):
    """The household's DBS checks are chased per person by DBS_RENEWAL_OVERDUE: the
    certificate's own expiry raises no second reminder."""
    household = HouseholdFactory(approval_date=date(2023, 6, 1))
    _held(db, household=household, kind=DocumentKind.DBS_CERTIFICATE, title="DBS")
    assert judge(FlagKind.HOUSEHOLD_DOCUMENT_EXPIRING, date(2027, 1, 3)) == {}


def test_an_open_cases_certificate_is_flagged_to_its_officer(db, officer):
    case = CaseFactory(owner=officer)
    _held(db, case=case, kind=DocumentKind.DBS_CERTIFICATE, title="DBS certificate")
    kind = FlagKind.CASE_DOCUMENT_EXPIRING
    assert judge(kind, date(2027, 1, 3)) == {case.id: "DBS certificate expires on 31 Jan 2027"}
    assert BY_KIND[kind].owner == "owner"


def test_the_warning_is_the_services_setting(db):
    household = HouseholdFactory(approval_date=date(2023, 6, 1))
    _held(db, household=household)
    week = Settings(document_expiry_warning_days=7)
    assert judge(FlagKind.HOUSEHOLD_DOCUMENT_EXPIRING, date(2027, 1, 23), week) == {}
    assert judge(FlagKind.HOUSEHOLD_DOCUMENT_EXPIRING, date(2027, 1, 24), week)


def test_a_different_certificate_does_not_silence_another():
    """Of the kinds a record holds several of, only the same title replaces."""
    gas = Held(DocumentKind.CERTIFICATE, "Gas safety", date(2026, 1, 1), date(2027, 1, 1))
    first_aid = Held(DocumentKind.CERTIFICATE, "First aid", date(2026, 6, 1), date(2029, 6, 1))
    assert expiring([gas, first_aid], date(2026, 12, 20), 28) == [gas]


# --- the storage -------------------------------------------------------------------


class FakeS3:
    """Enough of boto3's S3 client for S3Storage: put, get and delete objects."""

    class NoSuchKey(Exception):
        response = {"Error": {"Code": "NoSuchKey"}}

    def __init__(self):
        self.objects = {}

    def put_object(self, Bucket, Key, Body, **extra):  # noqa: N803 (boto3's names)
        self.objects[(Bucket, Key)] = (Body, extra)

    def get_object(self, Bucket, Key):  # noqa: N803
        if (Bucket, Key) not in self.objects:
            raise self.NoSuchKey()
        return {"Body": io.BytesIO(self.objects[(Bucket, Key)][0])}

    def delete_object(self, Bucket, Key):  # noqa: N803
        self.objects.pop((Bucket, Key), None)


def test_the_s3_store_puts_gets_and_deletes_under_its_prefix():
    client = FakeS3()
    store = S3Storage("council-docs", client, prefix="documents/")
    store.put("abc_DEF-123", b"content")
    assert ("council-docs", "documents/abc_DEF-123") in client.objects
    assert client.objects[("council-docs", "documents/abc_DEF-123")][1] == {
        "ServerSideEncryption": "AES256"
    }
    assert store.get("abc_DEF-123") == b"content"
    store.delete("abc_DEF-123")
    assert store.get("abc_DEF-123") is None


@pytest.mark.parametrize("store", [LocalStorage, lambda _: S3Storage("b", FakeS3())])
def test_no_store_takes_a_path_for_a_key(tmp_path, store):
    with pytest.raises(ValueError):
        store(tmp_path).get("../secrets")


def test_the_local_store_is_outside_the_web_root_by_default(app):
    with app.test_request_context():
        folder = app.config.pop("DOCUMENT_FOLDER")
        try:
            store = document_storage()
        finally:
            app.config["DOCUMENT_FOLDER"] = folder
    assert store.folder.is_relative_to(app.instance_path)
    assert not store.folder.is_relative_to(app.static_folder)

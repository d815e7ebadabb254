"""Documents on a case or a household, and their reminders before expiry: pure rules.

A fostering service holds the papers behind each decision (the assessment report, Form
F; references; the Schedule 3 checks and certificates; panel minutes; the decision
letter) and those that run out (a DBS certificate, a medical, the household's insurance,
its safety checklist, a pet assessment). Fostering Services (England) Regulations 2011,
reg 26 and Schedule 3 ask for the checks at the assessment and reg 28(3)(a) for them to
be kept current at each review; NMS 26.2 asks that records are kept up to date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from crm.domain.labelled import LabelledEnum


class DocumentKind(LabelledEnum):
    ASSESSMENT_REPORT = "assessment_report", "Assessment report (Form F)"
    REFERENCE = "reference", "Reference"
    CHECK = "check", "Check"
    CERTIFICATE = "certificate", "Certificate"
    PANEL_MINUTES = "panel_minutes", "Panel minutes"
    DECISION_LETTER = "decision_letter", "Decision letter"
    DBS_CERTIFICATE = "dbs_certificate", "DBS certificate"
    MEDICAL = "medical", "Medical"
    INSURANCE = "insurance", "Insurance"
    SAFETY_CHECKLIST = "safety_checklist", "Safety checklist"
    PET_ASSESSMENT = "pet_assessment", "Pet assessment"
    OTHER = "other", "Other"


#: On a household, a DBS certificate's and a medical's renewal is already chased per
#: person by the DBS and medical renewal flags (domain/compliance.renewals_overdue, from
#: each person's check date and the service's renewal interval): the documents' own
#: expiry raises no second reminder for the same certificate.
RENEWED_PER_PERSON = frozenset({DocumentKind.DBS_CERTIFICATE, DocumentKind.MEDICAL})

#: What an upload may be, judged by its content (its first bytes), never its name:
#: the MIME type found -> the suffix a download is named with.
ACCEPTED_TYPES: dict[str, str] = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
}
#: A council's logo on its letters: an image a browser shows.
IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})
ACCEPTED_WORDS = "a PDF, a PNG or JPEG image, or a Word (.docx) or OpenDocument (.odt) file"


@dataclass(frozen=True)
class Held:
    """A document as the reminder rule sees it."""

    kind: DocumentKind
    title: str
    dated: date
    expires_on: date | None


def reminder_from(expires_on: date, warning_days: int) -> date:
    """The first day a document is flagged: `warning_days` before it expires."""
    return expires_on - timedelta(days=warning_days)


def expiring(
    held: list[Held], day: date, warning_days: int, renewed_per_person: bool = False
) -> list[Held]:
    """The documents of one record to renew on `day`, soonest first: flagged from
    `warning_days` before their expiry (the service's setting), and still after it,
    until a newer one replaces it (`_replaces`: dated later, expiring later or not at
    all, of the same kind, and for kinds a record holds several of, the same title).
    On a household, DBS certificates and medicals are left to the per-person renewal
    flags (`RENEWED_PER_PERSON`)."""
    due = []
    for doc in held:
        if doc.expires_on is None or day < reminder_from(doc.expires_on, warning_days):
            continue
        if renewed_per_person and doc.kind in RENEWED_PER_PERSON:
            continue
        if any(_replaces(other, doc) for other in held):
            continue
        due.append(doc)
    return sorted(due, key=lambda d: (d.expires_on, d.title))


#: Kinds a record holds one of at a time: a newer one replaces the older whatever its
#: title. Of the others (a certificate, a check...) a record may hold several different
#: ones, so only a newer one of the same kind and title replaces an older.
ONE_AT_A_TIME = frozenset(
    {
        DocumentKind.DBS_CERTIFICATE,
        DocumentKind.MEDICAL,
        DocumentKind.INSURANCE,
        DocumentKind.SAFETY_CHECKLIST,
        DocumentKind.PET_ASSESSMENT,
    }
)


def _replaces(newer: Held, older: Held) -> bool:
    same = newer.kind in ONE_AT_A_TIME or newer.title.casefold() == older.title.casefold()
    return (
        newer is not older
        and newer.kind == older.kind
        and same
        and newer.dated > older.dated
        and (newer.expires_on is None or newer.expires_on > older.expires_on)
    )

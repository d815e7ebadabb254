"""UK GDPR duties in one place: subject access, erasure, and the retention policy.

- Subject access: everything Hearth holds about a person, as JSON or CSV. Children
  placed with carers are third parties: their references are withheld.
- Erasure on request: an applicant's case can be erased; an approved household's
  records must be kept (Fostering Services (England) Regulations 2011, reg. 32:
  at least ten years after approval ends), so erasure is refused until then. That
  includes a connected person approved only temporarily for a named child (Care
  Planning, Placement and Case Review (England) Regulations 2010, reg. 24): ten years
  from the end of the temporary approval.
- Retention: enquiries that never became applications are anonymised a configurable
  period after they closed (default 2 years); applications withdrawn or refused are
  kept 3 years from closing (reg. 32), erasure refused until then, and anonymised
  after (never a temporarily approved connected person's within ten years of the
  approval's end); carer records past their statutory retention are flagged for review.

Erasure and anonymising also strip the old values from the audit trail's entries
about those records (the trail keeps who did what and when, not the data).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from crm import audit, create_once
from crm.audit_chain import erase_personal_data
from crm.clocks import clocks_of, sync_flags
from crm.documents.services import remove_documents
from crm.domain.settings import Settings
from crm.domain.stages import EXITS
from crm.extensions import db
from crm.formatting import uk_date
from crm.models import (
    AuditAction,
    AuditEvent,
    Case,
    DoorLink,
    DoorMessage,
    DoorSection,
    Flag,
    Household,
    MergedCase,
    Notification,
    PanelItem,
    RecordDocument,
)
from crm.models.corrections import delete_voided
from crm.models.search import compact_sounds
from crm.models.setting import load_settings
from crm.outreach import services as outreach
from crm.privacy.document import Document, case_document, household_document
from crm.privacy.records import free_text, linked_tables, records_about
from crm.queries.cases import case_list
from crm.queries.households import household_list
from crm.spreadsheets import inert_row
from crm.timeutil import today, utcnow

WITHHELD = "[withheld: third party]"
ANONYMISED = "Anonymised"


class ErasureRefused(ValueError):
    """Erasure the law or the service's duties do not allow; the message says why."""


def _row(obj: db.Model) -> dict:
    """A record's columns, less secrets, with third parties' details withheld."""
    hidden = getattr(obj, "__audit_redact__", frozenset())
    withheld = getattr(obj, "__export_withhold__", frozenset())
    return {
        c.key: WITHHELD if c.key in withheld else audit.plain(getattr(obj, c.key))
        for c in sa.inspect(obj).mapper.column_attrs
        if c.key not in hidden
    }


def _sections(root: db.Model) -> dict[str, list[dict]]:
    return {name: [_row(r) for r in rows] for name, rows in records_about(root).items()}


def _audit_trail(entity_type: str, ids: list[int]) -> list[dict]:
    entries = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id.in_(map(str, ids)))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        {
            "at": audit.plain(e.at),
            "who": e.user.full_name if e.user else e.actor,
            "action": e.action.value,
            "record": f"{e.entity_type} {e.entity_id}",
            "summary": e.summary,
        }
        for e in entries
    ]


def find_people(q: str, limit: int = 50) -> tuple[list[Case], list[Household]]:
    """Cases and households whose people match, by the lists' own searches."""
    cases = db.session.scalars(case_list(q=q).limit(limit)).unique().all()
    households = db.session.scalars(household_list(q=q).limit(limit)).unique().all()
    return list(cases), list(households)


def case_record(case: Case) -> dict:
    """Everything held about the people on one case (applicants and household)."""
    return {
        "case": _row(case),
        **_sections(case),
        "access_log": _audit_trail("Case", [case.id]),
    }


def household_record(household: Household) -> dict:
    """Everything held about an approved household, children's identities withheld."""
    return {
        "household": _row(household),
        **_sections(household),
        "access_log": _audit_trail("Household", [household.id]),
        **({"application": case_record(household.case)} if household.case else {}),
    }


def subject_access(case: Case | None = None, household: Household | None = None) -> dict:
    """The subject access bundle for a case or a household, with an audit entry."""
    if household is not None:
        found = household_record(household)
        audit.record(AuditAction.EXPORTED, "Household", household.id, "subject access export")
    elif case is not None:
        found = case_record(case)
        audit.record(AuditAction.EXPORTED, "Case", case.id, "subject access export")
    else:
        raise ValueError("a case or a household is needed")
    return {"produced_on": date.today().isoformat(), **found}


def subject_access_document(
    case: Case | None = None, household: Household | None = None
) -> Document:
    """The same as a document to send the person, with an audit entry."""
    if household is not None:
        audit.record(AuditAction.EXPORTED, "Household", household.id, "subject access document")
        return household_document(household)
    if case is not None:
        audit.record(AuditAction.EXPORTED, "Case", case.id, "subject access document")
        return case_document(case)
    raise ValueError("a case or a household is needed")


def as_csv(bundle: dict) -> str:
    """The bundle flattened to rows of (section, item, field, value); a formula typed
    into any field stays text in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "field", "value"])
    writer.writerows(inert_row(row) for row in _flattened("", bundle))
    return out.getvalue()


def _nested(value: Any) -> bool:
    """A section within a section (a dict, or a list of records), not a field's value
    (a list of words, such as kinds of care, is a value)."""
    return isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(item, dict) for item in value)
    )


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    return "; ".join(map(str, value)) if isinstance(value, list) else value


def _flattened(section: str, value: Any) -> Iterator[list]:
    if isinstance(value, dict) and not any(_nested(v) for v in value.values()):
        for field, v in value.items():
            yield [section, 1, field, _cell(v)]
    elif isinstance(value, dict):
        for key, v in value.items():
            yield from _flattened(f"{section}.{key}" if section else key, v)
    elif isinstance(value, list):
        for n, item in enumerate(value, start=1):
            if isinstance(item, dict):
                for field, v in item.items():
                    yield [section, n, field, _cell(v)]
    else:
        yield [section, 1, "", value]


def _scrub_case_audit(cases: list[Case]) -> None:
    """Strip the personal data from every audit entry about these cases: the cases, the
    rows that belong to them now (records_about), the duplicates merged into them, and
    the rows that belonged to any of those when they were made, since deleted or moved
    (found from the entries that created them: a merged duplicate's household members,
    say)."""
    case_ids = [case.id for case in cases]
    about: dict[str, set[int]] = {"Case": set(case_ids)}
    for case in cases:
        for rows in records_about(case).values():
            for row in rows:
                about.setdefault(type(row).__name__, set()).add(row.id)
    about["Case"] |= about.get("MergedCase", set())  # a merged duplicate kept its case id
    for model, column in linked_tables(Case):
        made_for = AuditEvent.changes[(column.key, 1)].as_integer()
        for chunk in _chunks(sorted(about["Case"])):
            about.setdefault(model.__name__, set()).update(
                int(entity_id)
                for entity_id in db.session.scalars(
                    sa.select(AuditEvent.entity_id).where(
                        AuditEvent.entity_type == model.__name__,
                        AuditEvent.action == AuditAction.CREATED,
                        made_for.in_(chunk),
                    )
                )
            )
    for entity_type, ids in about.items():
        for chunk in _chunks(sorted(ids)):
            erase_personal_data(entity_type, chunk)


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def kept_until(case: Case, settings: Settings) -> date | None:
    """When the law lets this case's records go, or None when nothing keeps them (an
    enquiry that never applied; or an open application, which `_refusal` answers).

    - An application withdrawn or refused: 3 years from its closure (Fostering Services
      (England) Regulations 2011, reg 32(3)).
    - A person with whom a child was placed under reg 24 of the Care Planning, Placement
      and Case Review (England) Regulations 2010 (a connected person approved
      temporarily for a named child): 10 years from the day the placement ended (reg
      32(2)). Where no child moved in, reg 32(2) does not apply and the applicant rule
      above does.
    """
    dates = []
    if case.application_date is not None and case.outcome_date is not None:
        dates.append(
            case.outcome_date + relativedelta(years=settings.applicant_record_retention_years)
        )
    ended = reg24_placement_ended(case)
    if ended is not None:
        dates.append(ended + relativedelta(years=settings.carer_record_retention_years))
    return max(dates, default=None)


def reg24_placement_ended(case: Case) -> date | None:
    """When a child placed under reg 24 stopped being placed with this person, or None
    when no child was placed or the case is still open (the child may still live there).

    Hearth records the day the child moved in, not a separate end of the reg 24
    placement; the placement ends at the latest when the assessment closes without
    approval (an approval makes the household's own placement, kept as a carer's
    record), so the case's closing date is used: the record is kept at least as long as
    reg 32(2) asks."""
    temporary = case.temporary_approval
    if temporary is None or temporary.placed_on is None:
        return None
    return case.outcome_date


def _refusal(case: Case, on: date, settings: Settings) -> str | None:
    """Why the law says this case's records must be kept, or None when they need not be."""
    reg = "(Fostering Services (England) Regulations 2011, reg. 32)"
    if db.session.scalar(sa.select(Household.id).where(Household.case_id == case.id)):
        return (
            "This applicant became an approved foster carer; their records must be kept "
            f"for at least ten years after approval ends {reg}. Record the request and "
            "review it then."
        )
    temporary = case.temporary_approval
    if temporary is not None and temporary.placed_on is not None:
        placed = (
            "This person was approved temporarily as a foster carer for a named child on "
            f"{uk_date(temporary.approved_on)} (Care Planning, Placement and Case Review "
            "(England) Regulations 2010, reg. 24), and the child moved in on "
            f"{uk_date(temporary.placed_on)}; the records of a person with whom a child was "
            "placed under reg. 24 must be kept for ten years from the day the placement "
            "ended (Fostering Services (England) Regulations 2011, reg. 32(2))"
        )
        if case.outcome_date is None:
            return (
                f"{placed}: the assessment is still open, so the child may still live there. "
                "Record the request and review it when the placement ends."
            )
        until = kept_until(case, settings)
        if until is not None and until > on:
            return f"{placed}: until {uk_date(until)}. Record the request; it can be met then."
    if case.application_date is not None and case.is_open:
        return (
            f"This person applied to foster on {uk_date(case.application_date)}; an "
            f"application's records are kept for {settings.applicant_record_retention_years} "
            f"years after it is withdrawn or refused {reg}. Record the request; it can be "
            "met once the application has closed and that time has passed."
        )
    until = kept_until(case, settings)
    if until is not None and until > on:
        return (
            f"This application closed on {uk_date(case.outcome_date)}; its records must be "
            f"kept until {uk_date(until)} {reg}. Record the request; the retention job "
            "anonymises the record then."
        )
    return None


def erase_case(
    case: Case, reason: str, on: date | None = None, settings: Settings | None = None
) -> None:
    """Erase a case on request, unless the law says its records must be kept (an approved
    carer's, or an application's within 3 years of closing). Does not commit."""
    refusal = _refusal(case, on or today(), settings or load_settings())
    if refusal:
        raise ErasureRefused(refusal)
    reference = case.reference
    _scrub_case_audit([case])
    # Rows about the case the case does not own (no cascade from it): its flags, the
    # messages to staff naming its people, the panel's items about it (the sitting's
    # other business stays), what the applicant did on their own page (crm/door), and
    # its merged duplicates' old addresses.
    for model in (Flag, Notification, PanelItem, DoorLink, DoorSection, DoorMessage):
        db.session.execute(sa.delete(model).where(model.case_id == case.id))
    outreach.forget(case)  # the messages Hearth sent them, and their opt-out
    db.session.execute(sa.delete(MergedCase).where(MergedCase.into_case_id == case.id))
    remove_documents(RecordDocument.case_id == case.id)  # their files go when this commits
    delete_voided(case)  # the case's collections leave them out, so no cascade reaches them
    for link in (Case.possible_duplicate_of_id, Case.previous_case_id):
        db.session.execute(sa.update(Case).where(link == case.id).values({link: None}))
    with audit.suspended():  # the per-row trail would copy the data we are erasing
        db.session.delete(case)
        db.session.flush()
    compact_sounds(db.session.connection())
    audit.record(
        AuditAction.DELETED,
        "Case",
        case.id,
        f"erased on request ({reference}): {reason}"[:255],
    )


def _clear_free_text(row: db.Model) -> None:
    """Clear every column of `row` that holds typed text (records.free_text): emptied,
    or "Anonymised" where the column needs a value."""
    for key in free_text(type(row)):
        column = sa.inspect(type(row)).column_attrs[key].columns[0]
        setattr(row, key, None if column.nullable else ANONYMISED)


def anonymise_case(case: Case) -> None:
    """Strip a case of everything that identifies anyone, keeping its dates, source and
    outcome for the statistics (`_anonymised`), and its audit entries of the data they
    held. Does not commit."""
    _anonymised(case)
    compact_sounds(db.session.connection())
    _scrub_case_audit([case])


def _anonymised(case: Case) -> None:
    """Clear every typed text of the case and of every row that belongs to it
    (records_about: members, notes, checks, flags, messages to staff...), and dates of
    birth; the audit trail is left to `_scrub_case_audit`."""
    # A document cannot be stripped of who it is about: it goes, its file on commit.
    remove_documents(RecordDocument.case_id == case.id)
    with audit.suspended():
        for row in [case, *(row for rows in records_about(case).values() for row in rows)]:
            _clear_free_text(row)
        case.first_name, case.last_name = ANONYMISED, f"#{case.id}"
        for member in case.members:
            member.birth_date = None
        db.session.flush()
    audit.record(AuditAction.CHANGED, "Case", case.id, "anonymised under the retention policy")


def enquiries_past_retention(as_of: date, settings: Settings) -> sa.Select:
    """Enquiries that never became applications, closed more than the service's
    retention period ago (counted from closure, not from the enquiry), not yet
    anonymised."""
    cutoff = as_of - relativedelta(years=settings.enquiry_retention_years)
    return sa.select(Case).where(
        Case.application_date.is_(None),
        Case.stage.in_(EXITS.values()),
        Case.outcome_date < cutoff,
        Case.first_name != "Anonymised",
    )


def applications_past_retention(as_of: date, settings: Settings) -> sa.Select:
    """Applications withdrawn or refused more than the statutory 3 years ago (reg. 32),
    not yet anonymised."""
    cutoff = as_of - relativedelta(years=settings.applicant_record_retention_years)
    return sa.select(Case).where(
        Case.application_date.isnot(None),
        Case.stage.in_(EXITS.values()),
        Case.outcome_date < cutoff,
        Case.first_name != "Anonymised",
    )


def _still_kept(case: Case, as_of: date, settings: Settings) -> bool:
    """A closed case the queries above found, that the law still keeps: one with whom a
    child was placed under reg. 24, ten years from the placement's end (reg. 32(2))."""
    until = kept_until(case, settings)
    return until is not None and until > as_of


def apply_retention(
    as_of: date,
    settings: Settings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Anonymise old enquiries; flag carer records due for a retention review."""
    settings = settings or load_settings()
    enquiries = [
        case
        for case in db.session.scalars(enquiries_past_retention(as_of, settings)).all()
        if not _still_kept(case, as_of, settings)
    ]
    applications = [
        case
        for case in db.session.scalars(applications_past_retention(as_of, settings)).all()
        if not _still_kept(case, as_of, settings)
    ]
    for case in enquiries + applications:
        _anonymised(case)
    if enquiries or applications:
        compact_sounds(db.session.connection())
    _scrub_case_audit(enquiries + applications)  # one search of the trail for them all
    flagged = sync_flags(as_of, clocks_of("data_retention"), settings)["raised"]
    if progress:
        progress(1, 1)
    return {
        "anonymised": len(enquiries),
        "applications_anonymised": len(applications),
        "flagged_for_review": flagged,
        "form_tokens_forgotten": create_once.forget_before(utcnow() - create_once.KEPT_FOR),
    }

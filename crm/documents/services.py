"""Keeping, opening and deleting documents: an upload is checked by its content, stored
under a random key, and its row names the record it belongs to; who may open it is the
record's rule (crm/visibility.py for a case, the households' roles for a household)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import filetype
import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import FileStorage

from crm import audit
from crm.domain.documents import ACCEPTED_TYPES, ACCEPTED_WORDS, DocumentKind
from crm.extensions import db
from crm.models import AuditAction, Case, Household, RecordDocument, Role, User
from crm.storage import document_storage, new_key
from crm.visibility import may_open_case

#: Who may see a household's record (the households pages' roles).
HOUSEHOLD_READERS = (Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)
#: Who may see a case's record, within need to know (crm/visibility.py).
CASE_READERS = (Role.RECRUITMENT_OFFICER, Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)


class UploadRefused(ValueError):
    """An upload Hearth will not keep; the message says why, for the form."""


@dataclass(frozen=True)
class Checked:
    content: bytes
    content_type: str


def megabytes(size: int) -> str:
    """A size as people say it: "10 MB", "100 KB"."""
    if size < 1024 * 1024:
        return f"{round(size / 1024):,} KB"
    return f"{round(size / (1024 * 1024), 1):g} MB"


def checked_upload(
    upload: FileStorage,
    accepted: dict[str, str] | frozenset = ACCEPTED_TYPES,
    words: str = ACCEPTED_WORDS,
) -> Checked:
    """The upload's content and its type, judged from the content's first bytes (the
    `filetype` library's signatures), never from its name or the browser's word for it:
    a program renamed to .pdf is refused. At most DOCUMENT_MAX_BYTES, read no further."""
    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    try:
        content = upload.stream.read(limit + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file: let it go now
    if not content:
        raise UploadRefused("The file is empty.")
    if len(content) > limit:
        raise UploadRefused(
            f"The file is larger than {megabytes(limit)}, the most Hearth keeps; "
            "save it smaller (a scan at a lower resolution, say) and upload it again."
        )
    found = filetype.guess(content)
    if found is None or found.mime not in accepted:
        raise UploadRefused(f"That file is not {words}, whatever its name says.")
    return Checked(content, found.mime)


def keep(
    checked: Checked,
    original_name: str,
    *,
    kind: DocumentKind,
    title: str,
    dated: date,
    expires_on: date | None,
    by: User,
    case: Case | None = None,
    household: Household | None = None,
) -> RecordDocument:
    """Store the content under a new random key and add its row (the caller commits;
    a failed commit leaves an orphan file, never a row without its file)."""
    key = new_key()
    document_storage().put(key, checked.content)
    document = RecordDocument(
        case=case,
        household=household,
        kind=kind,
        title=title,
        dated=dated,
        expires_on=expires_on,
        storage_key=key,
        original_name=_display_name(original_name, checked.content_type),
        content_type=checked.content_type,
        size=len(checked.content),
        uploaded_by=by,
    )
    db.session.add(document)
    return document


def _display_name(name: str, content_type: str) -> str:
    """The uploaded name, for the download only, ending in the suffix its content has."""
    stem = (name or "document").replace("\\", "/").rsplit("/", 1)[-1].strip() or "document"
    stem = "".join(ch for ch in stem if ch.isprintable())[:200]
    suffix = ACCEPTED_TYPES.get(content_type, "")
    if suffix and not stem.lower().endswith(suffix):
        stem = stem.rsplit(".", 1)[0] + suffix
    return stem


def may_open(user: User, document: RecordDocument) -> bool:
    """Whether `user` may see the record the document belongs to, and so the document."""
    if document.case_id is not None:
        return user.has_role(*CASE_READERS) and may_open_case(user, document.case)
    return user.has_role(*HOUSEHOLD_READERS)


def document_for(user: User, token: str) -> RecordDocument | None:
    """The document behind a link, when `user` may open it; None alike when there is no
    such document and when there is one they may not see (nothing said of which)."""
    if not token or len(token) > 32:
        return None
    document = db.session.scalar(sa.select(RecordDocument).where(RecordDocument.token == token))
    if document is None or not may_open(user, document):
        return None
    return document


def opened(document: RecordDocument) -> bytes | None:
    """The document's content, with an audit entry saying who opened it (committed by
    the caller before the content is sent)."""
    content = document_storage().get(document.storage_key)
    if content is None:
        return None
    audit.record(
        AuditAction.VIEWED,
        "RecordDocument",
        document.id,
        f"opened {document.kind.label}: {document.title}",
    )
    return content


def documents_of(
    case_ids: list[int] | None = None, household_ids: list[int] | None = None
) -> sa.Select:
    """The documents of a set of cases and households, newest first: what a panel
    sitting's pack holds for the items on its agenda (the pack's own access rule is the
    caller's)."""
    wanted = []
    if case_ids:
        wanted.append(RecordDocument.case_id.in_(case_ids))
    if household_ids:
        wanted.append(RecordDocument.household_id.in_(household_ids))
    return (
        sa.select(RecordDocument)
        .where(sa.or_(*wanted) if wanted else sa.false())
        .order_by(RecordDocument.dated.desc(), RecordDocument.id.desc())
    )


def delete_files_after_commit(keys: list[str]) -> None:
    """Delete these stored files once the transaction that removed their rows commits
    (never before: a rolled-back erasure keeps its documents)."""
    if not keys:
        return
    session = db.session()
    pending = session.info.setdefault("hearth_files_to_delete", [])
    pending.extend(keys)
    if not sa.event.contains(session, "after_commit", _delete_pending):
        sa.event.listen(session, "after_commit", _delete_pending)
        sa.event.listen(session, "after_rollback", _forget_pending)


def _delete_pending(session) -> None:
    storage = document_storage()
    for key in session.info.pop("hearth_files_to_delete", []):
        storage.delete(key)


def _forget_pending(session) -> None:
    session.info.pop("hearth_files_to_delete", None)


def remove_documents(*where: sa.ColumnElement[bool]) -> int:
    """Delete the documents `where` selects, rows now and files on commit (erasure,
    anonymisation); how many."""
    found = db.session.scalars(sa.select(RecordDocument).where(*where)).all()
    delete_files_after_commit([d.storage_key for d in found])
    with audit.suspended():  # the per-row trail would copy what is being erased
        for document in found:
            db.session.delete(document)
        db.session.flush()
    return len(found)

"""Uploading a document to a case or a household, and opening one."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from crm.auth.access import allow
from crm.cases.records import get_case_or_404
from crm.documents import bp
from crm.documents.forms import DocumentForm
from crm.documents.services import UploadRefused, checked_upload, document_for, keep, opened
from crm.domain.documents import DocumentKind
from crm.exports import attachment
from crm.extensions import db
from crm.households.records import editable_household_or_403
from crm.models import Role


def _upload(form: DocumentForm, **record) -> bool:
    """Keep the form's document on the record; False (the reason on the form) when the
    form or the file is refused."""
    if not form.validate_on_submit():
        return False
    upload = form.file.data
    try:
        checked = checked_upload(upload)
    except UploadRefused as refused:
        form.file.errors.append(str(refused))
        return False
    kind = DocumentKind(form.kind.data)
    keep(
        checked,
        upload.filename or "",
        kind=kind,
        title=(form.title.data or "").strip() or kind.label,
        dated=form.dated.data,
        expires_on=form.expires_on.data,
        by=current_user,
        **record,
    )
    db.session.commit()
    flash(f"{kind.label} uploaded.", "success")
    return True


@bp.route("/cases/<int:case_id>/new", methods=["GET", "POST"])
def upload_to_case(case_id: int):
    """A document on a case (its Form F, references, checks...), by anyone who may see it."""
    case = get_case_or_404(case_id)
    form = DocumentForm()
    if _upload(form, case=case):
        return redirect(url_for("cases.show", case_id=case.id) + "#documents")
    back = url_for("cases.show", case_id=case.id)
    return render_template("documents/upload.html", form=form, back=back, record=case)


@bp.route("/households/<int:household_id>/new", methods=["GET", "POST"])
@allow(Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)
def upload_to_household(household_id: int):
    """A document on a household, by its supervising worker or a manager."""
    household = editable_household_or_403(household_id)
    form = DocumentForm()
    if _upload(form, household=household):
        return redirect(url_for("households.show", household_id=household.id) + "#documents")
    back = url_for("households.show", household_id=household.id)
    return render_template("documents/upload.html", form=form, back=back, record=household)


@bp.route("/<token>")
def open_document(token: str):
    """The document, downloaded (never shown inline, never sniffed as another type), to
    those who may see its record; a 404 alike for a document that does not exist, one
    the reader may not see and one whose record was erased. Every open is audited."""
    document = document_for(current_user, token)
    if document is None:
        abort(404)
    content = opened(document)
    if content is None:
        abort(404)
    db.session.commit()  # the audit entry is kept before the file leaves
    return Response(
        content,
        mimetype=document.content_type,
        headers={
            "Content-Disposition": attachment(document.original_name),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )

"""Decision and determination letters: the council's letterhead and wording (an admin
page), a letter drafted for a case or household as a printable page, and the letter
kept on the record as a document when the officer saves it.

A saved letter is kept as the HTML page that was printed, with the logo inside it, not
as a PDF: the snapshot is exactly what the officer read and sent, needs no PDF library
on the server (a browser's "Save as PDF" makes the PDF for posting), and opens in any
browser; the PDF a server would make would be a second rendering of the same page.
"""

from __future__ import annotations

import base64

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.datastructures import FileStorage

from crm.auth.access import allow
from crm.cases.records import get_case_or_404
from crm.documents import bp
from crm.documents.forms import LetterForm, LetterheadForm, WordingForm
from crm.documents.services import Checked, UploadRefused, checked_upload, keep
from crm.domain.documents import IMAGE_TYPES, DocumentKind
from crm.domain.household_vocabulary import care_label
from crm.domain.letters import DEFAULT_WORDING, PLACEHOLDERS, LetterKind, fill
from crm.extensions import db
from crm.formatting import uk_date
from crm.households.records import editable_household_or_403
from crm.models import Case, Household, Letterhead, LetterTemplate, Role
from crm.storage import document_storage, new_key
from crm.timeutil import today

EDITORS = (Role.ADMINISTRATOR, Role.MANAGER)
#: The letters each kind of record is sent.
CASE_LETTERS = (LetterKind.APPROVAL, LetterKind.REFUSAL, LetterKind.STAGE1_NOT_SUITABLE)
HOUSEHOLD_LETTERS = (LetterKind.TERMINATION, LetterKind.CHANGE_OF_TERMS)


def letterhead() -> Letterhead:
    """The council's letterhead (a new one from the configured name when none is saved)."""
    found = db.session.scalar(sa.select(Letterhead).order_by(Letterhead.id).limit(1))
    return found or Letterhead(council_name=current_app.config.get("COUNCIL_NAME") or "")


def wording_of(kind: LetterKind) -> str:
    saved = db.session.scalar(sa.select(LetterTemplate).where(LetterTemplate.kind == kind))
    return saved.wording if saved else DEFAULT_WORDING[kind]


# --- the council's letterhead and wording ------------------------------------------


@bp.route("/letters")
@allow(*EDITORS)
def letter_settings():
    return render_template(
        "documents/letter_settings.html",
        head=letterhead(),
        kinds=list(LetterKind),
        saved={t.kind for t in db.session.scalars(sa.select(LetterTemplate))},
    )


@bp.route("/letters/letterhead", methods=["GET", "POST"])
@allow(*EDITORS)
def edit_letterhead():
    """The council's name, address and logo (an image, checked by its content)."""
    head = letterhead()
    form = LetterheadForm(obj=head)
    if form.validate_on_submit():
        logo = form.logo.data
        if isinstance(logo, FileStorage) and logo.filename:
            try:
                checked = checked_upload(logo, IMAGE_TYPES, "a PNG or JPEG image")
            except UploadRefused as refused:
                form.logo.errors.append(str(refused))
                return render_template("documents/letterhead.html", form=form, head=head)
            _replace_logo(head, checked)
        head.council_name = form.council_name.data.strip()
        head.address = (form.address.data or "").strip() or None
        db.session.add(head)
        db.session.commit()
        flash("Letterhead saved.", "success")
        return redirect(url_for("documents.letter_settings"))
    return render_template("documents/letterhead.html", form=form, head=head)


def _replace_logo(head: Letterhead, checked: Checked) -> None:
    storage = document_storage()
    old, key = head.logo_key, new_key()
    storage.put(key, checked.content)
    head.logo_key, head.logo_type = key, checked.content_type
    if old:
        storage.delete(old)


@bp.route("/letters/logo")
@allow(Role.RECRUITMENT_OFFICER, Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER, Role.ADMINISTRATOR)
def letter_logo():
    """The letterhead's logo, for the letters' pages."""
    head = letterhead()
    content = document_storage().get(head.logo_key) if head.logo_key else None
    if content is None:
        abort(404)
    return Response(
        content,
        mimetype=head.logo_type,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=300"},
    )


@bp.route("/letters/wording/<kind>", methods=["GET", "POST"])
@allow(*EDITORS)
def edit_wording(kind: str):
    """The wording of one kind of letter; a placeholder Hearth cannot fill is refused
    at save, with what was typed kept."""
    letter = _kind_or_404(kind, tuple(LetterKind))
    saved = db.session.scalar(sa.select(LetterTemplate).where(LetterTemplate.kind == letter))
    form = WordingForm(data={"wording": wording_of(letter)} if request.method == "GET" else None)
    if form.validate_on_submit():
        saved = saved or LetterTemplate(kind=letter)
        saved.wording = form.wording.data
        db.session.add(saved)
        db.session.commit()
        flash(f"Wording of the {letter.label.lower()} letter saved.", "success")
        return redirect(url_for("documents.letter_settings"))
    return render_template(
        "documents/wording.html", form=form, letter=letter, placeholders=PLACEHOLDERS
    )


def _kind_or_404(kind: str, allowed: tuple[LetterKind, ...]) -> LetterKind:
    try:
        letter = LetterKind(kind)
    except ValueError:
        abort(404)
    if letter not in allowed:
        abort(404)
    return letter


# --- a letter for a case or a household ---------------------------------------------


def _terms_words(household: Household | None, on) -> str:
    terms = household.terms_on(on) if household is not None else None
    if terms is None:
        return ""
    kinds = ", ".join(care_label(c) for c in terms.categories or [])
    places = f"{terms.places} child{'ren' if terms.places != 1 else ''}"
    return f"up to {places} aged {terms.min_age} to {terms.max_age}" + (
        f" ({kinds})" if kinds else ""
    )


def _names(record: Case | Household) -> str:
    if isinstance(record, Household):
        return record.display_name
    applicants = [m.full_name for m in record.members if m.is_applicant]
    return " and ".join(applicants) or record.display_name


@bp.route("/letters/cases/<int:case_id>/<kind>", methods=["GET", "POST"])
def case_letter(case_id: int, kind: str):
    """An approval, refusal or Stage 1 "not suitable" letter to an applicant."""
    case = get_case_or_404(case_id)
    letter = _kind_or_404(kind, CASE_LETTERS)
    household = db.session.scalar(sa.select(Household).where(Household.case_id == case.id))
    back = url_for("cases.show", case_id=case.id)
    return _letter(letter, case, back, household=household, case=case)


@bp.route("/letters/households/<int:household_id>/<kind>", methods=["GET", "POST"])
@allow(Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)
def household_letter(household_id: int, kind: str):
    """A termination or change of terms letter to approved carers."""
    household = editable_household_or_403(household_id)
    letter = _kind_or_404(kind, HOUSEHOLD_LETTERS)
    back = url_for("households.show", household_id=household.id)
    return _letter(letter, household, back, household=household, on_household=True)


def _letter(
    letter: LetterKind, record, back: str, household=None, case=None, on_household: bool = False
):
    head = letterhead()
    form = LetterForm()
    if request.method == "GET":
        form.terms.data = _terms_words(household, today())
    body = None
    if form.validate_on_submit() or request.method == "GET":
        body = fill(
            wording_of(letter),
            {
                "carer_names": _names(record),
                "reference": record.reference,
                "decision_date": uk_date(form.decision_date.data),
                "terms": (form.terms.data or "").strip(),
                "reasons": (form.reasons.data or "").strip(),
                "council_name": head.council_name,
                "today": uk_date(today()),
            },
        )
        if request.method == "POST" and form.submit.data:
            _save(letter, record, head, body, on_household)
            db.session.commit()
            flash(f"The {letter.label.lower()} letter is kept on the record.", "success")
            return redirect(back + "#documents")
    return render_template(
        "documents/letter.html",
        form=form,
        letter=letter,
        record=record,
        head=head,
        body=body,
        back=back,
        logo_src=url_for("documents.letter_logo") if head.logo_key else None,
        drafted_on=today(),
    )


def _save(letter: LetterKind, record, head: Letterhead, body: str, on_household: bool) -> None:
    """Keep the letter as printed: a standalone HTML page, the logo inside it."""
    logo = document_storage().get(head.logo_key) if head.logo_key else None
    logo_src = (
        Markup(f"data:{head.logo_type};base64,{base64.b64encode(logo).decode('ascii')}")
        if logo
        else None
    )
    page = render_template(
        "documents/letter_snapshot.html",
        letter=letter,
        record=record,
        head=head,
        body=body,
        logo_src=logo_src,
        drafted_on=today(),
    )
    content = page.encode("utf-8")
    title = f"{letter.label} letter"
    keep(
        Checked(content, "text/html"),
        f"{record.reference} {letter.value} letter {today().isoformat()}.html",
        kind=DocumentKind.DECISION_LETTER,
        title=title[:200],
        dated=today(),
        expires_on=None,
        by=current_user,
        **({"household": record} if on_household else {"case": record}),
    )

"""Correcting and voiding what was recorded on a case: its steps and its activity log.
Who may record on a case may correct it (the blueprint's roles, and need to know)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm import corrections
from crm.cases import bp
from crm.cases.forms import ActivityCorrectionForm, StepCorrectionForm
from crm.cases.records import get_case_or_404
from crm.corrections import CorrectionRefused
from crm.extensions import db
from crm.formatting import uk_date
from crm.formfields import VoidForm
from crm.models import Activity, ActivityKind, Case, StageEvent

#: What can be corrected on a case: the record's model and how the page names it.
KINDS = {"steps": StageEvent, "activities": Activity}
ANCHORS = {"steps": "#timeline", "activities": "#activity"}


def _record_or_404(case: Case, kind: str, record_id: int):
    model = KINDS.get(kind)
    record = corrections.get_recorded(model, record_id) if model else None
    if record is None or record.case_id != case.id:
        abort(404)
    return record


def _describe(record) -> str:
    return f"{record.kind.label}, {uk_date(record.occurred_on)}"


def _form(record, sent: bool):
    """The correction form: as sent, or filled from the record when first opened."""
    given = {} if sent else {"formdata": None}
    if isinstance(record, StageEvent):
        form = StepCorrectionForm(record.kind, **given)
        if not sent:
            form.on.data, form.note.data = record.occurred_on, record.note
            if "reason" in form:
                form.reason.data = record.reason
        return form
    form = ActivityCorrectionForm(**given)
    if not sent:
        form.kind.data, form.on.data = record.kind.value, record.occurred_on
        form.due_on.data, form.note.data = record.due_on, record.note
    return form


def _apply(case: Case, record, form) -> dict:
    if isinstance(record, StageEvent):
        reason = form.reason.data if "reason" in form else None
        return corrections.correct_step(
            case, record, form.on.data, reason, form.note.data or None, form.why.data
        )
    return corrections.correct_activity(
        case,
        record,
        ActivityKind(form.kind.data),
        form.on.data,
        form.note.data or None,
        form.due_on.data,
        form.why.data,
    )


def _page(case: Case, kind: str, record, form, void_form, status: int = 200):
    return render_template(
        "corrections/correct.html",
        parent=case,
        back=url_for("cases.show", case_id=case.id) + ANCHORS[kind],
        heading=f"Correct or void: {_describe(record)}",
        record=record,
        form=form,
        void_form=void_form,
        correct_url=url_for("cases.correct", case_id=case.id, kind=kind, record_id=record.id),
        void_url=url_for("cases.void", case_id=case.id, kind=kind, record_id=record.id),
        history=corrections.corrections_of(record),
        change_lines=corrections.change_lines,
    ), status


@bp.route("/<int:case_id>/<kind>/<int:record_id>/correct", methods=["GET", "POST"])
def correct(case_id: int, kind: str, record_id: int):
    """A step or an activity put right, with the reason (the old values stay in the
    audit trail); the case's stage and figures follow."""
    case = get_case_or_404(case_id)
    record = _record_or_404(case, kind, record_id)
    form = _form(record, sent=request.method == "POST")
    if not record.is_voided and form.validate_on_submit():
        try:
            changed = _apply(case, record, form)
        except CorrectionRefused as refused:
            db.session.rollback()
            form.why.errors = [*form.why.errors, str(refused)]
            return _page(case, kind, record, form, VoidForm(formdata=None, prefix="void"), 400)
        db.session.commit()
        flash("Corrected." if changed else "Nothing was changed.", "success")
        return redirect(url_for("cases.show", case_id=case.id))
    status = 400 if request.method == "POST" else 200
    return _page(case, kind, record, form, VoidForm(formdata=None, prefix="void"), status)


@bp.route("/<int:case_id>/<kind>/<int:record_id>/void", methods=["POST"])
def void(case_id: int, kind: str, record_id: int):
    """A step or an activity entered by mistake voided: kept, struck through, out of
    every figure; voiding a case's latest step takes the case back a step."""
    case = get_case_or_404(case_id)
    record = _record_or_404(case, kind, record_id)
    void_form = VoidForm(prefix="void")
    if void_form.validate_on_submit():
        try:
            if isinstance(record, StageEvent):
                corrections.void_step(case, record, void_form.why.data, current_user)
            else:
                corrections.void_activity(case, record, void_form.why.data, current_user)
        except CorrectionRefused as refused:
            db.session.rollback()
            void_form.why.errors = [*void_form.why.errors, str(refused)]
        else:
            db.session.commit()
            flash(f"Voided: {_describe(record)}.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    form = _form(record, sent=False)
    return _page(case, kind, record, form, void_form, 400)

import json

from flask import Response, flash, redirect, render_template, request, url_for

from crm.exports import attachment
from crm.extensions import db
from crm.formfields import form_errors
from crm.models import Case, Household
from crm.privacy import bp
from crm.privacy.forms import ErasureForm, PersonSearchForm
from crm.privacy.services import (
    ErasureRefused,
    as_csv,
    erase_case,
    find_people,
    subject_access,
    subject_access_document,
)


@bp.route("/")
def index():
    """Find a person to answer a subject access or erasure request."""
    form = PersonSearchForm(request.args)
    cases, households = find_people(form.q.data) if form.validate() and form.q.data else ([], [])
    return render_template(
        "privacy/index.html", form=form, cases=cases, households=households, erase=ErasureForm()
    )


@bp.route("/<kind>/<int:record_id>")
def document(kind: str, record_id: int):
    """Everything held about the person, as a readable document to print or save as PDF
    and send them (audited)."""
    if kind not in ("case", "household"):
        return ("Not found", 404)
    record = db.get_or_404(Case if kind == "case" else Household, record_id)
    found = subject_access_document(**{kind: record})
    db.session.commit()
    return render_template("privacy/document.html", document=found)


@bp.route("/<kind>/<int:record_id>.<fmt>")
def export(kind: str, record_id: int, fmt: str):
    """Everything held about the person, as JSON or CSV (audited)."""
    if kind not in ("case", "household") or fmt not in ("json", "csv"):
        return ("Not found", 404)
    model = Case if kind == "case" else Household
    record = db.get_or_404(model, record_id)
    bundle = subject_access(**{kind: record})
    db.session.commit()
    body = json.dumps(bundle, indent=2, default=str) if fmt == "json" else "\ufeff" + as_csv(bundle)
    mimetype = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
    name = f"subject-access-{record.reference}.{fmt}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": attachment(name)})


@bp.route("/case/<int:case_id>/erase", methods=["POST"])
def erase(case_id: int):
    """Erase an applicant's case on request, keeping an audit entry that says so."""
    case = db.get_or_404(Case, case_id)
    form = ErasureForm()
    if not form.validate_on_submit():
        flash(
            "Not erased: " + form_errors(form),
            "danger",
        )
        return redirect(url_for("privacy.index", q=case.reference))
    try:
        erase_case(case, form.reason.data.strip())
    except ErasureRefused as refused:
        db.session.rollback()
        flash(str(refused), "warning")
        return redirect(url_for("privacy.index", q=case.reference))
    db.session.commit()
    flash("The case was erased; the audit log records the request.", "success")
    return redirect(url_for("privacy.index"))

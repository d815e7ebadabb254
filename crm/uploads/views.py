import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm import audit
from crm.enquiry_sources import SourceMatcher
from crm.exports import attachment
from crm.extensions import db
from crm.imports import demand
from crm.imports.outbound import EXPORTS, write_csv
from crm.imports.reading import FileRejected, read_table
from crm.imports.summary import apply_import
from crm.imports.tracker import COLUMNS, REQUIRED, import_tracker, sources_not_listed
from crm.models import AuditAction
from crm.timeutil import today
from crm.uploads import bp
from crm.uploads.forms import ConfirmForm, DemandUploadForm, ImportDecisionsForm, UploadForm
from crm.uploads.staging import discard, stage, staged

SHOWN_ERRORS = 200


def _staged_upload(form: UploadForm, preview: str):
    """Keep a readable uploaded file for its preview (a redirect there), or None with the
    reason on the form."""
    if not form.validate_on_submit():
        return None
    upload = form.file.data
    try:
        read_table(upload.stream, upload.filename)
    except FileRejected as rejected:
        form.file.errors.append(str(rejected))
        return None
    upload.stream.seek(0)
    return redirect(url_for(preview, token=stage(upload).token))


@bp.route("/tracker", methods=["GET", "POST"])
def tracker():
    """Step one: upload a tracker. Nothing is written until its preview is confirmed."""
    form = UploadForm()
    staged_file = _staged_upload(form, "uploads.tracker_preview")
    if staged_file is not None:
        return staged_file
    return render_template("uploads/tracker.html", form=form, columns=COLUMNS, required=REQUIRED)


@bp.route("/demand", methods=["GET", "POST"])
def demand_profile():
    """Step one: upload the children's system's monthly counts."""
    form = DemandUploadForm()
    staged_file = _staged_upload(form, "uploads.demand_preview")
    if staged_file is not None:
        return staged_file
    return render_template(
        "uploads/demand.html", form=form, columns=demand.COLUMNS, required=demand.REQUIRED
    )


@bp.route("/demand/<token>", methods=["GET", "POST"])
def demand_preview(token: str):
    """Step two: the counts the file would add or change, or its bad cells; written only
    when the manager presses Import and nothing is wrong."""
    file = staged(token)
    if file is None:
        flash("That upload is no longer kept (files wait two hours); upload it again.", "warning")
        return redirect(url_for("uploads.demand_profile"))
    form = ConfirmForm()
    try:
        table = read_table(file.path, file.filename)
    except FileRejected as rejected:
        return _refused(file, rejected, "uploads.demand_profile")
    with audit.acting_as("upload:demand", user_id=current_user.id):
        try:
            outcome = apply_import(
                demand.import_demand, table, today(), keep=form.validate_on_submit()
            )
        except FileRejected as rejected:
            discard(file)
            flash(str(rejected), "danger")
            return redirect(url_for("uploads.demand_profile"))
    if outcome.kept:
        discard(file)
        result = outcome.result
        flash(
            f"Demand profile imported: {result.created} new and {result.updated} changed "
            f"counts ({result.unchanged} unchanged).",
            "success",
        )
        return redirect(url_for("uploads.demand_profile"))
    return render_template(
        "uploads/demand_preview.html", form=form, result=outcome.result, shown=SHOWN_ERRORS
    )


@bp.route("/tracker/<token>", methods=["GET", "POST"])
def tracker_preview(token: str):
    """Step two: what the file would do (new, updated and unchanged cases, values
    assumed, bad rows, the headline figures before and after) with a choice for each
    source on no list, written only when the manager presses Import."""
    file = staged(token)
    if file is None:
        flash("That upload is no longer kept (files wait two hours); upload it again.", "warning")
        return redirect(url_for("uploads.tracker"))
    try:
        table = read_table(file.path, file.filename)
    except FileRejected as rejected:
        return _refused(file, rejected, "uploads.tracker")
    posted = request.method == "POST"
    form = ImportDecisionsForm.for_values(
        sources_not_listed(table), request.form if posted else None
    )
    decided = posted and form.validate()
    mapping, add_new = form.decided() if posted else ({}, False)
    with audit.acting_as("upload:tracker", user_id=current_user.id):
        outcome = apply_import(
            import_tracker,
            table,
            today(),
            keep=decided and form.submit.data,
            sources=SourceMatcher.load(mapping, add_unknown=add_new),
        )
    if outcome.kept:
        discard(file)
        result = outcome.result
        flash(
            f"Imported {result.created} new and updated {result.updated} cases "
            f"({result.unchanged} unchanged; {len(result.warnings)} value(s) assumed).",
            "success",
        )
        return redirect(url_for("uploads.tracker"))
    return render_template(
        "uploads/preview.html",
        form=form,
        outcome=outcome,
        result=outcome.result,
        shown=SHOWN_ERRORS,
        tried=posted and form.submit.data,
    )


@bp.post("/tracker/<token>/discard")
def discard_upload(token: str):
    """Abandon a staged upload: its file (personal data) is deleted now."""
    file = staged(token)
    if file is not None:
        discard(file)
    flash("The uploaded file was deleted; nothing was imported.", "info")
    back = "uploads.demand_profile" if request.args.get("then") == "demand" else "uploads.tracker"
    return redirect(url_for(back))


@bp.route("/export/<name>.csv")
def export(name: str):
    """Everything Hearth holds, in the columns an importer reads (audited)."""
    if name not in EXPORTS:
        abort(404)
    out = io.StringIO()
    rows = write_csv(name, out)
    audit.record(AuditAction.EXPORTED, "Export", name, f"download for import-{name}: {rows} rows")
    db.session.commit()
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": attachment(f"hearth-{name}-{today().isoformat()}.csv")},
    )


def _refused(file, rejected: FileRejected, back: str):
    """A staged file the reader now refuses (staged before a stricter check was
    deployed): said as at upload, and the file let go."""
    discard(file)
    flash(str(rejected), "danger")
    return redirect(url_for(back))

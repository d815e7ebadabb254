import dataclasses
import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm import audit
from crm.enquiry_sources import SourceMatcher
from crm.exports import attachment
from crm.extensions import db
from crm.imports import demand
from crm.imports import tracker_layout as layouts
from crm.imports.outbound import EXPORTS, write_csv
from crm.imports.reading import FileRejected, read_rows, read_table
from crm.imports.summary import apply_import
from crm.imports.tracker import COLUMNS, REQUIRED, import_tracker, sources_not_listed
from crm.models import AuditAction
from crm.timeutil import today
from crm.uploads import bp
from crm.uploads.forms import (
    ConfirmForm,
    DemandUploadForm,
    ImportDecisionsForm,
    LayoutForm,
    UploadForm,
)
from crm.uploads.staging import discard, stage, staged

SHOWN_ERRORS = 200


def _readable(source, filename: str) -> None:
    """Every row of the file can be read (a council's title rows and headers are
    judged at the mapping step, not here)."""
    if not read_rows(source, filename, lambda rows: sum(1 for cells in rows if any(cells))):
        raise FileRejected("The file is empty.")


def _staged_upload(form: UploadForm, preview: str, check=read_table):
    """Keep a readable uploaded file for its preview (a redirect there), or None with the
    reason on the form."""
    if not form.validate_on_submit():
        return None
    upload = form.file.data
    try:
        check(upload.stream, upload.filename)
    except FileRejected as rejected:
        form.file.errors.append(str(rejected))
        return None
    upload.stream.seek(0)
    return redirect(url_for(preview, token=stage(upload).token))


@bp.route("/tracker", methods=["GET", "POST"])
def tracker():
    """Step one: upload a tracker. Nothing is written until its preview is confirmed."""
    form = UploadForm()
    staged_file = _staged_upload(form, "uploads.tracker_preview", check=_readable)
    if staged_file is not None:
        return staged_file
    return render_template("uploads/tracker.html", form=form, columns=COLUMNS, required=REQUIRED)


@bp.route("/tracker/<token>/columns", methods=["GET", "POST"])
def tracker_columns(token: str):
    """The mapping step for a council's own tracker: which of its columns is which of
    Hearth's, and what its words mean; remembered for the next upload of the same layout
    when the manager continues to the preview. Every problem is shown at once, and the
    choices made are kept when the page comes back with them."""
    file = staged(token)
    if file is None:
        flash("That upload is no longer kept (files wait two hours); upload it again.", "warning")
        return redirect(url_for("uploads.tracker"))
    try:
        grid = layouts.read_grid(file.path, file.filename)
    except FileRejected as rejected:
        return _refused(file, rejected, "uploads.tracker")
    before = layouts.remembered(grid) or layouts.guess_layout(grid)
    posted = request.method == "POST"
    layout = before
    if posted:
        columns_only = LayoutForm.for_file(grid, before, {}, request.form)
        chosen = columns_only.chosen_columns(len(before.columns), before.columns)
        layout = layouts.Layout(before.headers, chosen, before.values)
    pending = layouts.to_decide(grid, layout, SourceMatcher.load())
    form = LayoutForm.for_file(grid, layout, pending, request.form if posted else None)
    problems = layout.problems()
    if posted and form.submit.data and form.validate() and not problems:
        chosen_values = form.chosen_values()
        layout.values = {
            name: {**before.values.get(name, {}), **chosen_values.get(name, {})}
            for name in {*before.values, *chosen_values}
        }
        saved = layouts.remember(layout)
        audit.record(
            AuditAction.CHANGED,
            "TrackerLayout",
            saved.id,
            f"tracker layout mapped: {len(grid.headers)} columns, headers on row {grid.header_row}",
        )
        db.session.commit()
        return redirect(url_for("uploads.tracker_preview", token=token))
    return render_template(
        "uploads/columns.html",
        form=form,
        grid=grid,
        problems=problems,
        tried=posted and form.submit.data,
        labels=layouts.FIELD_LABELS,
    )


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
    mapping_step = url_for("uploads.tracker_columns", token=token)
    try:
        prepared = layouts.prepare(file.path, file.filename)
    except layouts.LayoutNeeded:
        return redirect(mapping_step)
    except FileRejected as rejected:
        return _refused(file, rejected, "uploads.tracker")
    posted = request.method == "POST"
    form = ImportDecisionsForm.for_values(
        sources_not_listed(prepared.table, prepared.sources), request.form if posted else None
    )
    decided = posted and form.validate()
    mapping, add_new = form.decided() if posted else ({}, False)
    skip = posted and bool(request.form.get("skip"))
    try:
        sources = layouts.prepare_sources(prepared, mapping, add_new)
        with audit.acting_as("upload:tracker", user_id=current_user.id):
            outcome = apply_import(
                import_tracker,
                prepared.table,
                today(),
                keep=decided and (form.submit.data or skip),
                skip_invalid=skip,
                sources=sources,
            )
    except FileRejected as rejected:  # its columns: said on the mapping step, file kept
        flash(f"{rejected} Map the file's columns below.", "danger")
        return redirect(mapping_step)
    result = _in_their_words(outcome.result, prepared)
    if outcome.kept:
        discard(file)
        skipped = f"; {len(result.bad_rows)} row(s) with problems skipped" if result.errors else ""
        flash(
            f"Imported {result.created} new and updated {result.updated} cases "
            f"({result.unchanged} unchanged; {len(result.warnings)} value(s) assumed{skipped}).",
            "success",
        )
        if result.errors:  # the rows skipped and why, as the command line lists them
            return render_template("uploads/imported.html", result=result, shown=SHOWN_ERRORS)
        return redirect(url_for("uploads.tracker"))
    return render_template(
        "uploads/preview.html",
        form=form,
        outcome=outcome,
        result=result,
        shown=SHOWN_ERRORS,
        tried=posted and form.submit.data,
        rows=len(prepared.table.rows),
        mapping_step=mapping_step if prepared.layout else None,
    )


def _in_their_words(result, prepared):
    """Problems and assumed values named by the council's own column headers."""
    if prepared.layout is None:
        return result
    result.errors = [
        dataclasses.replace(e, column=prepared.their_column(e.column)) for e in result.errors
    ]
    result.warnings = [
        dataclasses.replace(w, column=prepared.their_column(w.column)) for w in result.warnings
    ]
    return result


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

import io

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from crm import audit
from crm.extensions import db
from crm.imports.outbound import EXPORTS, write_csv
from crm.imports.reading import FileRejected, read_table
from crm.imports.tracker import COLUMNS, REQUIRED, import_tracker, refresh_statistics
from crm.models import AuditAction
from crm.timeutil import today
from crm.uploads import bp
from crm.uploads.forms import UploadForm

SHOWN_ERRORS = 200


@bp.route("/tracker", methods=["GET", "POST"])
def tracker():
    """Upload a tracker: nothing is imported unless every row is good."""
    form = UploadForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            table = read_table(upload.stream, upload.filename)
            with audit.acting_as("upload:tracker", user_id=current_user.id):
                result = import_tracker(table, today())
        except FileRejected as rejected:
            form.file.errors.append(str(rejected))
        else:
            if result.errors:
                db.session.rollback()
            else:
                db.session.commit()
                refresh_statistics()
                db.session.commit()
                flash(
                    f"Imported {result.created} new and updated {result.updated} cases "
                    f"({result.unchanged} unchanged).",
                    "success",
                )
                if not result.warnings:
                    return redirect(url_for("uploads.tracker"))
    return render_template(
        "uploads/tracker.html",
        form=form,
        result=result,
        columns=COLUMNS,
        required=REQUIRED,
        shown=SHOWN_ERRORS,
    )


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
        headers={
            "Content-Disposition": f"attachment; filename=hearth-{name}-{today().isoformat()}.csv"
        },
    )

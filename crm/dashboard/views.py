from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from crm.dashboard import bp
from crm.dashboard.attention import needs_attention
from crm.dashboard.forms import OfstedYearForm, SubmittedReturnForm, SummaryMonthForm
from crm.dashboard.services import (
    charts_for,
    chosen_period,
    figures_for,
    period_args,
    tables_for,
)
from crm.exports import FORMATS, export
from crm.extensions import db
from crm.formatting import uk_date
from crm.metrics.door import door_users, stopped, stopped_by_section
from crm.metrics.engine import COUNTED_STEPS, household_filters
from crm.metrics.forecast import back_test
from crm.metrics.ofsted import TYPES, ofsted_return
from crm.metrics.outreach import acknowledgement_time
from crm.metrics.pipeline import pipeline_now
from crm.metrics.submitted_return import (
    SubmissionRefused,
    changes_since,
    mark_submitted,
    submitted_return,
)
from crm.timeutil import today

#: The dashboard's sections, one shown at a time under the summary (a page, not a scroll).
SECTIONS = {
    "overview": "Period and conversion",
    "carers": "Carers and places",
    "forecast": "Targets and forecast",
    "trends": "Trends and time",
    "sources": "Where approvals come from",
}

#: Each period count opens the case list dated by the same step.
COUNT_LINKS = {name: kind.value for name, kind in COUNTED_STEPS.items()}


@bp.route("/")
def index():
    """Pipeline now, and every figure for the chosen period from the metrics engine."""
    form, period = chosen_period(request.args)
    figures, computed_at = figures_for(period)
    section = request.args.get("section", "overview")
    return render_template(
        "dashboard/index.html",
        form=form,
        sections=SECTIONS,
        section=section if section in SECTIONS else "overview",
        pipeline=pipeline_now(),
        attention=needs_attention(),
        period=period,
        figures=figures,
        computed_at=computed_at,
        tables=tables_for(figures, period),
        charts=charts_for(figures),
        download_args=period_args(period),
        count_links=COUNT_LINKS,
        household_links=household_filters(period),
        today=today(),
        acknowledgement=acknowledgement_time(period),
        door_users=len(door_users(period)),
        door_stopped=stopped_by_section(stopped(period)),
    )


@bp.route("/applicants-own-page")
def door_cases():
    """The applicants a door figure counts, from the same function as the count: those
    who used their page in the period, or those who stopped at one section."""
    _, period = chosen_period(request.args)
    section = request.args.get("section") or None
    if request.args.get("figure") == "stopped":
        rows = [r for r in stopped(period) if r.section == section]
        title = dict((k, t) for k, t, _ in stopped_by_section([])).get(section)
        if title is None and section is not None:
            abort(404)
        heading = f"Applicants who stopped at “{title}”"
        cases = [(r.case, r.how) for r in rows]
    else:
        heading = "Applicants who used their own page"
        cases = [(case, None) for case in door_users(period)]
    return render_template(
        "dashboard/door_cases.html", heading=heading, cases=cases, period=period,
        download_args=period_args(period),
    )  # fmt: skip


def _caption(title: str, period) -> str:
    """What a downloaded table is and which period it covers, as the page says it."""
    kind = f", {period.carer_type.label.lower()} carers" if period.carer_type else ""
    known = f", as recorded on {uk_date(period.as_of)}" if period.as_of < period.end else ""
    return f"{title}{kind}: {uk_date(period.start)} to {uk_date(period.end)}{known}"


@bp.route("/download/<key>.<fmt>")
def download(key: str, fmt: str):
    """Any dashboard table as CSV or Excel, for the same period as the page."""
    _, period = chosen_period(request.args)
    tables = tables_for(figures_for(period)[0], period)
    if key not in tables or fmt not in FORMATS:
        abort(404)
    table = tables[key]
    name = f"{key}-{period.start.isoformat()}-to-{period.last_day.isoformat()}"
    return export(
        name,
        fmt,
        table.export_headers(),
        table.export_rows(),
        f"dashboard:{key}",
        caption=_caption(table.title, period),
    )


@bp.route("/summary")
def summary():
    """One printable page for a month, with the financial year to date beside it."""
    form = SummaryMonthForm(request.args)
    month = form.chosen_month()
    month_period, year_period = form.periods(month)
    month_figures = figures_for(month_period)[0]
    year_figures = figures_for(year_period)[0]
    return render_template(
        "dashboard/summary.html",
        form=form,
        month=month_period,
        year=year_period,
        figures=month_figures,
        year_figures=year_figures,
    )


@bp.route("/forecast")
def forecast():
    """This year's forecast against target, and how the method did in past years."""
    _, period = chosen_period(request.args)
    figures, _ = figures_for(period)
    return render_template(
        "dashboard/forecast.html",
        period=period,
        forecasts=figures["forecast"],
        tested=back_test(period.as_of),
    )


@bp.route("/ofsted")
def ofsted():
    """The figures for Ofsted's annual fostering data collection, for one financial year,
    and, once it was submitted, every figure that has changed since."""
    form = OfstedYearForm(request.args)
    return _ofsted_page(form, form.chosen_year(), SubmittedReturnForm())


def _ofsted_page(form: OfstedYearForm, year: int, submit_form: SubmittedReturnForm):
    rows = ofsted_return(year)
    kept = submitted_return(year)
    return render_template(
        "dashboard/ofsted.html",
        form=form,
        year=year,
        rows=rows,
        types=TYPES,
        kept=kept,
        changed=changes_since(kept, rows) if kept else [],
        submit_form=submit_form,
    )


@bp.route("/ofsted/<int:year>/submitted", methods=["POST"])
def ofsted_submitted(year: int):
    """Mark the year's return as sent: its figures are kept as they were sent."""
    submit_form = SubmittedReturnForm()
    year_form = OfstedYearForm(MultiDict({"year": str(year)}))
    if not 2000 <= year <= 2100:
        abort(404)
    if submit_form.validate_on_submit():
        try:
            mark_submitted(
                year, ofsted_return(year), submit_form.submitted_on.data, current_user, today()
            )
        except SubmissionRefused as refused:
            submit_form.submitted_on.errors.append(str(refused))
        else:
            db.session.commit()
            flash(f"The {year}-{str(year + 1)[2:]} return is marked as submitted.", "success")
            return redirect(url_for("dashboard.ofsted", year=year))
    return _ofsted_page(year_form, year, submit_form), 400


@bp.route("/ofsted.<fmt>")
def ofsted_download(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    year = OfstedYearForm(request.args).chosen_year()
    headers = ["Section", "Measure", *(t.label for t in TYPES), "Total"]
    rows = [row.cells() for row in ofsted_return(year)]
    name = f"ofsted-return-{year}-{str(year + 1)[2:]}"
    caption = (
        f"Ofsted fostering data collection, {year}-{str(year + 1)[2:]}: "
        f"1 Apr {year} to 31 Mar {year + 1}"
    )
    return export(name, fmt, headers, rows, "dashboard:ofsted_return", caption=caption)

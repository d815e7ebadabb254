from flask import render_template, request

from crm.dashboard import bp
from crm.dashboard.forms import PeriodForm
from crm.domain.periods import financial_year
from crm.metrics.engine import compute_metrics, make_period
from crm.metrics.pipeline import pipeline_now
from crm.timeutil import today

COUNT_LINKS = {
    "enquiries": "enquiry",
    "first_contacts": "first_contact",
    "initial_visits": "initial_visit",
    "applications": "application",
    "approvals": "approval",
    "withdrawn_by_applicant": "withdrawn_by_applicant",
    "withdrawn_by_service": "withdrawn_by_service",
    "rejected": "rejected",
}


@bp.route("/")
def index():
    """Pipeline now, and every figure for the chosen period from the metrics engine."""
    form = PeriodForm(request.args)
    start, end = financial_year(today())
    if form.validate():
        start, end = form.date_from.data or start, form.date_to.data or end
    as_of = form.as_of.data if form.as_of.data and not form.errors else today()
    period = make_period(start, end, as_of)
    if not form.errors:  # show the period in use, including the default one
        form.date_from.data, form.date_to.data = period.start, period.end
        form.as_of.data = period.as_of
    return render_template(
        "dashboard/index.html",
        form=form,
        pipeline=pipeline_now(),
        period=period,
        figures=compute_metrics(period.start, period.end, period.as_of),
        count_links=COUNT_LINKS,
    )

from datetime import timedelta

from flask import render_template, request

from crm.charts import bar_chart
from crm.matching.services import declines_by_reason
from crm.metrics.sufficiency import in_house_share_by_month, month_end, sufficiency_for
from crm.sufficiency import bp
from crm.sufficiency.forms import MonthForm


@bp.route("/")
def index():
    """A month's fostered children beside the in-house places that could take them, the
    gaps, what agency placements cost, and the in-house share over time."""
    form = MonthForm.from_args(request.args)
    month = form.chosen()
    if month is None:
        return render_template("sufficiency/index.html", form=form, found=None)
    found = sufficiency_for(month)
    share = in_house_share_by_month()
    chart = bar_chart(
        "in-house-share",
        "Fostered children with in-house and with agency carers, by month",
        [f"{m:%b %y}" for m, *_ in share],
        {"In-house": [r[1] for r in share], "Agency (IFA)": [r[2] for r in share]},
    )
    since = month_end(month) - timedelta(days=365)
    return render_template(
        "sufficiency/index.html",
        form=form,
        found=found,
        share=share,
        chart=chart,
        declines=declines_by_reason(since),
        since=since,
    )

from datetime import timedelta

from flask import abort, render_template, request

from crm.charts import bar_chart
from crm.domain.periods import financial_year
from crm.exports import FORMATS, export
from crm.matching.services import declines_by_reason
from crm.metrics.engine import compute_metrics
from crm.metrics.sufficiency import (
    children_looked_after,
    in_house_share_by_month,
    month_end,
    sufficiency_for,
)
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
        day=month_end(month),
        found=found,
        share=share,
        chart=chart,
        declines=declines_by_reason(since),
        since=since,
    )


#: The columns of the page's tables, as a download gives them.
HEADERS = [
    "Month",
    "Places",
    "By",
    "Row",
    "Children",
    "In-house (or kinship)",
    "Agency (IFA)",
    "Filled by children of these ages",
    "Vacant places that could take them (overlapping between rows)",
    "Not available",
    "Places (filled + vacant + not available)",
    "Gap (children less filled less vacant)",
    "Applications hoping to offer it",
]


def _download_rows(found) -> list[list]:
    """Each table's bands and needs, then its service row (the only one with places
    not available, each place counted once)."""
    rows = []
    for supply, table in found.tables.items():
        for by, group in (("Age band", table.by_band), ("Need", table.by_need)):
            rows.extend(
                [found.month, supply.label, by, r.label, r.fostered, r.in_house, r.agency,
                 r.filled, r.vacant, "", "", r.gap if table.has_demand else "", r.pipeline]
                for r in group
            )  # fmt: skip
        s = table.service
        rows.append(
            [found.month, supply.label, "Service", s.label, s.fostered, s.in_house, s.agency,
             s.filled, s.vacant, s.not_available, s.places,
             s.gap if table.has_demand else "", ""]
        )  # fmt: skip
    return rows


@bp.route("/download.<fmt>")
def download(fmt: str):
    """The month's tables as CSV or Excel, one row a band, need or service (audited)."""
    form = MonthForm.from_args(request.args)
    month = form.chosen()
    if fmt not in FORMATS or month is None:
        abort(404)
    found = sufficiency_for(month)
    return export(f"sufficiency-{month:%Y-%m}", fmt, HEADERS, _download_rows(found), "sufficiency")


@bp.route("/statement")
def statement():
    """The fostering section of the annual sufficiency statement, laid out as councils'
    statements lay theirs out (where we are, our carers, where we fall short, what is
    coming, what it costs), to print or save as PDF."""
    form = MonthForm.from_args(request.args)
    month = form.chosen()
    if month is None:
        abort(404)
    day = month_end(month)
    start, _ = financial_year(day)
    return render_template(
        "sufficiency/statement.html",
        found=sufficiency_for(month),
        all_children=children_looked_after(month),
        year=compute_metrics(start, day, day),
        declines=declines_by_reason(day - timedelta(days=365)),
        day=day,
    )

"""The kinship figures for one financial year: the full assessments of temporarily
approved connected persons measured against the kinship clock (reg 24 and 25), and the
orders made instead of or after fostering. Each count opens the list it counted, from
the same function (crm.metrics.kinship)."""

from datetime import date

import sqlalchemy as sa
from flask import abort, render_template, request

from crm.dashboard import bp
from crm.dashboard.forms import OfstedYearForm
from crm.extensions import db
from crm.metrics import kinship as figures
from crm.metrics.period import make_period
from crm.models import Case


def _period(year: int):
    return make_period(date(year, 4, 1), date(year + 1, 3, 31))


@bp.route("/kinship")
def kinship():
    form = OfstedYearForm(request.args)
    year = form.chosen_year()
    period = _period(year)
    return render_template(
        "dashboard/kinship.html",
        form=form,
        year=year,
        period=period,
        clock=figures.clock_figures(period),
        clock_labels=figures.CLOCK_FIGURES,
        cases=figures.case_figures(period),
        case_labels={name: label for name, (label, _) in figures.CASE_FIGURES.items()},
    )


@bp.route("/kinship/cases")
def kinship_cases():
    """The cases one kinship figure counted, from the function that counted them."""
    form = OfstedYearForm(request.args)
    year = form.chosen_year()
    period = _period(year)
    figure = request.args.get("figure", "")
    rows = {}
    if figure in figures.CLOCK_FIGURES:
        rows = {r.case_id: r for r in figures.clock_figure_rows(period, figure)}
        by_id = {c.id: c for c in db.session.scalars(sa.select(Case).where(Case.id.in_(rows)))}
        cases = [by_id[case_id] for case_id in rows]
        label = figures.CLOCK_FIGURES[figure]
    elif figure in figures.CASE_FIGURES:
        label, query = figures.CASE_FIGURES[figure]
        cases = list(db.session.scalars(query(period)))
    else:
        abort(404)
    return render_template(
        "dashboard/kinship_cases.html",
        year=year,
        period=period,
        label=label,
        cases=cases,
        rows=rows,
    )

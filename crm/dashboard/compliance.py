"""Compliance at service level: the percentages now, the trend by month, the households
behind each figure, and supervising social workers' caseloads (with downloads)."""

from flask import abort, render_template, request, url_for

from crm.charts import bar_chart
from crm.dashboard import bp
from crm.dashboard.forms import ComplianceForm
from crm.dashboard.kinds import PERCENT, TEXT
from crm.dashboard.tables import Column, Table
from crm.domain.compliance import Measure
from crm.exports import FORMATS, export
from crm.extensions import db
from crm.formatting import uk_date
from crm.metrics.compliance import (
    caseloads,
    compliance_by_month,
    compliance_on,
    temporary_carer_compliance,
)
from crm.metrics.supervision import obligations_for
from crm.models import Case, Household
from crm.models.setting import load_settings


def _args(as_of, carer_type) -> dict:
    return {"as_of": as_of.isoformat(), **({"carer_type": carer_type.value} if carer_type else {})}


def tables_for(as_of, carer_type) -> dict[str, Table]:
    """The page's tables, defined once for the page and its downloads."""
    trend = compliance_by_month(as_of, carer_type)  # its last day is as_of itself
    now = trend[-1][1]
    args = _args(as_of, carer_type)
    measures = Table(
        "compliance",
        f"Compliance on {uk_date(as_of)}",
        [
            Column("Measure", TEXT),
            Column("Households in scope"),
            Column("Compliant"),
            Column("Not compliant"),
            Column("Compliant (%)", PERCENT),
        ],
        [[m.label, t.in_scope, t.compliant, len(t.not_compliant), t.rate] for m, t in now.items()],
        links=[
            {3: url_for("dashboard.compliance_households", measure=m.value, **args)} for m in now
        ],
        note="A household is in a measure's scope once it is current and the deadline has come",
        empty="No households.",
    )
    by_month = Table(
        "compliance_by_month",
        "Compliant (%) at the end of each month",
        [Column("Measure", TEXT), *(Column(f"{day:%b %Y}", PERCENT) for day, _ in trend)],
        [[m.label, *(tallies[m].rate for _, tallies in trend)] for m in Measure],
        empty="No households.",
    )
    loads = caseloads(as_of)
    caseload = Table(
        "caseloads",
        f"Supervising social workers' caseloads on {uk_date(as_of)}",
        [Column("Supervising social worker", TEXT), Column("Mainstream"), Column("Kinship"),
         Column("Households")],
        [[c.worker, c.mainstream, c.kinship, c.total] for c in loads],
        empty="No current households.",
    )  # fmt: skip
    temporary = temporary_carer_compliance(as_of, carer_type)
    references = dict(
        db.session.execute(
            db.select(Case.id, Case.reference).where(
                Case.id.in_([i for t in temporary.values() for i in t.not_compliant])
            )
        ).all()
    )
    temporary_carers = Table(
        "temporary_carers",
        f"Temporarily approved carers with the child placed (reg 24) on {uk_date(as_of)}",
        [
            Column("Measure", TEXT),
            Column("Carers in scope"),
            Column("Compliant"),
            Column("Not compliant"),
            Column("Compliant (%)", PERCENT),
            Column("Cases not compliant", TEXT),
        ],
        [
            [
                m.label,
                t.in_scope,
                t.compliant,
                len(t.not_compliant),
                t.rate,
                ", ".join(sorted(references[i] for i in t.not_compliant)),
            ]
            for m, t in temporary.items()
        ],  # fmt: skip
        note=(
            "Owed from the day the child moved in, as to approved households; counted apart "
            "from them until full approval"
        ),
        empty="No temporarily approved carers.",
    )
    return {t.key: t for t in (measures, by_month, caseload, temporary_carers)}


def trend_chart(table: Table):
    """The trend of the two visit measures and reviews, in percent, by month."""
    months = [c.label for c in table.columns[1:]]
    shown = table.rows[:3]
    return bar_chart(
        "chart-compliance",
        "Compliant (%) by month",
        months,
        {row[0]: [None if v is None else round(v * 100, 1) for v in row[1:]] for row in shown},
        width=900,
    )


@bp.route("/compliance")
def compliance():
    """Managers report percentages, not lists: each measure now and by month."""
    form = ComplianceForm.from_args(request.args)
    as_of, carer_type = form.chosen()
    tables = tables_for(as_of, carer_type)
    return render_template(
        "dashboard/compliance.html",
        form=form,
        tables=tables,
        chart=trend_chart(tables["compliance_by_month"]),
        args=_args(as_of, carer_type),
    )


@bp.route("/compliance/<key>.<fmt>")
def compliance_download(key: str, fmt: str):
    as_of, carer_type = ComplianceForm.from_args(request.args).chosen()
    tables = tables_for(as_of, carer_type)
    if key not in tables or fmt not in FORMATS:
        abort(404)
    table = tables[key]
    name = f"{key}-{as_of.isoformat()}"
    kind = f", {carer_type.label.lower()} carers" if carer_type else ""
    return export(
        name,
        fmt,
        table.export_headers(),
        table.export_rows(),
        f"dashboard:{key}",
        caption=f"{table.title}{kind} (as recorded on {uk_date(as_of)})",
    )


@bp.route("/compliance/households/<measure>")
def compliance_households(measure: str):
    """The households behind a figure: those not compliant with one measure."""
    try:
        chosen = Measure(measure)
    except ValueError:
        abort(404)
    as_of, carer_type = ComplianceForm.from_args(request.args).chosen()
    ids = compliance_on(as_of, carer_type)[chosen].not_compliant
    households = db.session.scalars(
        db.select(Household).where(Household.id.in_(ids)).order_by(Household.reference)
    ).all()
    owed = obligations_for(households, as_of, load_settings())
    return render_template(
        "dashboard/compliance_households.html",
        measure=chosen,
        as_of=as_of,
        households=households,
        owed=owed,
        args=_args(as_of, carer_type),
    )

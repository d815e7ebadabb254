"""JSON for managers' own tools: the same figures as the dashboard and the CLI."""

from datetime import date

from flask import jsonify, request

from crm.api import bp
from crm.dates import DateOutOfRange, parse_date
from crm.metrics.engine import PeriodError, compute_metrics
from crm.models import CarerType

METRICS_PARAMETERS = {"from", "to", "as_of", "carer_type"}


class BadRequest(ValueError):
    pass


def _date(name: str, required: bool = True) -> date | None:
    raw = request.args.get(name)
    if not raw:
        if required:
            raise BadRequest(f"'{name}' is required (YYYY-MM-DD).")
        return None
    try:
        return parse_date(raw, name)  # out of range: DateOutOfRange, a JSON 400 saying so
    except DateOutOfRange:
        raise
    except ValueError as malformed:
        raise BadRequest(str(malformed)) from None


def _carer_type() -> CarerType | None:
    raw = request.args.get("carer_type") or None
    if raw is None or raw == "all":
        return None
    try:
        return CarerType(raw)
    except ValueError:
        choices = ", ".join(["all", *(t.value for t in CarerType)])
        raise BadRequest(f"'carer_type' must be one of {choices}.") from None


@bp.route("/metrics")
def metrics():
    """GET /api/metrics?from=YYYY-MM-DD&to=YYYY-MM-DD[&as_of=YYYY-MM-DD]
    [&carer_type=mainstream|kinship|all]"""
    try:
        unknown = sorted(set(request.args) - METRICS_PARAMETERS)
        if unknown:
            raise BadRequest("Unknown parameter(s): " + ", ".join(unknown)[:200] + ".")
        start, end = _date("from"), _date("to")
        as_of = _date("as_of", required=False)
        return jsonify(compute_metrics(start, end, as_of, carer_type=_carer_type()))
    except (BadRequest, PeriodError) as problem:
        return jsonify({"error": str(problem), "status": 400}), 400

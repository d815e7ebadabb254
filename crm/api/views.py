"""JSON for managers' own tools: the same figures as the dashboard and the CLI."""

from datetime import date

from flask import jsonify, request

from crm.api import bp
from crm.metrics.engine import PeriodError, compute_metrics

METRICS_PARAMETERS = {"from", "to", "as_of"}


class BadRequest(ValueError):
    pass


def _date(name: str, required: bool = True) -> date | None:
    raw = request.args.get(name)
    if not raw:
        if required:
            raise BadRequest(f"'{name}' is required (YYYY-MM-DD).")
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be a date as YYYY-MM-DD, not {raw[:40]!r}.") from None


@bp.route("/metrics")
def metrics():
    """GET /api/metrics?from=YYYY-MM-DD&to=YYYY-MM-DD[&as_of=YYYY-MM-DD]"""
    try:
        unknown = sorted(set(request.args) - METRICS_PARAMETERS)
        if unknown:
            raise BadRequest("Unknown parameter(s): " + ", ".join(unknown)[:200] + ".")
        start, end = _date("from"), _date("to")
        return jsonify(compute_metrics(start, end, _date("as_of", required=False)))
    except (BadRequest, PeriodError) as problem:
        return jsonify({"error": str(problem), "status": 400}), 400

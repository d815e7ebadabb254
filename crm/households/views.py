from datetime import date

from flask import flash, render_template, request
from flask_login import current_user

from crm import risk_scores
from crm.auth.access import allow
from crm.auth.services import staff_choices
from crm.dates import parse_date
from crm.domain.periods import financial_year
from crm.extensions import db
from crm.formatting import uk_date
from crm.households import bp
from crm.households.forms import (
    HouseholdFilterForm,
)
from crm.households.queue import caseload_queue
from crm.metrics.period import make_period
from crm.metrics.places import capacity_on, places_on
from crm.metrics.stability import ENDING_WORDS, ENDINGS
from crm.metrics.stability import placements_ended as placements_ended_query
from crm.metrics.supervision import obligations_for
from crm.models import (
    CarerType,
    Role,
)
from crm.models.risk import latest_risk_model
from crm.models.setting import is_demo_service
from crm.pagination import paginate
from crm.queries.bookings import bookings_of
from crm.queries.households import caseload as caseload_query
from crm.queries.households import household_list
from crm.timeutil import today

CASELOAD_SORTS = {
    "due": lambda h, owed: min((o.due_on for o in owed), default=date.max),
    "reference": lambda h, owed: h.reference,
    "name": lambda h, owed: h.display_name.lower(),
}


RISK_SORTS = {
    "name": lambda s: s.household.display_name.lower(),
    "worker": lambda s: (
        s.household.supervising_worker.full_name if s.household.supervising_worker else "~",
        -s.risk,
    ),
}


@bp.route("/caseload")
@allow(Role.SUPERVISING_SOCIAL_WORKER)
def caseload():
    households = db.session.scalars(caseload_query(current_user)).all()
    owed = obligations_for(households, today())
    sort = request.args.get("sort", "due")
    key = CASELOAD_SORTS.get(sort, CASELOAD_SORTS["due"])
    households.sort(key=lambda h: key(h, owed[h.id]))
    return render_template(
        "households/caseload.html",
        households=households,
        owed=owed,
        sort=sort,
        today=today(),
        queue=caseload_queue(current_user, households, owed),
        bookings=db.session.scalars(bookings_of(current_user)).unique().all(),
    )


@bp.route("/")
def index():
    form = HouseholdFilterForm.from_args(request.args)
    pagination = paginate(household_list(**form.filters()))
    owed = obligations_for(pagination.items, today())
    return render_template("households/index.html", form=form, pagination=pagination, owed=owed)


@bp.route("/capacity")
@allow(Role.MANAGER)
def capacity():
    """Places approved, filled, vacant and not available, by kind of care and age."""
    try:
        on = parse_date(request.args["on"], "on") if request.args.get("on") else today()
    except ValueError:
        flash("Give the date as YYYY-MM-DD; showing today.", "warning")
        on = today()
    by_category, by_age = capacity_on(on)
    return render_template(
        "households/capacity.html",
        on=on,
        total=places_on(on),
        by_category=by_category,
        by_age=by_age,
        day=uk_date(on),
    )


@bp.route("/at-risk")
def at_risk():
    """Carers the model thinks may leave within a year, and why."""
    model = latest_risk_model()
    workers = staff_choices(Role.SUPERVISING_SOCIAL_WORKER)
    default = str(current_user.id) if not current_user.has_role(Role.MANAGER) else ""
    worker = request.args.get("worker", default)
    band = request.args.get("band", "")
    if worker and worker not in {w for w, _ in workers}:
        worker = ""
    if band not in ("", "high", "medium", "low"):
        band = ""
    scores = (
        risk_scores.latest_scores(model, int(worker) if worker else None, band or None)
        if model
        else []
    )
    sort = request.args.get("sort", "risk")
    if sort in RISK_SORTS:
        scores.sort(key=RISK_SORTS[sort])
    return render_template(
        "households/at_risk.html",
        model=model,
        scores=scores,
        workers=workers,
        worker=worker,
        band=band,
        sort=sort,
        message=None if model else risk_scores.why_no_model(),
    )


@bp.route("/model-card")
@allow(Role.MANAGER)
def model_card():
    model = latest_risk_model()
    return render_template(
        "households/model_card.html",
        demo=is_demo_service(),
        model=model,
        message=None if model else risk_scores.why_no_model(),
    )


@bp.route("/placements-ended")
@allow(Role.MANAGER)
def placements_ended():
    """The placements a stability figure counts: ended from..to, planned, unplanned
    (disruptions) or with the ending not recorded; the dashboard's counts open it."""
    args = request.args
    ending = args.get("ending", "")
    if ending not in ENDINGS:
        ending = ""
    carer_type = args.get("carer_type", "")
    if carer_type not in {t.value for t in CarerType}:
        carer_type = ""
    start, end = financial_year(today())
    try:
        if args.get("ended_from"):
            start = parse_date(args["ended_from"], "ended_from")
        if args.get("ended_to"):
            end = parse_date(args["ended_to"], "ended_to")
    except ValueError:
        flash("Give the dates as YYYY-MM-DD; showing this financial year.", "warning")
        start, end = financial_year(today())
    if end < start:
        flash("The end comes before the start; showing this financial year.", "warning")
        start, end = financial_year(today())
    period = make_period(start, end, end, CarerType(carer_type) if carer_type else None)
    pagination = paginate(placements_ended_query(period, ending or None), exact=True)
    return render_template(
        "households/placements_ended.html",
        pagination=pagination,
        period=period,
        ending=ending,
        carer_type=carer_type,
        endings=ENDING_WORDS,
        carer_types=list(CarerType),
    )

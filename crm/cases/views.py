from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm import create_once
from crm.auth.access import allow
from crm.cases import bp
from crm.cases.forms import (
    ApprovalForm,
    CaseFilterForm,
    EnquiryForm,
    PanelForm,
)
from crm.cases.services import (
    NewEnquiry,
    create_enquiry,
    tasks_due,
    work_queue,
)
from crm.domain.stages import EventKind, TransitionRefused
from crm.exports import FORMATS
from crm.exports import export as export_table
from crm.extensions import db
from crm.models import (
    CarerType,
    EnquiryChannel,
    Role,
)
from crm.models.setting import load_settings
from crm.pagination import paginate
from crm.queries.bookings import bookings_of
from crm.queries.cases import (
    CASE_EXPORT_HEADERS,
    case_export_rows,
    case_list,
    dated_by,
    my_open_cases,
    similar_cases,
)
from crm.timeutil import today

STEP_FORMS = {EventKind.PANEL: PanelForm, EventKind.APPROVAL: ApprovalForm}


@bp.route("/mine")
@allow(Role.RECRUITMENT_OFFICER, Role.SUPERVISING_SOCIAL_WORKER)
def my_cases():
    """The officer's and assessing worker's home: today's work first, then their cases."""
    return render_template(
        "cases/my_cases.html",
        tasks=db.session.scalars(tasks_due(current_user, today())).all(),
        queue=work_queue(current_user),
        target=load_settings().first_contact_target_working_days,
        pagination=paginate(my_open_cases(current_user)),
        bookings=db.session.scalars(bookings_of(current_user)).unique().all(),
    )


@bp.route("/")
def index():
    form = CaseFilterForm.from_args(request.args)
    filters = form.filters()
    query = case_list(**filters, visible_to=current_user)
    dated = dated_by(filters.get("step"), filters.get("date_from"), filters.get("date_to"))
    pagination = paginate(query, exact=dated is not None)
    similar = []
    # What was typed found less than a page: offer names that sound like it. (A name
    # with a page of exact matches is spelt as the service spells it; and "smith" among
    # 600,000 cases is spared the lookup's 40 ms.)
    if filters.get("q") and pagination.page == 1 and len(pagination.items) < pagination.per_page:
        unsearched = {**filters, "q": None}
        similar = similar_cases(filters["q"], case_list(**unsearched, visible_to=current_user))
    return render_template(
        "cases/index.html", form=form, pagination=pagination, dated=dated, similar=similar
    )


@bp.route("/export.<fmt>")
@allow(Role.MANAGER)
def export(fmt: str):
    """The case list as filtered on screen, to CSV or XLSX (audited). A bulk export of
    personal data: managers only (need to know; officers work case by case)."""
    if fmt not in FORMATS:
        abort(404)
    query = case_list(**CaseFilterForm.from_args(request.args).filters())
    rows = case_export_rows(db.session.scalars(query))
    response = export_table("cases", fmt, CASE_EXPORT_HEADERS, rows, "Case list")
    db.session.commit()
    return response


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = EnquiryForm()
    if form.validate_on_submit():
        if sent := create_once.already_sent(form):
            return sent
        data = {k: v for k, v in form.data.items() if k in NewEnquiry.__dataclass_fields__}
        # A connected person is referred by the child's social worker (new_referral),
        # never logged as a recruitment enquiry (domain.md, "Connected persons").
        data["carer_type"] = CarerType.MAINSTREAM
        data["channel"] = EnquiryChannel(data["channel"])
        try:
            case = create_enquiry(NewEnquiry(**data), by=current_user, owner=current_user)
        except TransitionRefused as refused:
            form.enquiry_date.errors.append(str(refused))
        else:
            create_once.done(form, url_for("cases.show", case_id=case.id))
            db.session.commit()
            flash(f"Enquiry {case.reference} saved.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/new.html", form=form)

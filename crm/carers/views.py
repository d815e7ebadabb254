from flask import render_template, request
from flask_login import current_user

from crm import audit
from crm.auth.access import allow
from crm.auth.services import staff_choices
from crm.carers import bp
from crm.carers.forms import HouseholdFilterForm
from crm.carers.queries import caseload as caseload_query
from crm.carers.queries import household_list
from crm.extensions import db
from crm.formfields import choices
from crm.models import Household, Role
from crm.pagination import paginate


def get_household_or_404(household_id: int) -> Household:
    return db.get_or_404(Household, household_id)


@bp.route("/caseload")
@allow(Role.SUPERVISING_SOCIAL_WORKER)
def caseload():
    return render_template(
        "carers/caseload.html", pagination=paginate(caseload_query(current_user))
    )


@bp.route("/")
def index():
    form = HouseholdFilterForm(request.args)
    form.worker.choices = choices(staff_choices(Role.SUPERVISING_SOCIAL_WORKER), blank="Anyone")
    query = household_list(**form.data) if form.validate() else household_list()
    return render_template("carers/index.html", form=form, pagination=paginate(query))


@bp.route("/<int:household_id>")
def show(household_id: int):
    household = get_household_or_404(household_id)
    audit.record_view(household)
    db.session.commit()
    return render_template("carers/show.html", household=household)

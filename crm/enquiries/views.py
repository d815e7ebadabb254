from flask import render_template, request
from flask_login import current_user

from crm import audit
from crm.auth.access import allow
from crm.enquiries import bp
from crm.enquiries.forms import CaseFilterForm
from crm.enquiries.queries import case_list, my_open_cases, officer_choices
from crm.extensions import db
from crm.formfields import choices
from crm.models import Case, Role
from crm.pagination import paginate


def get_case_or_404(case_id: int) -> Case:
    return db.get_or_404(Case, case_id)


@bp.route("/mine")
@allow(Role.RECRUITMENT_OFFICER, Role.SUPERVISING_SOCIAL_WORKER)
def my_cases():
    return render_template(
        "enquiries/my_cases.html", pagination=paginate(my_open_cases(current_user))
    )


@bp.route("/")
def index():
    form = CaseFilterForm(request.args)
    form.owner.choices = choices(officer_choices(), blank="Anyone")
    query = case_list(**form.data) if form.validate() else case_list()
    return render_template("enquiries/index.html", form=form, pagination=paginate(query))


@bp.route("/<int:case_id>")
def show(case_id: int):
    case = get_case_or_404(case_id)
    audit.record_view(case)
    db.session.commit()
    return render_template("enquiries/show.html", case=case, state=case.state())

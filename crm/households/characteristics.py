"""Carers' characteristics: special category data on a page of its own, for managers and
the household's supervising social worker only, every opening recorded in the audit log."""

from flask import abort, render_template

from crm import audit
from crm.extensions import db
from crm.households import bp
from crm.households.forms import CharacteristicsForm
from crm.households.records import _done, editable_household_or_403
from crm.models import AuditAction, Carer

#: What the audit log says was opened.
OPENED = "characteristics (special category data)"


def record_opened(*people) -> None:
    """Each carer's or applicant's characteristics shown: one audit entry a person, kept
    now, whatever the page does next."""
    for person in people:
        audit.record(AuditAction.VIEWED, type(person).__name__, person.id, OPENED)
    db.session.commit()


@bp.route("/<int:household_id>/characteristics")
def characteristics(household_id: int):
    """Every carer's characteristics, as Ofsted asks and matching needs."""
    household = editable_household_or_403(household_id)
    record_opened(*household.carers)
    return render_template("households/characteristics.html", household=household)


@bp.route("/<int:household_id>/characteristics/<int:carer_id>", methods=["GET", "POST"])
def edit_characteristics(household_id: int, carer_id: int):
    household = editable_household_or_403(household_id)
    carer = db.session.get(Carer, carer_id)
    if carer is None or carer.household_id != household.id:
        abort(404)
    form = CharacteristicsForm.of(carer)
    if form.validate_on_submit():
        form.apply_to(carer)
        return _done(household, f"{carer.full_name}'s characteristics saved.")
    record_opened(carer)
    return render_template(
        "households/form.html",
        household=household,
        form=form,
        heading=f"Characteristics: {carer.full_name}",
    )

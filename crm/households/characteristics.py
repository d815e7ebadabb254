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


@bp.route("/<int:household_id>/characteristics")
def characteristics(household_id: int):
    """Every carer's characteristics, as Ofsted asks and matching needs."""
    household = editable_household_or_403(household_id)
    for carer in household.carers:
        audit.record(AuditAction.VIEWED, "Carer", carer.id, OPENED)
    db.session.commit()
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
    audit.record(AuditAction.VIEWED, "Carer", carer.id, OPENED)
    db.session.commit()
    return render_template(
        "households/form.html",
        household=household,
        form=form,
        heading=f"Characteristics: {carer.full_name}",
    )

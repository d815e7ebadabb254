"""What carers prefer beside their terms of approval: girls or boys, how large a sibling
group; and the bedrooms the home has for fostered children. Not terms (no panel decides
them), so matching weighs them, never bars on them."""

from flask import render_template

from crm.domain.matching import ChildSex
from crm.households import bp
from crm.households.forms import PreferencesForm
from crm.households.records import _done, editable_household_or_403


@bp.route("/<int:household_id>/preferences", methods=["GET", "POST"])
def preferences(household_id: int):
    household = editable_household_or_403(household_id)
    form = PreferencesForm(
        data={
            "prefers": household.prefers.value if household.prefers else "",
            "siblings_up_to": household.siblings_up_to,
            "bedrooms": household.bedrooms,
        }
    )
    if form.validate_on_submit():
        household.prefers = ChildSex(form.prefers.data) if form.prefers.data else None
        household.siblings_up_to = form.siblings_up_to.data
        household.bedrooms = form.bedrooms.data
        return _done(household, "What the carers prefer is saved.")
    return render_template(
        "households/form.html", household=household, form=form, heading="What the carers prefer"
    )

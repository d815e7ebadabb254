"""What carers prefer beside their terms of approval: girls or boys, how large a sibling
group; and the bedrooms the home has for fostered children. Not terms (no panel decides
them), so matching weighs them, never bars on them."""

from flask import flash, render_template

from crm.domain.matching import ChildSex
from crm.formfields import stale_refusal
from crm.households import bp
from crm.households.forms import PreferencesForm
from crm.households.records import _done, editable_household_or_403

#: What the form edits, in the words a refusal uses.
PREFERENCES_FIELDS = {
    "prefers": "who they prefer to care for",
    "siblings_up_to": "sibling groups",
    "bedrooms": "bedrooms for fostered children",
}


@bp.route("/<int:household_id>/preferences", methods=["GET", "POST"])
def preferences(household_id: int):
    household = editable_household_or_403(household_id)
    form = PreferencesForm()
    heading = "What the carers prefer"
    if clashes := form.stale_edits(household, PREFERENCES_FIELDS):
        flash(stale_refusal(clashes), "warning")
        page = render_template(
            "households/form.html", household=household, form=form, heading=heading
        )
        return page, 409
    if form.validate_on_submit():
        household.prefers = ChildSex(form.prefers.data) if form.prefers.data else None
        household.siblings_up_to = form.siblings_up_to.data
        household.bedrooms = form.bedrooms.data
        saved = ["What the carers prefer is saved.", form.merge_note()]
        return _done(household, " ".join(filter(None, saved)))
    return render_template("households/form.html", household=household, form=form, heading=heading)

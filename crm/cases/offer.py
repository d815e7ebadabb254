"""What applicants hope to offer, recorded on their case: kinds of care and ages."""

from flask import flash, redirect, render_template, url_for

from crm.cases import bp
from crm.cases.forms import IntendedOfferForm
from crm.cases.records import get_case_or_404
from crm.domain.matching import ChildSex
from crm.extensions import db
from crm.formfields import stale_refusal

#: What the form edits, in the words a refusal uses.
OFFER_FIELDS = {
    "intended_categories": "the kinds of care they hope to offer",
    "intended_min_age": "the youngest age",
    "intended_max_age": "the oldest age",
    "intended_places": "the places",
    "intended_siblings_up_to": "the sibling groups",
    "intended_prefers": "their preference",
}


@bp.route("/<int:case_id>/offer", methods=["GET", "POST"])
def intended_offer(case_id: int):
    case = get_case_or_404(case_id)
    form = IntendedOfferForm()
    heading = "What they hope to offer"
    if clashes := form.stale_edits(case, OFFER_FIELDS):
        flash(stale_refusal(clashes), "warning")
        return render_template("cases/case_form.html", case=case, form=form, heading=heading), 409
    if form.validate_on_submit():
        case.intended_categories = sorted(form.categories.data or [])
        case.intended_min_age, case.intended_max_age = form.min_age.data, form.max_age.data
        case.intended_places = form.places.data
        case.intended_siblings_up_to = form.siblings_up_to.data
        case.intended_prefers = ChildSex(form.prefers.data) if form.prefers.data else None
        db.session.commit()
        saved = ["What they hope to offer is saved.", form.merge_note()]
        flash(" ".join(filter(None, saved)), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/case_form.html", case=case, form=form, heading=heading)

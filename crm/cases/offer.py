"""What applicants hope to offer, recorded on their case: kinds of care and ages."""

from flask import flash, redirect, render_template, url_for

from crm.cases import bp
from crm.cases.forms import IntendedOfferForm
from crm.cases.records import get_case_or_404
from crm.domain.matching import ChildSex
from crm.extensions import db


@bp.route("/<int:case_id>/offer", methods=["GET", "POST"])
def intended_offer(case_id: int):
    case = get_case_or_404(case_id)
    form = IntendedOfferForm(
        data={
            "categories": case.intended_categories or [],
            "min_age": case.intended_min_age,
            "max_age": case.intended_max_age,
            "places": case.intended_places,
            "siblings_up_to": case.intended_siblings_up_to,
            "prefers": case.intended_prefers.value if case.intended_prefers else "",
        }
    )
    if form.validate_on_submit():
        case.intended_categories = sorted(form.categories.data or [])
        case.intended_min_age, case.intended_max_age = form.min_age.data, form.max_age.data
        case.intended_places = form.places.data
        case.intended_siblings_up_to = form.siblings_up_to.data
        case.intended_prefers = ChildSex(form.prefers.data) if form.prefers.data else None
        db.session.commit()
        flash("What they hope to offer is saved.", "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "cases/case_form.html", case=case, form=form, heading="What they hope to offer"
    )

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.domain.matching import DeclineReason, ReferralOutcome, ReferralRefused
from crm.extensions import db
from crm.matching import bp
from crm.matching.forms import AnswerForm, ChildForm, OfferForm
from crm.matching.services import find_carers, record_answer, record_offer, waiting_for_answers
from crm.models import Household, Referral
from crm.timeutil import today

#: The children's description, carried from the search to the offer in the query string.
CHILD_ARGS = (
    "age", "sex", "needs", "care", "district", "school_district", "on",
    "religion", "ethnicity", "language",
)  # fmt: skip


def _child_args() -> dict:
    return {
        k: request.args.getlist(k)
        for k in request.args
        if k in CHILD_ARGS or k.startswith("others-")
    }


@bp.route("/")
def find():
    """Describe a child; see the households with a place free that day, best first, with
    what fits and what does not, and those that will have one soon."""
    form = ChildForm.from_args(request.args)
    described = "age" in request.args and form.validate()
    matches = find_carers(form.child(), seen_by=current_user) if described else None
    if matches is not None:
        db.session.commit()  # the audit log's entries for identity weighed, if any
    return render_template(
        "matching/find.html", form=form, matches=matches, child_args=_child_args()
    )


def _household_to_change(household_id: int) -> Household:
    """An offer and its answer are records on the household: a supervising social worker
    makes them for the households they supervise, a manager for any (as on its page)."""
    household = db.get_or_404(Household, household_id)
    if not household.may_be_edited_by(current_user):
        abort(403)
    return household


@bp.route("/offer/<int:household_id>", methods=["GET", "POST"])
def offer(household_id: int):
    """Record that the described child was offered to this household."""
    household = _household_to_change(household_id)
    child_form = ChildForm.from_args(request.args)
    if not child_form.validate():
        flash("Describe the child first: the offer records who was offered.", "warning")
        return redirect(url_for("matching.find"))
    form = OfferForm(offered_on=today())
    if form.validate_on_submit():
        try:
            record_offer(
                household,
                child_form.child(),
                form.offered_on.data,
                current_user,
                today(),
                form.child_reference.data,
                form.note.data,
            )
        except ReferralRefused as refused:
            getattr(form, refused.field).errors.append(refused.reason)
        else:
            db.session.commit()
            flash(f"Offer to {household.display_name} recorded.", "success")
            return redirect(url_for("households.show", household_id=household.id))
    return render_template(
        "matching/offer.html", form=form, household=household, child=child_form.child()
    )


@bp.route("/offers")
def offers():
    """Offers the carers have not answered yet."""
    return render_template("matching/offers.html", waiting=waiting_for_answers())


@bp.route("/offers/<int:referral_id>", methods=["GET", "POST"])
def answer(referral_id: int):
    """Record the carers' answer to an offer."""
    referral = db.get_or_404(Referral, referral_id)
    _household_to_change(referral.household_id)
    form = AnswerForm(answered_on=today())
    if form.validate_on_submit():
        reason = form.decline_reason.data
        try:
            record_answer(
                referral,
                ReferralOutcome(form.outcome.data),
                form.answered_on.data,
                today(),
                DeclineReason(reason) if reason else None,
                form.note.data,
            )
        except ReferralRefused as refused:
            getattr(form, refused.field).errors.append(refused.reason)
        else:
            db.session.commit()
            flash("The carers' answer is recorded.", "success")
            return redirect(url_for("households.show", household_id=referral.household_id))
    return render_template("matching/answer.html", form=form, referral=referral)

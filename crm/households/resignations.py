"""Carers' notice of resignation (reg 28(13)): recorded on the household, withdrawn
before it takes effect, and taking effect 28 days from receipt."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.domain.households import HouseholdRuleError
from crm.extensions import db
from crm.formatting import uk_date
from crm.households import bp
from crm.households.forms import ResignationNoticeForm, WithdrawNoticeForm
from crm.households.records import editable_household_or_403
from crm.models import DeregistrationReason, Household, ResignationNotice


def _back(household: Household):
    return redirect(url_for("households.show", household_id=household.id) + "#resignation")


@bp.route("/<int:household_id>/resignation", methods=["GET", "POST"])
def resignation_notice(household_id: int):
    """The carers' written notice received: their approval ends 28 days from it."""
    household = editable_household_or_403(household_id)
    form = ResignationNoticeForm()
    if form.validate_on_submit():
        try:
            notice = ResignationNotice.receive(
                household,
                form.received_on.data,
                DeregistrationReason(form.reason.data) if form.reason.data else None,
                by=current_user,
                note=form.note.data or None,
            )
        except HouseholdRuleError as refused:
            db.session.rollback()
            form.received_on.errors = [*form.received_on.errors, str(refused)]
        else:
            db.session.commit()
            flash(
                f"Notice recorded: the approval ends on {uk_date(notice.effective_on)} "
                "(28 days from receipt, reg 28(13)).",
                "success",
            )
            return _back(household)
    return render_template(
        "households/form.html",
        household=household,
        form=form,
        heading="Notice of resignation received from the carers",
    ), (400 if request.method == "POST" else 200)


@bp.route("/<int:household_id>/resignation/withdraw", methods=["GET", "POST"])
def withdraw_resignation(household_id: int):
    """The carers withdraw their notice before it takes effect: the approval goes on."""
    household = editable_household_or_403(household_id)
    notice = ResignationNotice.pending_for(household)
    if notice is None:
        abort(404)
    form = WithdrawNoticeForm()
    if form.validate_on_submit():
        try:
            notice.withdraw(form.withdrawn_on.data)
        except HouseholdRuleError as refused:
            db.session.rollback()
            form.withdrawn_on.errors = [*form.withdrawn_on.errors, str(refused)]
        else:
            db.session.commit()
            flash("The notice is withdrawn: the approval goes on.", "success")
            return _back(household)
    return render_template(
        "households/form.html",
        household=household,
        form=form,
        heading=f"Withdraw the notice received {uk_date(notice.received_on)}",
    ), (400 if request.method == "POST" else 200)

"""What some applications have and others do not: carers transferring in from another
fostering service, and a Stage 1 decision that an applicant is not suitable."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.cases import bp
from crm.cases.forms import Stage1DecisionForm, Stage1NotifiedForm, TransferInForm
from crm.cases.records import get_case_or_404
from crm.domain.stage1 import Stage1Refused
from crm.domain.stages import TransitionRefused
from crm.domain.transfers import TransferRefused
from crm.extensions import db
from crm.models import Stage1Decision, TransferIn


def _page(case, form, heading: str, anchor: str):
    return render_template(
        "cases/case_form.html", case=case, form=form, heading=heading, anchor=anchor
    ), (400 if request.method == "POST" else 200)


def _back(case, anchor: str):
    return redirect(url_for("cases.show", case_id=case.id) + anchor)


@bp.route("/<int:case_id>/transfer", methods=["GET", "POST"])
def transfer_in(case_id: int):
    """Mark a case as carers transferring in, with the previous service's reference and
    records as they arrive."""
    case = get_case_or_404(case_id)
    transfer = TransferIn.of(case)
    form = TransferInForm(obj=transfer)
    if form.validate_on_submit():
        if transfer is None:
            transfer = TransferIn(case=case, recorded_by=current_user)
        form.populate_obj(transfer)
        try:
            transfer.check()
        except TransferRefused as refused:
            db.session.rollback()
            form.previous_service.errors = [*form.previous_service.errors, str(refused)]
        else:
            db.session.add(transfer)
            db.session.commit()
            flash("Saved: a transfer from another fostering service.", "success")
            return _back(case, "#transfer")
    return _page(case, form, "Transferring in from another fostering service", "#transfer")


@bp.route("/<int:case_id>/stage1-decision", methods=["GET", "POST"])
def stage1_decision(case_id: int):
    """The applicant found not suitable at Stage 1: the case closes, withdrawn by the
    service. Not a qualifying determination: no representations, no IRM."""
    case = get_case_or_404(case_id)
    decision = Stage1Decision.of(case)
    if decision is not None:
        if decision.notified_on is not None:
            abort(404)
        return _notified(case, decision)
    form = Stage1DecisionForm()
    if form.validate_on_submit():
        try:
            Stage1Decision.decide(
                case,
                form.decided_on.data,
                form.notified_on.data,
                form.reason.data,
                form.reasons.data,
                current_user,
            )
        except (Stage1Refused, TransitionRefused) as refused:
            db.session.rollback()
            form.decided_on.errors = [*form.decided_on.errors, str(refused)]
        else:
            db.session.commit()
            flash("Recorded: not suitable at Stage 1.", "success")
            return _back(case, "#checks")
    return _page(case, form, "Not suitable at Stage 1", "#checks")


def _notified(case, decision: Stage1Decision):
    form = Stage1NotifiedForm()
    if form.validate_on_submit():
        try:
            decision.notify(form.notified_on.data)
        except Stage1Refused as refused:
            db.session.rollback()
            form.notified_on.errors = [*form.notified_on.errors, str(refused)]
        else:
            db.session.commit()
            flash("Recorded: the applicant was told.", "success")
            return _back(case, "#checks")
    return _page(case, form, "The Stage 1 decision told to the applicant", "#checks")

"""A connected person's assessment for a special guardianship or child arrangements
order and what the court did (crm.domain.special_guardianship): an order made closes
the fostering case, or deregisters the household approved from it, for a good outcome."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from crm.auth.access import allow
from crm.cases import bp
from crm.cases.records import get_case_or_404
from crm.cases.special_guardianship import record_order_outcome, start_order_assessment
from crm.domain.households import HouseholdRuleError
from crm.domain.special_guardianship import OrderKind, OrderOutcome, OrderRuleError
from crm.domain.stages import TransitionRefused
from crm.extensions import db
from crm.formfields import DateField, Form, choices, not_in_future
from crm.models import Role
from crm.timeutil import today


class OrderAssessmentForm(Form):
    order = SelectField(
        "Order assessed",
        choices=choices(((o.value, o.label) for o in OrderKind), blank="Choose one"),
        validators=[DataRequired(message="Choose the order.")],
    )
    started_on = DateField(
        "Assessment started on", default=today, validators=[DataRequired(), not_in_future]
    )
    note = StringField("Note", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Record the order assessment")


class OrderOutcomeForm(Form):
    outcome = SelectField(
        "Outcome",
        choices=choices(((o.value, o.label) for o in OrderOutcome), blank="Choose one"),
        validators=[DataRequired(message="Choose the outcome.")],
    )
    decided_on = DateField("Decided on", default=today, validators=[DataRequired(), not_in_future])
    order_made_on = DateField(
        "The court made the order on (an order made only)", validators=[Optional(), not_in_future]
    )
    submit = SubmitField("Record the outcome")


def _refused(form, message: str, field: str | None) -> None:
    target = form[field] if field in form else next(iter(form))
    target.errors = [*target.errors, message]


@bp.route("/<int:case_id>/order", methods=["GET", "POST"])
def order_assessment(case_id: int):
    case = get_case_or_404(case_id)
    form = OrderAssessmentForm()
    if form.validate_on_submit():
        try:
            start_order_assessment(
                case, OrderKind(form.order.data), form.started_on.data, current_user,
                form.note.data, as_of=today(),
            )  # fmt: skip
        except OrderRuleError as refused:
            _refused(form, str(refused), refused.field)
        else:
            db.session.commit()
            flash("Order assessment recorded.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/orders.html", case=case, form=form, title="Order assessment")


@bp.route("/<int:case_id>/order/outcome", methods=["GET", "POST"])
@allow(Role.SUPERVISING_SOCIAL_WORKER, Role.MANAGER)
def order_outcome(case_id: int):
    """What the court did. An order made can end an approval, as a deregistration does:
    the social workers' and managers' step (households.deregister), not recruitment's."""
    case = get_case_or_404(case_id)
    running = next((a for a in case.order_assessments if a.outcome is None), None)
    if running is None:
        flash("Record the order assessment first.", "warning")
        return redirect(url_for("cases.show", case_id=case.id))
    form = OrderOutcomeForm()
    if form.validate_on_submit():
        try:
            ends = record_order_outcome(
                running, OrderOutcome(form.outcome.data), form.decided_on.data,
                form.order_made_on.data, current_user, as_of=today(),
            )  # fmt: skip
        except OrderRuleError as refused:
            _refused(form, str(refused), refused.field)
        except (TransitionRefused, HouseholdRuleError) as refused:
            _refused(form, str(refused), "order_made_on")
        else:
            db.session.commit()
            flash(_said(ends), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template(
        "cases/orders.html", case=case, form=form, title="Outcome of the order assessment",
        running=running,
    )  # fmt: skip


def _said(ends: str | None) -> str:
    if ends == "case":
        return "Order made: the fostering case is closed (withdrawn by the service, order made)."
    if ends == "household":
        return "Order made: the household is deregistered for a good outcome (the child stays)."
    return "Outcome recorded."

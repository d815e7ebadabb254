"""Forms for qualifying determinations and reviews of approval."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, Optional

from crm.create_once import OnceForm
from crm.domain.determinations import FinalOutcome, Recommendation, Response, ReviewOutcome
from crm.formfields import (
    CheckboxesField,
    DateField,
    Form,
    NumberRange,
    choices,
    not_in_future,
    note_field,
)
from crm.models import CareCategory, DeregistrationReason
from crm.timeutil import today


class RefusalForm(OnceForm):
    notified_on = DateField(
        "Notice sent on", default=today, validators=[DataRequired(), not_in_future]
    )
    reasons = note_field("Reasons given in the notice", required="Give the reasons.")
    submit = SubmitField("Record the proposed refusal")


class ProposalForm(OnceForm):
    """A proposed termination or change of terms (reg 28(7)); a change names the terms."""

    kind = SelectField(
        "Proposal",
        choices=choices(
            [("termination", "Terminate the approval"), ("change_of_terms", "Change the terms")]
        ),
    )
    notified_on = DateField(
        "Notice sent on", default=today, validators=[DataRequired(), not_in_future]
    )
    reasons = note_field("Reasons given in the notice", required="Give the reasons.")
    deregistration_reason = SelectField(
        "Termination: the reason, as deregistration counts it",
        choices=choices(((r.value, r.label) for r in DeregistrationReason), blank="—"),
        default="",
    )
    places = IntegerField("Change: places", validators=[Optional(), NumberRange(min=1, max=6)])
    min_age = IntegerField("Change: youngest age", validators=[Optional(), NumberRange(0, 21)])
    max_age = IntegerField("Change: oldest age", validators=[Optional(), NumberRange(0, 21)])
    categories = CheckboxesField(
        "Change: kinds of care", choices=choices((c.value, c.label) for c in CareCategory)
    )
    submit = SubmitField("Record the proposal")

    def validate(self, extra_validators=None) -> bool:
        """A termination needs its reason; a change, the whole of the new terms."""
        valid = super().validate(extra_validators)
        if self.kind.data == "termination" and not self.deregistration_reason.data:
            self.deregistration_reason.errors = ["Choose the reason for the termination."]
            valid = False
        if self.kind.data == "change_of_terms":
            for f in (self.places, self.min_age, self.max_age):
                if f.data is None:
                    f.errors = [*f.errors, "A change of terms gives the new terms."]
                    valid = False
            if not self.categories.data:
                self.categories.errors = ["Choose at least one kind of care."]
                valid = False
            elif (
                self.min_age.data is not None
                and self.max_age.data is not None
                and self.max_age.data < self.min_age.data
            ):
                self.max_age.errors = ["The oldest age is below the youngest."]
                valid = False
        return valid


class ResponseForm(Form):
    response = SelectField("What they chose", choices=choices((r.value, r.label) for r in Response))
    received_on = DateField("Received on", validators=[DataRequired(), not_in_future])
    submit = SubmitField("Record the response")


class IrmPapersForm(Form):
    irm_papers_sent_on = DateField(
        "Papers sent to the IRM on", validators=[DataRequired(), not_in_future]
    )
    submit = SubmitField("Record the papers sent")


class RecommendationForm(Form):
    recommendation = SelectField(
        "Recommendation", choices=choices((r.value, r.label) for r in Recommendation)
    )
    recommended_on = DateField("Made on", validators=[DataRequired(), not_in_future])
    submit = SubmitField("Record the recommendation")


class DecisionForm(Form):
    outcome = SelectField(
        "Final decision", choices=choices((o.value, o.label) for o in FinalOutcome)
    )
    decided_on = DateField("Decided on", validators=[DataRequired(), not_in_future])
    note = note_field("Note (why, where it differs from a recommendation)")
    submit = SubmitField("Record the final decision")


class ReviewForm(OnceForm):
    """A review of approval (reg 28): what it gathered, when, and what it concluded."""

    reviewed_on = DateField(
        "Reviewed on", default=today, validators=[DataRequired(), not_in_future]
    )
    outcome = SelectField("Outcome", choices=choices((o.value, o.label) for o in ReviewOutcome))
    presented_to_panel_on = DateField(
        "Presented to the fostering panel on (the first review must be)",
        validators=[Optional(), not_in_future],
    )
    carers_report_on = DateField(
        "The carers' own report received on (blank: not received)",
        validators=[Optional(), not_in_future],
    )
    children_views_on = DateField(
        "Views of the children placed received on (blank: not received)",
        validators=[Optional(), not_in_future],
    )
    social_workers_views_on = DateField(
        "Views of the children's social workers received on (blank: not received)",
        validators=[Optional(), not_in_future],
    )
    note = note_field()
    submit = SubmitField("Record the review")


class LeftForm(Form):
    left_on = DateField(
        "Left the household on", default=today, validators=[DataRequired(), not_in_future]
    )
    submit = SubmitField("Record that they left")

"""The panel's forms: a member of the central list, a sitting, its agenda, attendance,
the recommendation, the final minutes and the agency decision."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from crm.domain.panel import Decision, PanelItemKind, PanelRole, Recommendation
from crm.formfields import (
    CheckboxesField,
    DateField,
    Form,
    NoteLength,
    NumberRange,
    choices,
    not_in_future,
)
from crm.models import CareCategory

CARE_CHOICES = choices((c.value, c.label) for c in CareCategory)


def _text(label: str, required: str | None = None) -> TextAreaField:
    presence = DataRequired(message=required) if required else Optional()
    return TextAreaField(label, validators=[presence, NoteLength()])


class MemberForm(Form):
    name = StringField(
        "Name", validators=[DataRequired("Give the member's name."), Length(max=120)]
    )
    role = SelectField(
        "Role on the panel",
        choices=choices(((r.value, r.label) for r in PanelRole), blank="Choose a role"),
        validators=[DataRequired("Choose a role.")],
    )
    joined_on = DateField("Joined the central list", validators=[DataRequired()])
    left_on = DateField("Left the list", validators=[Optional()])
    last_appraised_on = DateField("Last annual appraisal", validators=[Optional(), not_in_future])
    submit = SubmitField("Save member")

    def validate_left_on(self, field) -> None:
        if field.data and self.joined_on.data and field.data <= self.joined_on.data:
            raise ValidationError("They left after they joined: check the dates.")


class SittingForm(Form):
    sits_on = DateField("Sitting date", validators=[DataRequired()])
    submit = SubmitField("Add sitting")


class ItemForm(Form):
    kind = SelectField(
        "Item",
        choices=choices((k.value, k.label) for k in PanelItemKind),
        validators=[DataRequired()],
    )
    reference = StringField(
        "Case or household reference",
        validators=[DataRequired("Give the case's or household's reference."), Length(max=40)],
        description="An application names its case (e.g. C00123); a review, termination "
        "or exemption its household.",
    )
    submit = SubmitField("Add to the agenda")


class AttendanceForm(Form):
    members = CheckboxesField("Who attended", choices=[])
    submit = SubmitField("Save attendance")


class MinutesForm(Form):
    received_on = DateField(
        "Final minutes received by the decision maker",
        validators=[DataRequired(), not_in_future],
    )
    submit = SubmitField("Record minutes received")


class RecommendationForm(Form):
    recommendation = SelectField(
        "The panel recommends",
        choices=choices(((r.value, r.label) for r in Recommendation), blank="Choose one"),
        validators=[DataRequired("Choose the recommendation.")],
    )
    reasons = _text("The panel's reasons", required="Give the panel's reasons.")
    asked_for = _text("What the panel asked for (a deferral)")
    places = IntegerField("Places", validators=[Optional(), NumberRange(min=1, max=6)])
    min_age = IntegerField("Youngest age", validators=[Optional(), NumberRange(min=0, max=21)])
    max_age = IntegerField("Oldest age", validators=[Optional(), NumberRange(min=0, max=21)])
    categories = CheckboxesField("Kinds of care", choices=CARE_CHOICES)
    quality_feedback = _text("The chair's feedback on the quality of the assessment")
    submit = SubmitField("Record recommendation")

    def validate_places(self, field) -> None:
        if self.recommendation.data == Recommendation.APPROVE and field.data is None:
            raise ValidationError("Give the number of places the panel recommends.")

    def validate_max_age(self, field) -> None:
        low = self.min_age.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError("The oldest age is below the youngest.")


class DecisionForm(Form):
    decision = SelectField(
        "The decision",
        choices=choices(((d.value, d.label) for d in Decision), blank="Choose one"),
        validators=[DataRequired("Choose the decision.")],
    )
    decided_on = DateField("Decided on", validators=[DataRequired(), not_in_future])
    decision_maker = StringField(
        "Agency decision maker",
        validators=[DataRequired("Name the decision maker."), Length(max=120)],
    )
    reason_against = _text("Why the decision differs from the recommendation")
    places = IntegerField("Approved places", validators=[Optional(), NumberRange(min=1, max=6)])
    min_age = IntegerField(
        "Youngest age", default=0, validators=[InputRequired(), NumberRange(min=0, max=21)]
    )
    max_age = IntegerField(
        "Oldest age", default=17, validators=[InputRequired(), NumberRange(min=0, max=21)]
    )
    categories = CheckboxesField("Kinds of care", choices=CARE_CHOICES)
    submit = SubmitField("Record decision")

    def __init__(self, *args, needs_terms: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        #: An approval of an application needs its terms (they become the household's).
        self.needs_terms = needs_terms

    def _approving(self) -> bool:
        return self.needs_terms and self.decision.data == Decision.APPROVE

    def validate_places(self, field) -> None:
        if self._approving() and field.data is None:
            raise ValidationError("Give the number of approved places.")

    def validate_categories(self, field) -> None:
        if self._approving() and not field.data:
            raise ValidationError("Choose at least one kind of care.")

    def validate_max_age(self, field) -> None:
        low = self.min_age.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError("The oldest age is below the youngest.")

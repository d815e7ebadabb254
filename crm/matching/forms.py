from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from crm.domain.household_vocabulary import CareCategory
from crm.domain.matching import Child, ChildSex, DeclineReason
from crm.domain.sufficiency import Need
from crm.formfields import (
    CheckboxesField,
    DateField,
    FilterForm,
    Form,
    NumberRange,
    choices,
    optional_choice,
)
from crm.timeutil import today


class ChildForm(FilterForm):
    """The child to find carers for, from the query string (a search writes nothing)."""

    age = IntegerField(
        "Age",
        validators=[InputRequired("Give the child's age."), NumberRange(min=0, max=17)],
    )
    siblings = IntegerField(
        "Children to place together",
        default=1,
        description="1 for one child; 2 for a child and a brother or sister…",
        validators=[Optional(), NumberRange(min=1, max=8)],
    )
    needs = CheckboxesField(
        "Needs", choices=choices([(n.value, n.label) for n in Need if n is not Need.ALL])
    )
    care = optional_choice("Kind of care", CareCategory, blank="Any")
    district = StringField(
        "Near (postcode district)",
        description="For example LE2",
        validators=[
            Optional(),
            Length(max=4),
            Regexp(r"^[A-Za-z]{1,2}\d[A-Za-z\d]?$", message="Give a district such as LE2."),
        ],
    )
    on = DateField("Placement from", validators=[Optional()])
    sex = optional_choice("Girl or boy", ChildSex, blank="Not said")

    def child(self) -> Child:
        return Child(
            age=self.age.data,
            on=self.on.data or today(),
            siblings=self.siblings.data or 1,
            needs=frozenset(Need(n) for n in self.needs.data or ()),
            care=CareCategory(self.care.data) if self.care.data else None,
            district=self.district.data.upper() if self.district.data else None,
            sex=ChildSex(self.sex.data) if self.sex.data else None,
        )


class OfferForm(Form):
    child_reference = StringField(
        "Child's reference in the children's system",
        description="Optional. Hearth keeps no child's record.",
        validators=[Optional(), Length(max=40)],
    )
    offered_on = DateField("Offered on", validators=[InputRequired("Give the date.")])
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record the offer")


class AnswerForm(Form):
    outcome = SelectField(
        "The carers' answer",
        choices=choices([("accepted", "Accepted"), ("declined", "Declined")], blank="Choose…"),
        validators=[InputRequired("Choose the answer.")],
    )
    answered_on = DateField("On", validators=[InputRequired("Give the date.")])
    decline_reason = optional_choice("Why they declined", DeclineReason, blank="Choose…")
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record the answer")

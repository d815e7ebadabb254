from __future__ import annotations

import wtforms
from wtforms import (
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from crm.domain.characteristics import Ethnicity, Religion
from crm.domain.household_vocabulary import CareCategory
from crm.domain.matching import Child, ChildSex, DeclineReason, Group
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


def _district_field(label: str) -> StringField:
    return StringField(
        label,
        description="For example LE2",
        validators=[
            Optional(),
            Length(max=4),
            Regexp(r"^[A-Za-z]{1,2}\d[A-Za-z\d]?$", message="Give a district such as LE2."),
        ],
    )


#: Rows for a child's brothers and sisters to place with them (the first child apart).
OTHER_CHILDREN = 5
_NEEDS = choices([(n.value, n.label) for n in Need if n is not Need.ALL])


class BrotherOrSisterForm(wtforms.Form):
    """One more child of the group: a row left empty is no child."""

    age = IntegerField(validators=[Optional(), NumberRange(min=0, max=17)])
    sex = optional_choice("Girl or boy", ChildSex, blank="Not said")
    needs = CheckboxesField("Needs", choices=_NEEDS)

    def validate_age(self, field) -> None:
        if field.data is None and not field.errors and (self.sex.data or self.needs.data):
            raise ValidationError("Give this child's age, or leave the row empty.")

    def child(self) -> Child | None:
        if self.age.data is None:
            return None
        return _child(self.age.data, self.sex.data, self.needs.data)


def _child(age: int, sex: str | None, needs) -> Child:
    return Child(
        age=age,
        sex=ChildSex(sex) if sex else None,
        needs=frozenset(Need(n) for n in needs or ()),
    )


class ChildForm(FilterForm):
    """The child, and any brothers and sisters to place with them, from the query string
    (a search writes nothing): each child described, the group judged as a whole."""

    age = IntegerField(
        "Age",
        validators=[InputRequired("Give the child's age."), NumberRange(min=0, max=17)],
    )
    sex = optional_choice("Girl or boy", ChildSex, blank="Not said")
    needs = CheckboxesField("Needs", choices=_NEEDS)
    others = FieldList(
        FormField(BrotherOrSisterForm),
        min_entries=OTHER_CHILDREN,
        max_entries=OTHER_CHILDREN,
    )
    care = optional_choice("Kind of care", CareCategory, blank="Any full-time care")
    district = _district_field("Near home (postcode district)")
    school_district = _district_field("Near school (postcode district)")
    on = DateField("Placement from", validators=[Optional()])
    religion = optional_choice("Religion", Religion, blank="Not said")
    ethnicity = optional_choice("Ethnicity", Ethnicity, blank="Not said")
    language = StringField("Language spoken at home", validators=[Optional(), Length(max=60)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, row in enumerate(self.others, start=2):
            row.form.age.label.text = f"Age of child {number}"
            row.form.sex.label.text = f"Child {number}: girl or boy"
            row.form.needs.label.text = f"Needs of child {number}"

    def child(self) -> Group:
        first = _child(self.age.data, self.sex.data, self.needs.data)
        others = [row.form.child() for row in self.others]
        return Group(
            children=(first, *(c for c in others if c is not None)),
            on=self.on.data or today(),
            care=CareCategory(self.care.data) if self.care.data else None,
            district=self.district.data.upper() if self.district.data else None,
            school_district=(
                self.school_district.data.upper() if self.school_district.data else None
            ),
            religion=Religion(self.religion.data) if self.religion.data else None,
            ethnicity=Ethnicity(self.ethnicity.data) if self.ethnicity.data else None,
            language=self.language.data.strip() if self.language.data else None,
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

from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crm.formfields import FilterForm, Form


class PersonSearchForm(FilterForm):
    q = StringField(
        "Name, email or reference",
        validators=[Optional(), Length(min=2, max=100, message="Type 2 to 100 characters.")],
    )


class ErasureForm(Form):
    reason = TextAreaField(
        "The request (who asked, when, how it was verified)",
        validators=[DataRequired(), Length(max=200)],
    )
    confirm = BooleanField(
        "I understand this deletes the case for good",
        validators=[DataRequired(message="Tick to confirm.")],
    )
    submit = SubmitField("Erase")

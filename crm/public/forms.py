from wtforms import (
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from crm.domain.reference import ENQUIRY_SOURCES
from crm.formfields import Form, choices, phone_field, postcode_field

HEARD_ABOUT_US = [(code, label) for code, label in ENQUIRY_SOURCES.items() if code != "phone"]


class RegisterInterestForm(Form):
    first_name = StringField("First name", validators=[DataRequired(), Length(max=80)])
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=80)])
    email = EmailField("Email address", validators=[DataRequired(), Email(), Length(max=254)])
    phone = phone_field("Phone number")
    postcode = postcode_field(required=True)
    source = SelectField(
        "How did you hear about fostering with us?",
        choices=choices(HEARD_ABOUT_US, blank="Choose one"),
        validators=[DataRequired(message="Tell us how you heard about us.")],
    )
    message = TextAreaField(
        "Anything you would like to tell us or ask (optional)",
        validators=[Optional(), Length(max=2000)],
    )
    campaign = HiddenField(validators=[Optional(), Length(max=120)])
    # A field people never see; bots that fill every field give themselves away.
    website = StringField("Leave this empty", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Send")

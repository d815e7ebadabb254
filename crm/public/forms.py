from wtforms import (
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from crm.create_once import OnceForm
from crm.enquiry_sources import heard_choices
from crm.formfields import EmailOrPhone, Form, choices, phone_field, postcode_field


def _fills(purpose: str) -> dict:
    """What a browser may fill the field with, from what it knows of the person
    (WCAG 2.2 1.3.5, Identify Input Purpose). Only here: on staff forms the person is
    somebody else, and the browser would offer the officer's own details."""
    return {"render_kw": {"autocomplete": purpose}}


class RegisterInterestForm(EmailOrPhone, OnceForm):
    first_name = StringField(
        "First name", validators=[DataRequired(), Length(max=80)], **_fills("given-name")
    )
    last_name = StringField(
        "Last name", validators=[DataRequired(), Length(max=80)], **_fills("family-name")
    )
    email = EmailField(
        "Email address", validators=[Optional(), Email(), Length(max=254)], **_fills("email")
    )
    phone = phone_field("Phone number", **_fills("tel"))
    postcode = postcode_field(required=True, **_fills("postal-code"))
    source = SelectField(
        "How did you hear about fostering with us?",
        validators=[DataRequired(message="Tell us how you heard about us.")],
    )
    message = TextAreaField(
        "Anything you would like to tell us or ask (optional)",
        validators=[Optional(), Length(max=2000)],
    )
    campaign = HiddenField(validators=[Optional(), Length(max=120)])
    # A field people never see; bots that fill every field give themselves away.
    website = StringField(
        "Leave this empty", validators=[Optional(), Length(max=200)], **_fills("off")
    )
    submit = SubmitField("Send")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source.choices = choices(heard_choices(), blank="Choose one")


class StopMessagesForm(Form):
    submit = SubmitField("Stop these messages")

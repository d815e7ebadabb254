from flask import current_app
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from crm.formfields import Form


class LoginForm(Form):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Sign in")


# The most common passwords and patterns; a short list, not a breach corpus.
COMMON_PASSWORDS = {
    "password",
    "password1",
    "password123",
    "123456789012",
    "qwertyuiop",
    "letmein123",
    "welcome123",
    "iloveyou123",
    "passwordpassword",
    "abc123456789",
    "fostering123",
    "changeme1234",
    "administrator",
    "qwerty123456",
}


def strong_password(form, field) -> None:
    """At least PASSWORD_MIN_LENGTH characters and not a well-known password."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(f"Use at least {minimum} characters.")
    if field.data.lower() in COMMON_PASSWORDS or len(set(field.data)) < 4:
        raise ValidationError("That password is too easy to guess; choose another.")


class ChangePasswordForm(Form):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password", validators=[DataRequired(), Length(max=200), strong_password]
    )
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords differ.")],
    )
    submit = SubmitField("Change password")

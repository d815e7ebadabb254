from flask_login import current_user
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from crm.auth.passwords import password_problem
from crm.formfields import Form


class LoginForm(Form):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Sign in")


def strong_password(form, field) -> None:
    """The form validator for password_problem, with the person's name and email."""
    own = [
        getattr(form, name).data
        for name in ("email", "full_name")
        if hasattr(form, name) and isinstance(getattr(form, name).data, str)
    ]
    if getattr(current_user, "is_authenticated", False):
        own += [current_user.email, current_user.full_name]
    problem = password_problem(field.data or "", own)
    if problem:
        raise ValidationError(problem)


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


class CodeForm(Form):
    code = StringField(
        "Code",
        validators=[DataRequired(message="Enter the code."), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
        description="The 6-digit code your authenticator app shows now, or one of your "
        "recovery codes.",
    )
    submit = SubmitField("Continue")


class EnrolForm(Form):
    code = StringField(
        "Code from the app",
        validators=[DataRequired(message="Enter the code the app shows."), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
        description="After adding Hearth to the app, type the 6-digit code it shows.",
    )
    submit = SubmitField("Turn on")


class NewRecoveryCodesForm(Form):
    code = StringField(
        "Code from your authenticator app",
        validators=[DataRequired(message="Enter the code the app shows."), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField("Make new recovery codes")

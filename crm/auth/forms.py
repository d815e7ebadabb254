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


def code_field(label: str, missing: str, inputmode: str = "numeric", **render) -> StringField:
    """A one-time code: the phone's keyboard for digits, and the browser's own offer of
    a code it has seen (autocomplete=one-time-code)."""
    return StringField(
        label,
        validators=[DataRequired(message=missing), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": inputmode, **render},
    )


class CodeForm(Form):
    """The second step of a password sign-in (recovery codes have letters)."""

    code = code_field("Code", "Enter the code.", inputmode="text", autofocus=True)
    submit = SubmitField("Continue")


class EnrolForm(Form):
    code = code_field("Code from the app", "Enter the code the app shows.")
    submit = SubmitField("Turn on")


class NewRecoveryCodesForm(Form):
    code = code_field("Code from your authenticator app", "Enter the code the app shows.")
    submit = SubmitField("Make new recovery codes")


class InvitationForm(Form):
    """A new member of staff choosing their own password, from their invitation link."""

    new_password = PasswordField(
        "Choose a password",
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "The password again",
        render_kw={"autocomplete": "new-password"},
        validators=[DataRequired(), EqualTo("new_password", message="The passwords differ.")],
    )
    submit = SubmitField("Set my password")

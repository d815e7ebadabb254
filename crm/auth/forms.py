from flask import current_app
from flask_login import current_user
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError
from zxcvbn import zxcvbn

from crm.formfields import Form


class LoginForm(Form):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Sign in")


#: zxcvbn's scale: 0 too guessable ... 4 very unguessable. 3 resists an offline attack
#: on a slow hash, which is what we store.
MIN_PASSWORD_SCORE = 3


def password_problem(password: str, own: list[str] | None = None) -> str | None:
    """Why a new password will not do, or None. At least PASSWORD_MIN_LENGTH characters,
    and not guessable: zxcvbn checks it against its lists of common passwords, names and
    words, keyboard patterns, dates and repeats, and against the person's own details."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return f"Use at least {minimum} characters."
    # zxcvbn refuses more than 72 characters; a longer one is judged by its start
    # (found by the fuzz tests: a 5,000-character password was a 500).
    verdict = zxcvbn(password[:72], user_inputs=[w for w in own or [] if w])
    if verdict["score"] >= MIN_PASSWORD_SCORE:
        return None
    feedback = verdict["feedback"]
    advice = " ".join(part for part in (feedback["warning"], *feedback["suggestions"]) if part)
    return f"That password is too easy to guess. {advice}".strip()


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

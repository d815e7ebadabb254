import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from crm.auth.forms import strong_password
from crm.auth.services import normalise_email
from crm.domain.settings import SETTING_LABELS, Settings
from crm.extensions import db
from crm.formfields import CheckboxesField, choices
from crm.models import AuditAction, Role, User

ROLE_CHOICES = choices((r.value, r.label) for r in Role)


class UserForm(FlaskForm):
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email address", validators=[DataRequired(), Email(), Length(max=254)])
    roles = CheckboxesField("Roles", choices=ROLE_CHOICES)
    active = BooleanField("Account active", default=True)
    submit = SubmitField("Save")

    def __init__(self, *args, editing: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def validate_email(self, field) -> None:
        email = normalise_email(field.data or "")
        query = sa.select(User.id).where(User.email == email)
        if self.editing is not None:
            query = query.where(User.id != self.editing.id)
        if db.session.scalar(query) is not None:
            raise ValidationError("Another account already uses this email address.")

    def validate_roles(self, field) -> None:
        if not field.data:
            raise ValidationError("Choose at least one role.")


class NewUserForm(UserForm):
    password = PasswordField(
        "Temporary password", validators=[DataRequired(), Length(max=200), strong_password]
    )


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    user = StringField("User email contains", validators=[Optional(), Length(max=254)])
    action = SelectField(
        "Action",
        choices=choices(((a.value, a.value.replace("_", " ")) for a in AuditAction), blank="Any"),
        default="",
    )
    entity_type = StringField("Record type", validators=[Optional(), Length(max=60)])
    entity_id = StringField("Record id", validators=[Optional(), Length(max=60)])
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")


def settings_form_class() -> type[FlaskForm]:
    """A form with one whole-number field per setting, built from the Settings dataclass."""

    class SettingsForm(FlaskForm):
        submit = SubmitField("Save settings")

    for name in Settings.__dataclass_fields__:
        field = IntegerField(
            SETTING_LABELS[name], validators=[InputRequired(), NumberRange(min=0, max=3650)]
        )
        setattr(SettingsForm, name, field)
    return SettingsForm

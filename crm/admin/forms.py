import sqlalchemy as sa
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from crm.auth.services import normalise_email
from crm.domain.settings import (
    DEFAULT_MAXIMUM,
    SETTING_LABELS,
    SETTING_MAXIMUMS,
    SETTING_MINIMUMS,
    Settings,
)
from crm.domain.sufficiency import AIMS_BY_KEY
from crm.extensions import db
from crm.formfields import (
    CheckboxesField,
    DateField,
    FilterForm,
    Form,
    NumberRange,
    choices,
    note_field,
)
from crm.models import AuditAction, Campaign, EnquirySource, Role, User
from crm.plain_text import plain

ROLE_CHOICES = choices((r.value, r.label) for r in Role)


class UserForm(Form):
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
    """No password: the new member of staff sets their own by a one-time link."""


class AuditSearchForm(FilterForm):
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


def settings_form_class() -> type[Form]:
    """A form with one whole-number field per setting, built from the Settings dataclass."""

    class SettingsForm(Form):
        submit = SubmitField("Save settings")

    for name in Settings.__dataclass_fields__:
        field = IntegerField(
            SETTING_LABELS[name],
            validators=[
                InputRequired(),
                NumberRange(
                    min=SETTING_MINIMUMS.get(name, 0),
                    max=SETTING_MAXIMUMS.get(name, DEFAULT_MAXIMUM),
                ),
            ],
        )
        setattr(SettingsForm, name, field)
    return SettingsForm


AIMS = list(AIMS_BY_KEY.values())


class TargetsForm(Form):
    """Approval targets for one financial year (blank: no target for that type)."""

    financial_year = IntegerField(
        "Financial year starting 1 April",
        validators=[
            InputRequired(),
            NumberRange(min=2000, max=2100, message="Give a year such as 2026."),
        ],
    )
    mainstream = IntegerField(
        "Mainstream approvals", validators=[Optional(), NumberRange(min=0, max=10000)]
    )
    kinship = IntegerField(
        "Family and friends (kinship) approvals",
        validators=[Optional(), NumberRange(min=0, max=10000)],
    )
    submit = SubmitField("Save targets")


def sufficiency_targets_form_class() -> type[Form]:
    """The financial year, and one optional number of households for each age band and
    need (crm.domain.sufficiency's aims)."""

    class SufficiencyTargetsForm(Form):
        financial_year = TargetsForm.financial_year
        submit = SubmitField("Save targets")

        def targets(self) -> dict[str, int | None]:
            return {aim.key: self[field_name(aim.key)].data for aim in AIMS}

    for aim in AIMS:
        field = IntegerField(
            f"{aim.label}: households", validators=[Optional(), NumberRange(min=0, max=10000)]
        )
        setattr(SufficiencyTargetsForm, field_name(aim.key), field)
    return SufficiencyTargetsForm


def field_name(aim_key: str) -> str:
    """An aim's key as a form field's name ("band:10_to_15" -> "band__10_to_15")."""
    return aim_key.replace(":", "__")


class CampaignForm(Form):
    name = StringField(
        "Campaign name (as enquiries record it)", validators=[DataRequired(), Length(max=120)]
    )
    started_on = DateField("Started", validators=[Optional()])
    ended_on = DateField("Ended", validators=[Optional()])
    cost = DecimalField(
        "Cost (£)", places=2, validators=[Optional(), NumberRange(min=0, max=10_000_000)]
    )
    notes = note_field("Notes")
    submit = SubmitField("Save campaign")

    def __init__(self, *args, editing: Campaign | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def validate_name(self, field) -> None:
        query = sa.select(Campaign.id).where(Campaign.name == (field.data or "").strip())
        if self.editing is not None:
            query = query.where(Campaign.id != self.editing.id)
        if db.session.scalar(query) is not None:
            raise ValidationError("There is already a campaign with this name.")

    def validate_ended_on(self, field) -> None:
        if field.data and self.started_on.data and field.data < self.started_on.data:
            raise ValidationError("The campaign ends before it starts.")


class EnquirySourceForm(Form):
    label = StringField(
        "Source (as staff and reports will call it)",
        validators=[DataRequired(), Length(max=120)],
    )
    retired = BooleanField("Retired: kept on older enquiries, not offered for new ones")
    submit = SubmitField("Save source")

    def __init__(self, *args, editing: EnquirySource | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing

    def validate_label(self, field) -> None:
        """No two sources an importer could not tell apart (case and spacing aside)."""
        wanted = plain(field.data or "")
        for source in db.session.scalars(sa.select(EnquirySource)):
            if source is not self.editing and wanted in (plain(source.label), plain(source.code)):
                raise ValidationError(f"“{source.label}” is already on the list.")


class MessageTemplateForm(Form):
    """The council's wording of one automated message: a placeholder the message cannot
    fill is refused here, with the words as typed kept on the page."""

    subject = StringField("Subject", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        "Message", validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 12}
    )
    submit = SubmitField("Save wording")

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind  # a MessageKind: which placeholders it may use

    def validate(self, extra_validators=None) -> bool:
        from crm.domain.outreach import template_problems

        if not super().validate(extra_validators):
            return False
        if self.kind is None:
            return True
        problems = template_problems(self.kind, self.subject.data, self.body.data)
        for problem in problems:
            target = self.subject if problem.startswith("The subject") else self.body
            target.errors = [*target.errors, problem]
        return not problems


class MessageSignatureForm(Form):
    council_name = StringField(
        "Council or service name", validators=[DataRequired(), Length(max=120)]
    )
    team_phone = StringField("Fostering team phone number", validators=[Optional(), Length(max=40)])
    submit = SubmitField("Save")

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from crm.domain.reference import ENQUIRY_SOURCES
from crm.domain.stages import Stage
from crm.formfields import choices
from crm.models import CarerType


class CaseFilterForm(FlaskForm):
    """The filters on the case list; read from the query string."""

    class Meta:
        csrf = False

    q = StringField(
        "Search",
        validators=[Optional(), Length(max=100)],
        description="Name, email, phone, postcode or reference",
    )
    stage = SelectField(
        "Stage",
        choices=choices(
            [("open", "Any open stage")] + [(s.value, s.label) for s in Stage], blank="Any"
        ),
        default="",
        validators=[Optional()],
    )
    source = SelectField(
        "Source",
        choices=choices(ENQUIRY_SOURCES.items(), blank="Any"),
        default="",
        validators=[Optional()],
    )
    carer_type = SelectField(
        "Carer type",
        choices=choices(((c.value, c.label) for c in CarerType), blank="Any"),
        default="",
        validators=[Optional()],
    )
    owner = SelectField(
        "Officer", choices=choices([], blank="Anyone"), default="", validators=[Optional()]
    )
    date_from = DateField("Enquiry from", validators=[Optional()])
    date_to = DateField("Enquiry to", validators=[Optional()])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")

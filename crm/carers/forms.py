from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from crm.formfields import choices
from crm.models import HouseholdStatus


class HouseholdFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        "Search",
        validators=[Optional(), Length(max=100)],
        description="Carer name, reference or postcode",
    )
    status = SelectField(
        "Status",
        choices=choices(
            [("current", "Active or on a break")] + [(s.value, s.label) for s in HouseholdStatus],
            blank="Any",
        ),
        default="",
        validators=[Optional()],
    )
    worker = SelectField(
        "Supervising social worker",
        choices=choices([], blank="Anyone"),
        default="",
        validators=[Optional()],
    )

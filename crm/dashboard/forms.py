from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional, ValidationError


class PeriodForm(FlaskForm):
    """The period the dashboard shows; read from the query string."""

    class Meta:
        csrf = False

    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    as_of = DateField("As it stood on", validators=[Optional()])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")

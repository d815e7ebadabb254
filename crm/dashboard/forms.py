from __future__ import annotations

from datetime import date, timedelta

from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, Optional, Regexp, ValidationError

from crm.dates import parse_month
from crm.domain.periods import financial_year
from crm.formfields import DateField, FilterForm, Form, MonthField, NumberRange, choices
from crm.metrics.engine import Period, make_period
from crm.models import CarerType
from crm.timeutil import today


def sensible_date(form, field) -> None:
    if field.data and not date(1950, 1, 1) <= field.data <= date(2100, 12, 31):
        raise ValidationError("Give a date between 1950 and 2100.")


class PeriodForm(FilterForm):
    """The period the dashboard shows; read from the query string."""

    date_from = DateField("From", validators=[Optional(), sensible_date])
    date_to = DateField("To", validators=[Optional(), sensible_date])
    as_of = DateField("As it stood on", validators=[Optional(), sensible_date])

    def validate(self, extra_validators=None) -> bool:
        """Also refuse a lone start date after the default end (the financial year's)."""
        if not super().validate(extra_validators):
            return False
        if self.date_from.data and not self.date_to.data:
            _, end = financial_year(self.as_of.data or today())
            if self.date_from.data > end:
                self.date_from.errors.append("Give an end date after this start date.")
                return False
        return True

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")


class SummaryMonthForm(FilterForm):
    """Which month the printable summary covers (default: the last complete month)."""

    month = MonthField(
        "Month",
        render_kw={"placeholder": "YYYY-MM"},
        validators=[
            Optional(),
            Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message="Give the month as YYYY-MM."),
        ],
    )

    def chosen_month(self) -> date:
        if self.validate() and self.month.data:
            return parse_month(self.month.data, "month")
        last_month = today().replace(day=1) - timedelta(days=1)
        self.month.data = self.month.data if self.errors else f"{last_month:%Y-%m}"
        return last_month.replace(day=1)

    @staticmethod
    def periods(first: date) -> tuple[Period, Period]:
        """The month, and its financial year up to the month's end."""
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        last = following - timedelta(days=1)
        as_of = min(today(), last)  # a past month as it stood at its end
        year_start, _ = financial_year(first)
        return make_period(first, last, as_of), make_period(year_start, last, as_of)


class OfstedYearForm(FilterForm):
    """The financial year of the Ofsted return (default: the last complete one)."""

    year = IntegerField(
        "Financial year starting April",
        validators=[
            Optional(),
            NumberRange(min=2000, max=2100, message="Give a year such as 2025."),
        ],
    )

    def chosen_year(self) -> int:
        if self.validate() and self.year.data:
            return self.year.data
        year = financial_year(today())[0].year - 1
        if not self.errors:
            self.year.data = year
        return year


class ComplianceForm(FilterForm):
    """The day compliance is judged on (default today) and which carers."""

    as_of = DateField("As it stood on", validators=[Optional(), sensible_date])
    carer_type = SelectField(
        "Carers",
        choices=choices(((c.value, c.label) for c in CarerType), blank="All"),
        default="",
        validators=[Optional()],
    )

    def chosen(self) -> tuple[date, CarerType | None]:
        """(as of, carer type or None for all); today and all when a value is bad."""
        if not self.validate():
            return today(), None
        kind = CarerType(self.carer_type.data) if self.carer_type.data else None
        return min(self.as_of.data or today(), today()), kind


class SubmittedReturnForm(Form):
    """The day a year's Ofsted return was sent."""

    submitted_on = DateField(
        "Submitted to Ofsted on", validators=[InputRequired("Give the day it was sent.")]
    )

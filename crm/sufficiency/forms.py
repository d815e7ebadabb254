from __future__ import annotations

from datetime import date

from wtforms import SelectField

from crm.formfields import FilterForm, choices
from crm.metrics.sufficiency import months_held


class MonthForm(FilterForm):
    """Which month of the demand profile to show (the latest unless chosen)."""

    month = SelectField("Month", default="")

    def fill_choices(self) -> None:
        self.held = months_held()
        self.month.choices = choices([(f"{m:%Y-%m}", f"{m:%B %Y}") for m in self.held])

    def chosen(self) -> date | None:
        """The month asked for if the profile holds it, else the latest held (or None)."""
        wanted = {f"{m:%Y-%m}": m for m in self.held}
        if self.month.data in wanted:
            return wanted[self.month.data]
        if self.month.data:
            self.month.errors = [f"No demand profile for {self.month.data}; showing the latest."]
        return self.held[0] if self.held else None

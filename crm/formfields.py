"""Form pieces shared by every area's forms."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice, StringField, TelField, widgets
from wtforms.fields import SelectMultipleField
from wtforms.validators import DataRequired, Length, Optional, Regexp

# A UK postcode, loosely: outward code, space optional, inward code.
POSTCODE = r"^\s*[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\s*$"


def choices(pairs: Iterable[tuple[str, str]], blank: str | None = None) -> list[SelectChoice]:
    """Options for a select from (value, label) pairs, optionally led by a blank one."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as checkboxes, which work better than a multi-select."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def phone_field(label: str = "Phone") -> TelField:
    return TelField(
        label,
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^[\d\s()+-]{7,}$", message="Enter a phone number."),
        ],
    )


def postcode_field(required: bool = False) -> StringField:
    presence = DataRequired() if required else Optional()
    return StringField(
        "Postcode",
        validators=[
            presence,
            Length(max=10),
            Regexp(POSTCODE, message="Enter a UK postcode, like LE1 6ZG."),
        ],
    )

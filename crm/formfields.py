"""Form pieces shared by every area's forms."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice, widgets
from wtforms.fields import SelectMultipleField


def choices(pairs: Iterable[tuple[str, str]], blank: str | None = None) -> list[SelectChoice]:
    """Options for a select from (value, label) pairs, optionally led by a blank one."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as checkboxes, which work better than a multi-select."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

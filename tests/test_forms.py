"""Hearth's base form: what it adds to WTForms must not change what WTForms does."""

from __future__ import annotations

import pytest
from wtforms import Form as PlainForm
from wtforms import SelectChoice, SelectField

from crm.formfields import Form, QuickSelect, choices

CHOICES = choices(
    [
        ("stage2", "Stage 2 assessment"),
        ("a&b", "Tom & Jerry's <b>"),
        ('quote"d', 'Say "hi"'),
        (3, "Three"),
        (True, "Yes"),
    ],
    blank="Any",
)

ATTRIBUTED = [SelectChoice("a", "A", {"disabled": True}), SelectChoice("b", "B")]


class Quick(Form):
    class Meta:
        csrf = False

    choice = SelectField(choices=CHOICES)


class Plain(PlainForm):
    choice = SelectField(choices=CHOICES)


@pytest.mark.parametrize("chosen", ["", "stage2", "a&b", 'quote"d', "3", "True", "missing"])
def test_a_select_renders_exactly_as_wtforms_does(app, chosen):
    from werkzeug.datastructures import MultiDict

    with app.test_request_context():
        data = MultiDict({"choice": chosen})
        quick, plain = Quick(data), Plain(data)
        assert isinstance(quick.choice.widget, QuickSelect)
        assert quick.choice(class_="form-select") == plain.choice(class_="form-select")


def test_an_option_with_attributes_of_its_own_goes_wtforms_way(app):
    class WithAttributes(Form):
        class Meta:
            csrf = False

        choice = SelectField(
            choices=[SelectChoice("a", "A", {"disabled": True}), SelectChoice("b", "B")]
        )

    class PlainWithAttributes(PlainForm):
        choice = SelectField(
            choices=[SelectChoice("a", "A", {"disabled": True}), SelectChoice("b", "B")]
        )

    with app.test_request_context():
        assert WithAttributes().choice() == PlainWithAttributes().choice()


def test_a_select_sent_as_spaces_is_no_choice_rather_than_a_bad_one(app):
    """WTForms' Optional() takes " " for empty and clears the choice check, so " " was
    passed on as a choice (the carers' preferences answered 500)."""
    from crm.households.forms import PreferencesForm

    with app.test_request_context(method="POST", data={"prefers": " "}):
        form = PreferencesForm()
        form.validate()
        assert form.prefers.data == ""

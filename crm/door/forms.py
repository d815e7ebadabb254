"""A page of the application as a WTForms form drawn with GOV.UK Frontend's widgets
(govuk-frontend-wtf). The questions come from crm.domain.door; the checks on what was
typed are the domain's (check_page), shown on the fields they belong to."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, Field, RadioField, StringField, TextAreaField

from crm.domain.door import Page
from crm.formfields import choices


def _field(kind: str, label: str) -> Field:
    if kind == "yesno":
        return RadioField(
            label, choices=choices([("yes", "Yes"), ("no", "No")]), widget=GovRadioInput(),
            validate_choice=False,
        )  # fmt: skip
    if kind == "agree":
        return BooleanField(label, widget=GovCheckboxInput())
    if kind == "text":
        return TextAreaField(label, widget=GovTextArea())
    return StringField(label, widget=GovTextInput())


def page_form(page: Page, saved: dict[str, str], formdata=None) -> FlaskForm:
    """The page's form, filled from what was saved (or, when posted, what was typed)."""
    fields = {
        f.name: _field(f.kind, f.label + ("" if f.required else " (optional)")) for f in page.fields
    }
    form_class = type("PageForm", (FlaskForm,), fields)
    data = {
        f.name: (saved.get(f.name) == "yes") if f.kind == "agree" else saved.get(f.name)
        for f in page.fields
    }
    return form_class(formdata=formdata, data=data)


def typed(page: Page, form: FlaskForm) -> dict[str, str]:
    """What the form holds, as the domain's checks read it: text, and "yes" for a ticked
    consent."""
    out = {}
    for f in page.fields:
        value = form[f.name].data
        if f.kind == "agree":
            out[f.name] = "yes" if value else ""
        else:
            out[f.name] = value or ""
    return out


def show_errors(form: FlaskForm, errors: dict[str, str]) -> list[dict]:
    """Put the domain's errors on their fields; the error summary's list."""
    for name, message in errors.items():
        form[name].errors = [message]
    form._errors = None  # worked out again from the fields
    return [{"text": message, "href": f"#{form[name].id}"} for name, message in errors.items()]

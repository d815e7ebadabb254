"""Forms for documents and letters."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from crm.domain.documents import DocumentKind
from crm.domain.letters import PLACEHOLDERS, WordingRefused, unknown_placeholders
from crm.formfields import DateField, Form, NoteLength, choices, not_in_future
from crm.timeutil import today


class DocumentForm(Form):
    """A document for a case or a household: the file, its kind, date and any expiry.
    A refused upload keeps what was typed (a browser never keeps a chosen file)."""

    file = FileField(
        "File (PDF, PNG, JPEG, .docx or .odt)",
        validators=[FileRequired("Choose a file to upload.")],
    )
    kind = SelectField(
        "Kind of document",
        choices=choices([(k.value, k.label) for k in DocumentKind], blank="Choose…"),
        validators=[DataRequired("Say what kind of document it is.")],
    )
    title = StringField(
        "Title (optional)",
        validators=[Optional(), Length(max=200)],
        description="Say whose it is or what it covers, e.g. “Gas safety 2026”.",
    )
    dated = DateField(
        "Date of the document",
        default=today,
        validators=[DataRequired("Give the document's date."), not_in_future],
    )
    expires_on = DateField(
        "Expires on (if it does)",
        validators=[Optional()],
        description="A reminder is flagged to the record's worker before this day.",
    )
    submit = SubmitField("Upload")

    def validate_expires_on(self, field) -> None:
        if field.data and self.dated.data and field.data <= self.dated.data:
            raise ValidationError("It must expire after its date.")


class LetterheadForm(Form):
    council_name = StringField(
        "Council's name", validators=[DataRequired("Give the council's name."), Length(max=200)]
    )
    address = TextAreaField("Address", validators=[Optional(), NoteLength(1000)])
    logo = FileField("Logo (a PNG or JPEG image; leave empty to keep the one held)")
    submit = SubmitField("Save the letterhead")


def known_placeholders(form, field) -> None:
    """Refuse wording with a placeholder Hearth cannot fill, naming it and those it can."""
    try:
        unknown = unknown_placeholders(field.data or "")
    except WordingRefused as refused:
        raise ValidationError(str(refused)) from refused
    if unknown:
        names = ", ".join(f"{{{name}}}" for name in unknown)
        allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        raise ValidationError(
            f"Hearth does not know {names}. The placeholders it can fill are: {allowed}."
        )


class WordingForm(Form):
    wording = TextAreaField(
        "Wording",
        validators=[DataRequired("Write the letter."), NoteLength(20000), known_placeholders],
        render_kw={"rows": 18},
    )
    submit = SubmitField("Save the wording")


class LetterForm(Form):
    """What the officer adds to a letter's draft: its date, the terms and the reasons."""

    decision_date = DateField(
        "Date of the decision", default=today, validators=[DataRequired("Give the date.")]
    )
    terms = TextAreaField("Terms of approval", validators=[Optional(), NoteLength(1000)])
    reasons = TextAreaField("Reasons", validators=[Optional(), NoteLength(5000)])
    preview = SubmitField("Show the letter")
    submit = SubmitField("Save the letter to the record")

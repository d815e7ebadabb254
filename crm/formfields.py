"""Form pieces shared by every area's forms."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import DateField as WTFormsDateField
from wtforms import (
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
    validators,
    widgets,
)
from wtforms.fields import SelectMultipleField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from crm.audit import edits_since
from crm.dates import IN_RANGE, DateOutOfRange, in_range, parse_month
from crm.plain_text import multi_line, single_line
from crm.timeutil import today

# A UK postcode, loosely: outward code, space optional, inward code.
POSTCODE = r"^\s*[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\s*$"


def choices(pairs: Iterable[tuple[str, str]], blank: str | None = None) -> list[SelectChoice]:
    """Options for a select from (value, label) pairs, optionally led by a blank one."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


def optional_choice(label: str, options: Iterable, blank: str) -> SelectField:
    """A select of an enum's members by their labels that may be left at `blank`."""
    return SelectField(
        label,
        choices=choices([(o.value, o.label) for o in options], blank=blank),
        validators=[Optional()],
    )


class DateField(WTFormsDateField):
    """WTForms' date box, with Hearth's one range of dates (crm.dates): a date outside it
    is the field's error on a form that saves, and a 400 on a page's filters (FilterForm)."""

    out_of_range: DateOutOfRange | None = None

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data is not None:
            try:
                in_range(self.data, self.name)
            except DateOutOfRange as refused:
                # the date is kept, so that "required" does not hide why it is refused
                self.out_of_range = refused
                raise ValueError(f"Give a date {IN_RANGE}.") from None


class MonthField(StringField):
    """A month as YYYY-MM, kept as typed (its Regexp explains a malformed one); a month
    outside Hearth's range of dates is refused as DateField refuses a date."""

    out_of_range: DateOutOfRange | None = None

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        try:
            parse_month(self.data or "", self.name)
        except DateOutOfRange as refused:
            self.out_of_range = refused
            raise ValueError(f"Give a month {IN_RANGE}.") from None
        except ValueError:
            pass  # not a month at all: the field's own validator says so


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


#: How long a note may be: long enough for a visit's write-up pasted from elsewhere.
NOTE_LENGTH = 20_000


class NoteLength:
    """Refuse an over-long note with its length, keeping every character typed. Unlike
    WTForms' Length it sets no `maxlength`, with which a browser silently cuts pasted
    text at the limit and the user never knows what was lost."""

    def __init__(self, limit: int = NOTE_LENGTH):
        self.limit = limit

    def __call__(self, form, field) -> None:
        length = len(field.data or "")
        if length > self.limit:
            raise ValidationError(
                f"This is {length:,} characters; a note can hold {self.limit:,}. Shorten it "
                "or split it into two; what you typed is still here."
            )


def note_field(label: str = "Note", required: str | None = None) -> TextAreaField:
    presence = DataRequired(message=required) if required else Optional()
    return TextAreaField(label, validators=[presence, NoteLength()])


def not_in_future(form, field) -> None:
    if field.data and field.data > today():
        raise ValidationError("The date cannot be in the future.")


class NumberRange(validators.NumberRange):
    """WTForms' NumberRange, which raised OverflowError (a 500) on a number too big to
    be a float, such as a hundred 9s typed into a box; found by the fuzz tests."""

    def __call__(self, form, field) -> None:
        try:
            super().__call__(form, field)
        except OverflowError as too_big:
            raise ValidationError(
                self.message or f"Number must be between {self.min} and {self.max}."
            ) from too_big


def _without_nul(value):
    """A password keeps every character but NUL (PostgreSQL cannot store it): it is
    compared, never shown, sent or exported, and one set before cleaning must still match."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def _cleaning(field_class) -> Callable:
    """The filter that takes control characters out of a field's text (crm.plain_text)."""
    if issubclass(field_class, TextAreaField):
        return multi_line
    if issubclass(field_class, PasswordField):
        return _without_nul
    return single_line


class QuickSelect(widgets.Select):
    """WTForms' select, each plain option written directly: WTForms builds every
    option through `html_params` and looks up its own method's signature on each
    render, which was a quarter of a list page's time (its filters' fifty options).
    The markup is the same (tests/test_forms.py holds it to WTForms' own); an option
    with attributes of its own goes WTForms' way."""

    @classmethod
    def _dispatch_render_option(cls):
        return cls.render_option

    @classmethod
    def render_option(cls, choice, **kwargs) -> Markup:
        if choice.render_kw or kwargs:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')


QUICK_SELECT = QuickSelect()


class Form(FlaskForm):
    """The base of every form in Hearth: FlaskForm (CSRF) whose text input is cleaned
    of control characters before any validator sees it (a note keeps its line breaks;
    crm.plain_text), and whose single selects render their options quickly."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            # The unbound field belongs to the form class, shared by every instance:
            # the filter is given to this binding only. (Written into the shared
            # kwargs, it was added again each time a form was made: after a day's
            # requests each text field ran thousands of copies of it.)
            cleaning = _cleaning(unbound_field.field_class)
            filters = (cleaning, *unbound_field.kwargs.get("filters", ()))
            if unbound_field.field_class is SelectField and "widget" not in unbound_field.kwargs:
                options = {**options, "widget": QUICK_SELECT}
            return unbound_field.bind(form=form, filters=filters, **options)


class EmailOrPhone:
    """A form mixin: someone is reached by email or by phone, so either will do, but one
    is needed (the public form, a new enquiry and its correction say it the same way)."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.email.data and not self.phone.data:
            self.email.errors = [*self.email.errors, "Give an email address or a phone number."]
            return False
        return valid


class FilterForm(Form):
    """Filters read from a list page's query string. A GET changes nothing, so no CSRF
    token; a bad value is shown with its error and the list is shown unfiltered.

    Subclasses fill choices that come from the database in `fill_choices`."""

    class Meta:
        csrf = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refused = next((f.out_of_range for f in self if getattr(f, "out_of_range", None)), None)
        if refused is not None:  # no list or report of year 1: say so, as a 400
            raise refused

    @classmethod
    def from_args(cls, args) -> FilterForm:
        form = cls(args)
        form.fill_choices()
        return form

    def fill_choices(self) -> None:
        """Set the choices of selects whose options live in the database."""

    def filters(self) -> dict:
        """The valid filters by field name, or none at all when any is invalid."""
        return dict(self.data) if self.validate() else {}


class VersionedForm(Form):
    """A form that edits a versioned record: it carries the version it was opened on,
    so a save over someone else's change is refused instead of silently undoing it."""

    version = HiddenField()

    def stale_edits(self, record, fields) -> list[str]:
        """On opening, remember the record's version. On saving, what others changed
        in `fields` since then, in words (empty: save); unrelated changes never block."""
        if not self.is_submitted():
            self.version.data = record.version
            return []
        clashes = edits_since(record, self.version.data, fields)
        if clashes:
            self.version.data = record.version
        return clashes


def stale_refusal(clashes: list[str]) -> str:
    """The one message for a refused stale form."""
    return (
        "Not saved: " + "; ".join(clashes) + " after you opened this page. Your entries "
        "are below; check them against the record and save again."
    )


def form_errors(form: FlaskForm) -> str:
    """Every error on a form as one sentence, for a flash message."""
    return " ".join(e for errors in form.errors.values() for e in errors)


def reason_field(label: str = "Why", what: str = "correction") -> TextAreaField:
    """Why a record is corrected or voided: kept on the record and in its audit trail."""
    return TextAreaField(
        label,
        validators=[
            DataRequired(message=f"Say why: a {what} keeps its reason on the record."),
            NoteLength(500),
        ],
    )


class VoidForm(Form):
    """Void a record entered by mistake: it is kept, struck through, out of every figure."""

    why = reason_field("Why it is voided", "void")
    submit = SubmitField("Void this record")

"""Form pieces shared by every area's forms."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app, request
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import DateField as WTFormsDateField
from wtforms import (
    FieldList,
    FormField,
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


def phone_field(label: str = "Phone", **kwargs) -> TelField:
    return TelField(
        label,
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^[\d\s()+-]{7,}$", message="Enter a phone number."),
        ],
        **kwargs,
    )


def postcode_field(required: bool = False, **kwargs) -> StringField:
    presence = DataRequired() if required else Optional()
    return StringField(
        "Postcode",
        validators=[
            presence,
            Length(max=10),
            Regexp(POSTCODE, message="Enter a UK postcode, like LE1 6ZG."),
        ],
        **kwargs,
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
    if issubclass(field_class, SelectField):
        return _choice
    return single_line


def _choice(value):
    """A select's value without surrounding spaces: WTForms' Optional() takes " " for
    an empty answer and clears the "not a valid choice" error, so " " reached the view
    as a choice (ChildSex(" ") answered 500 to the fuzz test)."""
    value = single_line(value)
    return value.strip() if isinstance(value, str) else value


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
            if issubclass(unbound_field.field_class, FieldList | FormField):
                # Rows of fields: their own fields are cleaned, the list takes no filter.
                return unbound_field.bind(form=form, **options)
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
    """A form that edits a versioned record. It carries the version it was opened on and,
    signed, the values it was opened with, so a save over someone else's change merges
    instead of silently undoing it (a three-way merge, field by field):

    - a field only this person changed takes what they typed;
    - a field only the other person changed keeps theirs (what this form still shows
      is the old value: sending it back is not a change);
    - a field both changed, differently, is shown with both values to choose between.

    Subclasses whose fields are not the record's own attributes say how to fill them:
    `filled_from` (the object `obj=` reads) and `fill` (what `obj=` cannot, such as a
    select holding an id)."""

    version = HiddenField()
    opened_with = HiddenField()

    #: Set by `stale_edits` when others' changes were kept alongside this person's.
    merged: list[str]

    def filled_from(self, record):
        """The object whose attributes fill the form: the record itself, by default."""
        return record

    def fill(self, record) -> None:
        """Set what `obj=` cannot from the record, on opening and when merging."""

    def stale_edits(self, record, fields) -> list[str]:
        """On opening, remember the record's version and the values shown. On saving,
        merge with what others changed in `fields` since then (the audit trail says
        who and when): the clashes in words, empty when the form may be saved (the
        form's data is then the merge; `merged` says whose changes were kept)."""
        self.merged = []
        if not self.is_submitted():
            self.fill(record)
            self._opened_on(record, self._sent())
            return []
        clashes = edits_since(record, self.version.data, fields)
        if not clashes:
            return []
        theirs_form = type(self)(formdata=None, obj=self.filled_from(record))
        theirs_form.fill(record)
        for name, field in theirs_form._fields.items():
            if hasattr(field, "choices"):
                field.choices = self[name].choices  # set by the view, for labels
        theirs = theirs_form._sent()
        opened = _opened_values(self.opened_with.data)
        mine = {name: list(self[name].raw_data or []) for name in theirs}
        merged, both = three_way_merge(opened, mine, theirs)
        if opened is not None:
            self.process(_with_values(request.form, merged))
        self._opened_on(record, theirs)
        if both:
            for name in both:
                self[name].errors = [_both_values(self[name], theirs_form[name])]
            return clashes
        self.merged = clashes
        return []

    def merge_note(self) -> str | None:
        """What a save that was merged kept of others' changes, for its flash."""
        if not getattr(self, "merged", None):
            return None
        return "Their changes are kept with yours: " + "; ".join(self.merged) + "."

    def _opened_on(self, record, values: dict[str, list[str]]) -> None:
        self.version.data = record.version
        self.opened_with.data = _signer().dumps(values)

    def _sent(self) -> dict[str, list[str]]:
        """What the browser sends back for each merged field when nobody touches it."""
        return {f.name: sent_values(f) for f in self if f.name not in _NOT_MERGED}


#: A versioned form's own bookkeeping, never merged.
_NOT_MERGED = frozenset({"version", "opened_with", "csrf_token", "submit", "once"})


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="hearth-form-opened-with")


def _opened_values(token: str | None) -> dict[str, list[str]] | None:
    try:
        values = _signer().loads(token or "")
    except BadSignature:
        return None
    return values if isinstance(values, dict) else None


def sent_values(field) -> list[str]:
    """The values a browser sends for `field` as the page shows it, unchanged."""
    if field.type == "BooleanField":
        return ["y"] if field.data else []
    if isinstance(field, SelectMultipleField):
        return [str(v) for v in field.data or []]
    if isinstance(field, SelectField):
        return ["" if field.data is None else str(field.data)]
    return [field._value()]


def _same(values: list[str] | None) -> tuple[str, ...]:
    """Values compared the way a person reads them: spacing and order aside."""
    return tuple(sorted(v.strip() for v in values or [] if v and v.strip()))


def three_way_merge(
    opened: dict[str, list[str]] | None,
    mine: dict[str, list[str]],
    theirs: dict[str, list[str]],
) -> tuple[dict[str, list[str]], list[str]]:
    """Field by field, the values to save, and the fields both sides changed differently.

    `opened`: what the form was opened with; `mine`: what was sent; `theirs`: the
    record now. Without `opened` (a page from before it was sent) every field that
    differs is shown with both values, as nothing says who changed it."""
    merged, both = {}, []
    for name, now in theirs.items():
        sent = mine.get(name, [])
        if _same(sent) == _same(now):
            merged[name] = sent
        elif opened is not None and _same(sent) == _same(opened.get(name)):
            merged[name] = now  # only they changed it: keep theirs
        elif opened is not None and _same(now) == _same(opened.get(name)):
            merged[name] = sent  # only this person changed it
        else:
            merged[name] = sent
            both.append(name)
    return merged, both


def _with_values(formdata, values: dict[str, list[str]]) -> MultiDict:
    merged = MultiDict(formdata)
    for name, sent in values.items():
        merged.setlist(name, sent)
    return merged


def shown(field) -> str:
    """A field's value in words, as the page shows it ("10 Jan 2026", a choice's label)."""
    from crm.formatting import uk_date

    data = field.data
    if field.type == "BooleanField":
        return "yes" if data else "no"
    if isinstance(field, SelectField | SelectMultipleField):
        labels = {str(value): str(label) for value, label, *_ in field.iter_choices()}
        picked = data if isinstance(data, list | tuple) else [data]
        words = [labels.get(str(v), str(v)) for v in picked if v not in (None, "")]
        return ", ".join(words) or "blank"
    if hasattr(data, "isoformat"):
        return uk_date(data)
    text = field._value() if hasattr(field, "_value") else str(data or "")
    return text.strip() or "blank"


def _both_values(mine, theirs) -> str:
    return (
        f"Changed meanwhile to “{shown(theirs)}”; yours is “{shown(mine)}”. "
        "Keep yours, or put theirs, and save."
    )


def stale_refusal(clashes: list[str]) -> str:
    """The one message for a stale form whose fields were changed on both sides."""
    return (
        "Not saved: " + "; ".join(clashes) + " after you opened this page. Where you both "
        "changed a field, both values are shown below: choose, then save. Their other "
        "changes are kept."
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

import hashlib

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, SubmitField
from wtforms.validators import DataRequired

from crm.enquiry_sources import source_choices
from crm.formfields import Form, choices
from crm.imports import tracker_layout as tl

#: The choice that adds a value to the council's list rather than mapping it.
ADD_AS_NEW = "__new__"


#: What every upload must be.
SPREADSHEET = [
    FileRequired("Choose a file to upload."),
    FileAllowed(["csv", "xlsx"], "Upload a .csv or .xlsx file."),
]


class UploadForm(Form):
    file = FileField("Tracker file (.csv or .xlsx)", validators=SPREADSHEET)
    submit = SubmitField("Check the file")


class DemandUploadForm(UploadForm):
    file = FileField("Demand profile (.csv or .xlsx)", validators=SPREADSHEET)


class ConfirmForm(Form):
    """Step two of an import with no decisions to make: import it, as checked."""

    submit = SubmitField("Import")


class ImportDecisionsForm(Form):
    """Step two: what to do with each source value on no list, then check or import."""

    check = SubmitField("Check again")
    submit = SubmitField("Import")

    @classmethod
    def for_values(cls, unknown: dict[str, int], formdata=None) -> "ImportDecisionsForm":
        """A select per value the council must decide, labelled with its rows."""
        options = choices(
            [(ADD_AS_NEW, "Add it to the list as a new source"), *source_choices()],
            blank="Choose…",
        )

        class Decisions(cls):
            pass

        for index, (value, rows) in enumerate(unknown.items()):
            label = f"“{value.strip()}” ({rows} row{'s' if rows != 1 else ''})"
            field = SelectField(
                label,
                choices=options,
                validators=[DataRequired("Map it to a source, or add it as a new one.")],
            )
            setattr(Decisions, f"source_{index}", field)
        form = Decisions(formdata=formdata)
        form.values = list(unknown)
        return form

    def decided(self) -> tuple[dict[str, str], bool]:
        """(value -> source code mapped to, whether any value is added as new)."""
        picks = {v: self[f"source_{i}"].data for i, v in enumerate(self.values)}
        mapping = {v: code for v, code in picks.items() if code and code != ADD_AS_NEW}
        return mapping, ADD_AS_NEW in picks.values()

    def source_fields(self) -> list:
        return [self[f"source_{i}"] for i in range(len(self.values))]


class LayoutForm(Form):
    """The mapping step for a council's own tracker: Hearth's field for each of its
    columns, then what each of its words means in the columns Hearth reads words from.
    Built for one file; what was chosen is re-shown from the posted data, so nothing is
    lost when the page comes back with problems."""

    check = SubmitField("Check the mapping")
    submit = SubmitField("Continue to the preview")

    @classmethod
    def for_file(cls, grid, layout, pending, formdata=None) -> "LayoutForm":
        """A select per column of `grid` (defaults from `layout`) and per value in
        `pending` ({field: {value: rows}}; defaults: the layout's meaning, else a guess)."""

        class Mapping(cls):
            pass

        field_options = list(tl.FIELD_LABELS.items())
        shown = [
            p
            for p in range(len(layout.columns))
            if (p < len(grid.headers) and grid.headers[p]) or grid.has_data(p)
        ]
        for place in shown:
            examples = ", ".join(list(grid.values(place))[:3])
            setattr(
                Mapping,
                f"column_{place}",
                SelectField(
                    grid.column_name(place),
                    choices=choices(field_options),
                    default=layout.columns[place],
                    description=examples,
                ),
            )
        values = []
        for name, found in pending.items():
            for value, rows in found.items():
                key = f"value_{name}_{value_key(value)}"
                default = layout.meaning(name, value) or tl.guess_value(name, value) or ""
                label = f"“{value}” ({rows} row{'s' if rows != 1 else ''})"
                setattr(
                    Mapping,
                    key,
                    SelectField(
                        label,
                        choices=choices(tl.value_choices(name), blank="Choose…"),
                        default=default,
                        validators=[DataRequired("Say what it means in Hearth.")],
                    ),
                )
                values.append((name, value, key))
        form = Mapping(formdata=formdata)
        form.places, form.value_keys = shown, values
        form.pending = pending
        return form

    def column_fields(self) -> list:
        return [self[f"column_{p}"] for p in self.places]

    def value_fields(self, name: str) -> list:
        return [self[key] for field, _, key in self.value_keys if field == name]

    def chosen_columns(self, width: int, fallback: list[str]) -> list[str]:
        """Hearth's field for each column, as chosen (a column not shown: as before)."""
        columns = list(fallback)
        for place in self.places:
            chosen = self[f"column_{place}"].data
            if chosen in tl.FIELD_LABELS:
                columns[place] = chosen
        return columns[:width]

    def chosen_values(self) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for name, value, key in self.value_keys:
            if self[key].data:
                found.setdefault(name, {})[tl.words(value)] = self[key].data
        return found


def value_key(value: str) -> str:
    """A field name for one of a file's words, the same whichever column it is found in."""
    return hashlib.sha1(tl.words(value).encode()).hexdigest()[:12]

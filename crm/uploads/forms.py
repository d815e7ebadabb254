from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, SubmitField
from wtforms.validators import DataRequired

from crm.enquiry_sources import source_choices
from crm.formfields import Form, choices

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

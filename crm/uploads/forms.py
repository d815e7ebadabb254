from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField

from crm.formfields import Form


class UploadForm(Form):
    file = FileField(
        "Tracker file (.csv or .xlsx)",
        validators=[
            FileRequired("Choose a file to upload."),
            FileAllowed(["csv", "xlsx"], "Upload a .csv or .xlsx file."),
        ],
    )
    submit = SubmitField("Check and import")

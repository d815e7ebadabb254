from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField, SubmitField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from crm.create_once import OnceForm
from crm.domain.bookings import BookingKind
from crm.formfields import DateField, choices, note_field


class BookingForm(OnceForm):
    kind = SelectField("What", choices=[])
    visit_date = DateField("Date", validators=[DataRequired("Give the day it is booked for.")])
    start_time = TimeField(
        "Time (24-hour, e.g. 14:30)", validators=[DataRequired("Give the time it starts.")]
    )
    minutes = IntegerField(
        "Lasts (minutes)", default=60, validators=[InputRequired("Say how long it lasts.")]
    )
    worker = SelectField("Who goes (staff)", choices=[])
    attendees = StringField(
        "Who else attends",
        validators=[Optional(), Length(max=500)],
        description="The applicant(s) or the carers, as they will be there.",
    )
    place = StringField("Where", validators=[Optional(), Length(max=255)])
    note = note_field()
    submit = SubmitField("Book it")

    def offer(self, kinds: tuple[BookingKind, ...], staff: list[tuple[str, str]]) -> None:
        self.kind.choices = choices((k.value, k.label) for k in kinds)
        self.worker.choices = choices(staff)

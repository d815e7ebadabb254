"""Forms for approved households: quick to fill in on a phone after a visit."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from crm.auth.services import staff_choices
from crm.formfields import (
    CheckboxesField,
    FilterForm,
    Form,
    NumberRange,
    VersionedForm,
    choices,
    not_in_future,
    note_field,
)
from crm.models import (
    CareCategory,
    CarerEventKind,
    DeregistrationReason,
    HouseholdStatus,
    InitiatedBy,
    PlacementEnding,
    Role,
    UnavailableBecause,
)
from crm.once import OnceForm
from crm.timeutil import today

OUTCOMES = [
    ("", "—"),
    ("continue", "Review: continue approval"),
    ("change_terms", "Review: change terms"),
    ("terminate", "Review: terminate approval"),
    ("unsubstantiated", "Allegation: unsubstantiated"),
    ("unfounded", "Allegation: unfounded"),
    ("substantiated", "Allegation: substantiated"),
    ("ongoing", "Allegation / complaint: ongoing"),
]


#: The outcomes each kind of record takes, and what to say when none of them is chosen.
OUTCOMES_FOR = {
    CarerEventKind.ANNUAL_REVIEW.value: (
        {"continue", "change_terms", "terminate"},
        "Choose the review's outcome (one starting “Review:”).",
    ),
    CarerEventKind.ALLEGATION.value: (
        {"unsubstantiated", "unfounded", "substantiated", "ongoing"},
        "Choose the allegation's outcome, or “ongoing” while it is investigated.",
    ),
}


class HouseholdFilterForm(FilterForm):
    q = StringField(
        "Search",
        validators=[Optional(), Length(max=100)],
        description="Name of anyone in the household, reference or postcode",
    )
    status = SelectField(
        "Status",
        choices=choices(
            [("current", "Active or on a break")] + [(s.value, s.label) for s in HouseholdStatus],
            blank="Any",
        ),
        default="",
        validators=[Optional()],
    )
    worker = SelectField(
        "Supervising social worker",
        choices=choices([], blank="Anyone"),
        default="",
        validators=[Optional()],
    )
    category = SelectField(
        "Kind of care",
        choices=choices(((c.value, c.label) for c in CareCategory), blank="Any"),
        default="",
        validators=[Optional()],
    )
    overdue = BooleanField("Only with overdue work")

    def fill_choices(self) -> None:
        self.worker.choices = choices(staff_choices(Role.SUPERVISING_SOCIAL_WORKER), blank="Anyone")

    current_on = DateField("Approved and not deregistered on", validators=[Optional()])
    approved_from = DateField("Approved from", validators=[Optional()])
    approved_to = DateField("Approved to", validators=[Optional()])
    deregistered_from = DateField("Deregistered from", validators=[Optional()])
    deregistered_to = DateField("Deregistered to", validators=[Optional()])
    reason = SelectField(
        "Reason for leaving",
        choices=choices(
            [(r.value, r.label) for r in DeregistrationReason] + [("none", "Not recorded")],
            blank="Any",
        ),
        default="",
        validators=[Optional()],
    )


class RecordForm(OnceForm):
    kind = SelectField("What", choices=choices((k.value, k.label) for k in CarerEventKind))
    on = DateField("Date", default=today, validators=[DataRequired(), not_in_future])
    value = DecimalField(
        "Hours (training) or score 1–5 (survey)",
        places=2,
        validators=[Optional(), NumberRange(min=0, max=1000)],
    )
    outcome = SelectField("Outcome", choices=choices(OUTCOMES), default="")
    note = note_field()
    submit = SubmitField("Save")

    def validate(self, extra_validators=None) -> bool:
        """An annual review or an allegation is recorded with its outcome, and each only
        with an outcome of its own kind."""
        valid = super().validate(extra_validators)
        outcomes, message = OUTCOMES_FOR.get(self.kind.data, (None, ""))
        if outcomes is not None and self.outcome.data not in outcomes:
            self.outcome.errors = [*self.outcome.errors, message]
            return False
        return valid


class PlacementForm(OnceForm):
    child_reference = StringField(
        "Child's reference (from the children's system)",
        validators=[DataRequired(), Length(max=40)],
    )
    child_age = IntegerField("Age", validators=[Optional(), NumberRange(min=0, max=25)])
    on = DateField("Start date", default=today, validators=[DataRequired(), not_in_future])
    submit = SubmitField("Start placement")


class EndPlacementForm(Form):
    child_reference = SelectField("Child", choices=[], validators=[DataRequired()])
    on = DateField("End date", default=today, validators=[DataRequired(), not_in_future])
    ending = SelectField(
        "How it ended",
        choices=choices(
            [
                (PlacementEnding.PLANNED.value, "Planned"),
                (PlacementEnding.DISRUPTION.value, "Disruption (unplanned)"),
            ]
        ),
    )
    submit = SubmitField("End placement")


class TermsForm(VersionedForm):
    decided_on = DateField("Decided on", default=today, validators=[DataRequired()])
    effective_from = DateField("Takes effect from", validators=[DataRequired()])
    carer_agreed = BooleanField("The carer agreed (no 28-day wait)")
    places = IntegerField("Places", validators=[InputRequired(), NumberRange(min=1, max=6)])
    min_age = IntegerField("Youngest age", validators=[InputRequired(), NumberRange(0, 21)])
    max_age = IntegerField("Oldest age", validators=[InputRequired(), NumberRange(0, 21)])
    categories = CheckboxesField(
        "Kinds of care",
        choices=choices((c.value, c.label) for c in CareCategory),
        validators=[DataRequired(message="Choose at least one kind of care.")],
    )
    submit = SubmitField("Record new terms")


class UnavailableForm(Form):
    places = IntegerField("Places", default=1, validators=[InputRequired(), NumberRange(1, 6)])
    because = SelectField("Why", choices=choices((b.value, b.label) for b in UnavailableBecause))
    on = DateField("From", default=today, validators=[DataRequired(), not_in_future])
    until = DateField("Available again on", validators=[Optional()])
    note = StringField("Note", validators=[Optional(), Length(max=120)])
    submit = SubmitField("Mark places not available")


class BreakForm(Form):
    on = DateField("From", default=today, validators=[DataRequired(), not_in_future])
    reason = StringField("Reason", validators=[Optional(), Length(max=120)])
    submit = SubmitField("Save")


class DeregisterForm(Form):
    on = DateField("Deregistered on", default=today, validators=[DataRequired(), not_in_future])
    initiated_by = SelectField(
        "Who started it", choices=choices((i.value, i.value.capitalize()) for i in InitiatedBy)
    )
    reason = SelectField(
        "Reason", choices=choices((r.value, r.label) for r in DeregistrationReason)
    )
    exit_interview = note_field("Exit interview: what would have made them stay?")
    submit = SubmitField("Deregister")


class ResidentForm(OnceForm):
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=160)])
    relationship_to_carers = StringField(
        "Relationship to the carers", validators=[Optional(), Length(max=60)]
    )
    birth_date = DateField("Date of birth", validators=[Optional(), not_in_future])
    submit = SubmitField("Add to the household")


class CertificatesForm(Form):
    """A person's latest DBS certificate and (for a carer) medical."""

    dbs_issued_on = DateField(
        "Latest enhanced DBS certificate issued on", validators=[Optional(), not_in_future]
    )
    medical_on = DateField("Latest medical on", validators=[Optional(), not_in_future])
    submit = SubmitField("Save")

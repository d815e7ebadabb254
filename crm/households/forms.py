"""Forms for approved households: quick to fill in on a phone after a visit."""

from __future__ import annotations

from decimal import Decimal

from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from crm.auth.services import staff_choices
from crm.clocks import HOUSEHOLD_FLAGS
from crm.create_once import OnceForm
from crm.domain.characteristics import Disability, Ethnicity, Religion, Sex
from crm.domain.complaints import ComplaintOutcome
from crm.domain.household_vocabulary import ALLEGATION_OUTCOMES, REVIEW_OUTCOMES
from crm.domain.households import HouseholdRuleError
from crm.domain.matching import ChildSex
from crm.domain.placements import Emergency, Exemption
from crm.domain.sufficiency import AIMS_BY_KEY
from crm.formfields import (
    CheckboxesField,
    DateField,
    FilterForm,
    Form,
    NumberRange,
    VersionedForm,
    choices,
    not_in_future,
    note_field,
    optional_choice,
    reason_field,
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
from crm.timeutil import today

#: The one field each kind of record has of its own, beside date and note. A kind not
#: here is a date and a note only.
DETAIL_FIELD = {
    CarerEventKind.TRAINING.value: "hours",
    CarerEventKind.SURVEY.value: "score",
    CarerEventKind.ANNUAL_REVIEW.value: "review_outcome",
    CarerEventKind.ALLEGATION.value: "allegation_outcome",
}

#: Kinds of record the records form offers: a complaint has its own form, with its
#: response clock (the complaint event it adds is what the history counts).
RECORDED_KINDS = [k for k in CarerEventKind if k is not CarerEventKind.COMPLAINT]

#: Kinds whose own field must be filled in, and what to say when it is not.
DETAIL_REQUIRED = {
    CarerEventKind.ANNUAL_REVIEW.value: "Choose the review's outcome.",
    CarerEventKind.ALLEGATION.value: (
        "Choose the allegation's outcome, or “ongoing” while it is investigated."
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
    takes = SelectField(
        "Takes (ages or need)",
        choices=choices(((a.key, a.label) for a in AIMS_BY_KEY.values()), blank="Any"),
        default="",
        validators=[Optional()],
    )
    vacant_for = SelectField(
        "With a vacant mainstream place for",
        choices=choices(((a.key, a.label) for a in AIMS_BY_KEY.values()), blank="Any"),
        default="",
        validators=[Optional()],
    )
    overdue = BooleanField("Only with overdue work")
    flag = SelectField(
        "Flagged",
        choices=choices(((k.value, k.label) for k in HOUSEHOLD_FLAGS), blank="Any"),
        default="",
        validators=[Optional()],
    )

    def fill_choices(self) -> None:
        self.worker.choices = choices(
            [*staff_choices(Role.SUPERVISING_SOCIAL_WORKER), ("none", "No one (unallocated)")],
            blank="Anyone",
        )

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
    """One record of a household's life. Each kind shows only its own field (the page hides
    the others); whatever is sent in a field of another kind is refused, not dropped."""

    kind = SelectField("What", choices=choices((k.value, k.label) for k in RECORDED_KINDS))
    on = DateField("Date", default=today, validators=[DataRequired(), not_in_future])
    hours = DecimalField(
        "Training hours", places=2, validators=[Optional(), NumberRange(min=0, max=1000)]
    )
    score = IntegerField("Survey score (1 to 5)", validators=[Optional()])
    review_outcome = SelectField(
        "Review outcome", choices=choices(REVIEW_OUTCOMES.items(), blank="—"), default=""
    )
    allegation_outcome = SelectField(
        "Outcome", choices=choices(ALLEGATION_OUTCOMES.items(), blank="—"), default=""
    )
    note = note_field()
    submit = SubmitField("Save")

    def validate(self, extra_validators=None) -> bool:
        """A review or an allegation needs its outcome; a value in another kind's field is a
        slip to point out, not to save or drop."""
        valid = super().validate(extra_validators)
        own = DETAIL_FIELD.get(self.kind.data)
        for name in set(DETAIL_FIELD.values()) - {own}:
            field = self[name]
            if field.data not in (None, ""):
                field.errors = [*field.errors, f"{field.label.text} is not part of this record."]
                valid = False
        message = DETAIL_REQUIRED.get(self.kind.data)
        if message and not self[own].data:
            self[own].errors = [*self[own].errors, message]
            valid = False
        return valid

    @property
    def detail_field(self):
        """The field the chosen kind fills in (where its errors belong), or None."""
        own = DETAIL_FIELD.get(self.kind.data)
        return self[own] if own else None

    @property
    def value(self):
        """Hours of training or a survey score, the number a record carries."""
        field = self.detail_field
        if field is None or field.name not in ("hours", "score") or field.data is None:
            return None
        return Decimal(field.data)

    @property
    def outcome(self) -> str | None:
        field = self.detail_field
        if field is None or field.name not in ("review_outcome", "allegation_outcome"):
            return None
        return field.data or None


class ComplaintForm(OnceForm):
    """A carer's complaint, as received: the response clock starts from its date."""

    received_on = DateField(
        "Received on", default=today, validators=[DataRequired(), not_in_future]
    )
    complainant = StringField("Who complained", validators=[DataRequired(), Length(max=120)])
    summary = note_field("Summary of the complaint", required="Say what it is about.")
    submit = SubmitField("Record the complaint")


class ComplaintResponseForm(Form):
    """The written response sent, and what it found."""

    outcome = SelectField(
        "Outcome",
        choices=choices(((o.value, o.label) for o in ComplaintOutcome), blank="—"),
        validators=[DataRequired(message="Choose the outcome.")],
    )
    responded_on = DateField(
        "Response sent on", default=today, validators=[DataRequired(), not_in_future]
    )
    submit = SubmitField("Record the response")


class PlacementForm(OnceForm):
    child_reference = StringField(
        "Child's reference (from the children's system)",
        validators=[DataRequired(), Length(max=40)],
    )
    child_age = IntegerField(
        "Age at the start",
        validators=[Optional(), NumberRange(min=0, max=25)],
        description="Only where the date of birth is not held.",
    )
    child_birth_date = DateField(
        "Date of birth",
        validators=[Optional(), not_in_future],
        description="Counts the place in the child's age band in the sufficiency table.",
    )
    on = DateField("Start date", default=today, validators=[DataRequired(), not_in_future])
    # Judged against the terms of approval and the usual limit (crm/domain/placements.py).
    care_kind = SelectField(
        "Kind of care",
        choices=choices(((c.value, c.label) for c in CareCategory), blank="—"),
        validators=[DataRequired(message="Choose the kind of care.")],
    )
    sibling_group = StringField(
        "Sibling group (the family's reference, the same for each sibling)",
        validators=[Optional(), Length(max=40)],
    )
    # Outside the terms: an emergency placement (reg 23); over the limit: an exemption.
    emergency_agreed_by = StringField(
        "Emergency agreed by", validators=[Optional(), Length(max=120)]
    )
    emergency_agreed_on = DateField("Agreed on", validators=[Optional(), not_in_future])
    emergency_until = DateField("Until (at most 6 working days)", validators=[Optional()])
    exemption_granted_by = StringField(
        "Exemption granted by", validators=[Optional(), Length(max=120)]
    )
    exemption_granted_on = DateField("Granted on", validators=[Optional(), not_in_future])
    exemption_children = StringField(
        "Children the exemption names", validators=[Optional(), Length(max=255)]
    )
    submit = SubmitField("Start placement")

    #: What an emergency needs (reg 23) and what an exemption needs (Sch. 7 para 4),
    #: each with what to say when it is missing; the page opens them when used.
    EMERGENCY_NEEDS = {
        "emergency_agreed_by": "Say who agreed the emergency placement.",
        "emergency_agreed_on": "Give the day the emergency placement was agreed.",
        "emergency_until": None,
    }
    EXEMPTION_NEEDS = {
        "exemption_granted_by": "Say who granted the exemption.",
        "exemption_granted_on": "Give the day the exemption was granted.",
        "exemption_children": "Name the children the exemption covers.",
    }

    def validate(self, extra_validators=None) -> bool:
        """The age (or the date of birth) is needed to judge the terms' age range; an
        emergency, once begun, needs who agreed it and when; an exemption who granted it,
        when and for whom."""
        valid = super().validate(extra_validators)
        needed = {}
        if not self.child_birth_date.data:
            needed["child_age"] = (
                "Give the child's date of birth or age: the terms of approval are judged on it."
            )
        for needs in (self.EMERGENCY_NEEDS, self.EXEMPTION_NEEDS):
            if any(self[name].data for name in needs):
                needed |= {name: why for name, why in needs.items() if why}
        for name, message in needed.items():
            field = self[name]
            if field.data in (None, "") and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    #: Why the rules refused the placement, shown at the head of the form.
    refusal: str | None = None
    #: Which field a refusal of the rules belongs to (others are the form's as a whole).
    REFUSED_FIELDS = {"date": "on", "child_reference": "child_reference"}

    def refuse(self, refused: HouseholdRuleError) -> None:
        name = self.REFUSED_FIELDS.get(refused.field or "")
        if name is None:
            self.refusal = str(refused)
        else:
            field = getattr(self, name)
            field.errors = [*field.errors, str(refused)]

    @property
    def basis_used(self) -> bool:
        names = [*self.EMERGENCY_NEEDS, *self.EXEMPTION_NEEDS]
        return any(self[name].data or self[name].errors for name in names)

    def emergency(self) -> Emergency | None:
        if not self.emergency_agreed_by.data:
            return None
        return Emergency(
            self.emergency_agreed_by.data.strip(),
            self.emergency_agreed_on.data,
            self.emergency_until.data,
        )

    def exemption(self) -> Exemption | None:
        if not self.exemption_granted_by.data:
            return None
        return Exemption(
            self.exemption_granted_by.data.strip(),
            self.exemption_granted_on.data,
            self.exemption_children.data.strip(),
        )


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

    def filled_from(self, household):
        """The terms in force are what the form opens with (the household is versioned)."""
        return household.terms_history[-1] if household.terms_history else None


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
    #: A change in the household suggests a review of approval (reg 28(2)).
    joined_on = DateField(
        "Joined the household on", default=today, validators=[Optional(), not_in_future]
    )
    submit = SubmitField("Add to the household")


class CertificatesForm(Form):
    """A person's latest DBS certificate and (for a carer) medical."""

    dbs_issued_on = DateField(
        "Latest enhanced DBS certificate issued on", validators=[Optional(), not_in_future]
    )
    medical_on = DateField("Latest medical on", validators=[Optional(), not_in_future])
    submit = SubmitField("Save")


class CharacteristicsForm(Form):
    """Who a carer is: every answer optional, "prefers not to say" one of them."""

    sex = optional_choice("Sex", Sex, blank="Not recorded")
    ethnicity = optional_choice("Ethnicity", Ethnicity, blank="Not recorded")
    religion = optional_choice("Religion or belief", Religion, blank="Not recorded")
    languages = StringField("Languages spoken", validators=[Optional(), Length(max=200)])
    disability = optional_choice("Disability", Disability, blank="Not recorded")
    submit = SubmitField("Save")

    @classmethod
    def of(cls, person) -> CharacteristicsForm:
        """The form opened on a carer's or an applicant's answers."""
        return cls(data={name: getattr(person, name) or "" for name in person.CHARACTERISTICS})

    def apply_to(self, person) -> None:
        """The answers onto the person's columns (a blank is not recorded)."""
        kinds = {"sex": Sex, "ethnicity": Ethnicity, "religion": Religion, "disability": Disability}
        for name, kind in kinds.items():
            given = getattr(self, name).data
            setattr(person, name, kind(given) if given else None)
        person.languages = self.languages.data or None


class PreferencesForm(VersionedForm):
    """What the carers prefer, beside their terms of approval (matching weighs it)."""

    def fill(self, household) -> None:
        self.prefers.data = household.prefers.value if household.prefers else ""
        self.siblings_up_to.data = household.siblings_up_to
        self.bedrooms.data = household.bedrooms

    prefers = SelectField(
        "They prefer to care for",
        choices=choices(
            [(s.value, f"{s.label.capitalize()}s") for s in ChildSex], blank="No preference"
        ),
        validators=[Optional()],
    )
    siblings_up_to = IntegerField(
        "Sibling groups of up to",
        description="Blank if they have not said.",
        validators=[Optional(), NumberRange(min=2, max=8)],
    )
    bedrooms = IntegerField(
        "Bedrooms for fostered children",
        description="Each child over three should have their own (NMS 10.6). Blank if not known.",
        validators=[Optional(), NumberRange(min=0, max=12)],
    )
    submit = SubmitField("Save")


class RecordCorrectionForm(Form):
    """A household's record put right: its date, its own detail (hours, score or outcome,
    as RecordForm asks for it), its note, and why."""

    on = DateField("Date", validators=[DataRequired(), not_in_future])
    hours = DecimalField(
        "Training hours", places=2, validators=[Optional(), NumberRange(min=0, max=1000)]
    )
    score = IntegerField("Survey score (1 to 5)", validators=[Optional()])
    review_outcome = SelectField("Review outcome", choices=choices(REVIEW_OUTCOMES.items()))
    allegation_outcome = SelectField("Outcome", choices=choices(ALLEGATION_OUTCOMES.items()))
    note = note_field()
    why = reason_field()
    submit = SubmitField("Save the correction")

    def __init__(self, kind: CarerEventKind | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = DETAIL_FIELD.get(kind.value) if kind else None
        for name in set(DETAIL_FIELD.values()) - {own}:
            delattr(self, name)
        self.own = self[own] if own else None

    @property
    def value(self) -> Decimal | None:
        if self.own is None or self.own.name not in ("hours", "score") or self.own.data is None:
            return None
        return Decimal(self.own.data)

    @property
    def outcome(self) -> str | None:
        if self.own is None or self.own.name not in ("review_outcome", "allegation_outcome"):
            return None
        return self.own.data or None


class AllegationOutcomeForm(Form):
    """The outcome of an allegation recorded while it was investigated."""

    outcome = SelectField(
        "Outcome of the investigation",
        choices=choices(
            ((k, v) for k, v in ALLEGATION_OUTCOMES.items() if k != "ongoing"),
            blank="Choose the outcome",
        ),
        validators=[DataRequired(message="Choose the outcome the investigation reached.")],
    )
    concluded_on = DateField(
        "Concluded on",
        default=today,
        validators=[DataRequired(message="Give the day the investigation concluded.")],
    )
    lado_referred_on = DateField("Referred to the LADO on", validators=[Optional()])
    note = note_field("Note (how it was concluded)")
    submit = SubmitField("Record the outcome")


class PlacementCorrectionForm(Form):
    """A placement put right: the child, the dates, how it ended, and why."""

    child_reference = StringField(
        "Child's reference (from the children's system)",
        validators=[DataRequired(), Length(max=40)],
    )
    child_age = IntegerField("Age", validators=[Optional(), NumberRange(min=0, max=25)])
    start_date = DateField("Start date", validators=[DataRequired(), not_in_future])
    end_date = DateField("End date (if it has ended)", validators=[Optional(), not_in_future])
    ending = SelectField(
        "How it ended",
        choices=choices(((e.value, e.label) for e in PlacementEnding), blank="Not ended"),
        validators=[Optional()],
    )
    why = reason_field()
    submit = SubmitField("Save the correction")


class ResignationNoticeForm(Form):
    """The carers' written notice that they no longer wish to foster (reg 28(13))."""

    received_on = DateField(
        "Notice received on", default=today, validators=[DataRequired(), not_in_future]
    )
    reason = SelectField(
        "Why they are leaving",
        choices=choices(((r.value, r.label) for r in DeregistrationReason), blank="Not said"),
        validators=[Optional()],
    )
    note = note_field("Note")
    submit = SubmitField("Record the notice")


class WithdrawNoticeForm(Form):
    """The carers withdraw their notice before it takes effect."""

    withdrawn_on = DateField(
        "Withdrawn on", default=today, validators=[DataRequired(), not_in_future]
    )
    submit = SubmitField("Record the withdrawal")

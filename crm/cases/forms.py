"""Forms for the recruitment pipeline. Validation that needs no database lives here."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from crm.auth.services import staff_choices
from crm.clocks import CASE_FLAGS
from crm.create_once import OnceForm
from crm.domain.kinship import AfterLapse, ReferralUrgency, ViabilityOutcome, ViabilityRoute
from crm.domain.matching import ChildSex
from crm.domain.stages import REASONS_REQUIRED, EventKind, Stage
from crm.enquiry_sources import heard_choices, source_labels
from crm.formfields import (
    CheckboxesField,
    DateField,
    EmailOrPhone,
    FilterForm,
    Form,
    NumberRange,
    VersionedForm,
    choices,
    not_in_future,
    note_field,
    optional_choice,
    phone_field,
    postcode_field,
    reason_field,
)
from crm.metrics.engine import COUNTED_STEPS
from crm.models import ActivityKind, CareCategory, CarerType, CheckKind, EnquiryChannel, Role
from crm.models.flag import FlagKind
from crm.timeutil import today


class CaseFilterForm(FilterForm):
    """The filters on the case list; read from the query string."""

    q = StringField(
        "Search",
        validators=[Optional(), Length(max=100)],
        description="Name, email, phone, postcode or reference",
    )
    stage = SelectField(
        "Stage",
        choices=choices(
            [("open", "Any open stage")] + [(s.value, s.label) for s in Stage], blank="Any"
        ),
        default="",
        validators=[Optional()],
    )
    flag = SelectField(
        "Needs chasing",
        choices=choices(
            [
                ("stalled", "Stalled assessments"),
                ("overdue_contact", "First contact overdue"),
                ("duplicate", "Possible duplicates"),
                *(
                    (kind.value, kind.label)
                    for kind in CASE_FLAGS
                    if kind not in (FlagKind.STALLED, FlagKind.FIRST_CONTACT_OVERDUE)
                ),
            ],
            blank="Any",
        ),
        default="",
        validators=[Optional()],
    )
    source = SelectField(
        "Source",
        choices=choices([], blank="Any"),
        default="",
        validators=[Optional()],
    )
    carer_type = SelectField(
        "Carer type",
        choices=choices(((c.value, c.label) for c in CarerType), blank="Any"),
        default="",
        validators=[Optional()],
    )
    owner = SelectField(
        "Officer", choices=choices([], blank="Anyone"), default="", validators=[Optional()]
    )
    step = SelectField(
        "Dates are of",
        choices=choices((kind.value, kind.label) for kind in COUNTED_STEPS.values()),
        default=EventKind.ENQUIRY.value,
        validators=[Optional()],
    )
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])

    def fill_choices(self) -> None:
        self.owner.choices = choices(
            [("none", "Unassigned"), *staff_choices(Role.RECRUITMENT_OFFICER)], blank="Anyone"
        )
        self.source.choices = choices(source_labels().items(), blank="Any")

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")


class EnquiryForm(EmailOrPhone, OnceForm):
    first_name = StringField("First name", validators=[DataRequired(), Length(max=80)])
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=80)])
    second_applicant = StringField(
        "Second applicant's full name (if any)", validators=[Optional(), Length(max=160)]
    )
    email = EmailField("Email address", validators=[Optional(), Email(), Length(max=254)])
    phone = phone_field("Phone")
    address = StringField("Address", validators=[Optional(), Length(max=255)])
    postcode = postcode_field(required=False)
    channel = SelectField(
        "How they got in touch",
        choices=choices(((c.value, c.label) for c in EnquiryChannel), blank="Choose one"),
        validators=[DataRequired(message="Say how they got in touch.")],
    )
    source = SelectField(
        "How they heard about us",
        validators=[DataRequired(message="Ask how they heard about us, and choose it.")],
    )
    campaign = StringField("Campaign", validators=[Optional(), Length(max=120)])
    enquiry_date = DateField(
        "Enquiry date", default=today, validators=[DataRequired(), not_in_future]
    )
    message = note_field("What they said")
    submit = SubmitField("Save enquiry")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source.choices = choices(heard_choices(), blank="Choose one")


class StepForm(Form):
    """Record one step. The reason list is filled for withdrawals."""

    on = DateField("Date it happened", default=today, validators=[DataRequired(), not_in_future])
    reason = SelectField("Reason", choices=[], validate_choice=True, validators=[Optional()])
    note = note_field()
    submit = SubmitField("Record")

    def __init__(self, kind: EventKind, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        reasons = REASONS_REQUIRED.get(kind)
        if reasons:
            self.reason.choices = choices(
                (
                    (code, f"{code} – {label}" if code.startswith("AW") else label)
                    for code, label in reasons.items()
                ),
                blank="Choose a reason",
            )
            self.reason.validators = [DataRequired(message="Choose a reason.")]
        else:
            del self.reason


class PanelForm(StepForm):
    recommendation = SelectField(
        "Panel recommendation",
        choices=choices([("approve", "Approve"), ("not_approve", "Do not approve")]),
        default="approve",
    )


class ApprovalForm(StepForm):
    places = IntegerField(
        "Approved places", default=1, validators=[InputRequired(), NumberRange(min=1, max=6)]
    )
    min_age = IntegerField(
        "Youngest age", default=0, validators=[InputRequired(), NumberRange(min=0, max=21)]
    )
    max_age = IntegerField(
        "Oldest age", default=17, validators=[InputRequired(), NumberRange(min=0, max=21)]
    )
    categories = CheckboxesField(
        "Kinds of care", choices=choices((c.value, c.label) for c in CareCategory)
    )
    supervising_worker = SelectField(
        "Supervising social worker", choices=[], validators=[Optional()]
    )

    def validate_max_age(self, field) -> None:
        if (
            field.data is not None
            and self.min_age.data is not None
            and field.data < self.min_age.data
        ):
            raise ValidationError("The oldest age is below the youngest.")

    def validate_categories(self, field) -> None:
        if not field.data:
            raise ValidationError("Choose at least one kind of care.")


class ActivityForm(OnceForm):
    kind = SelectField("Type", choices=choices((k.value, k.label) for k in ActivityKind))
    on = DateField("Date", default=today, validators=[DataRequired(), not_in_future])
    due_on = DateField("Due (for a follow-up task)", validators=[Optional()])
    note = note_field(required="Say what happened or what is to be done (a line is enough).")
    submit = SubmitField("Add to the log")

    def validate(self, extra_validators=None) -> bool:
        # Not validate_due_on: Optional() stops the chain before it when empty.
        valid = super().validate(extra_validators)
        if self.kind.data == ActivityKind.TASK.value and not self.due_on.data:
            self.due_on.errors = [*self.due_on.errors, "A follow-up task needs a due date."]
            return False
        return valid


class CheckForm(Form):
    kind = SelectField("Check", choices=choices((k.value, k.label) for k in CheckKind))
    member = SelectField("For (DBS: each adult)", choices=[], validators=[Optional()])
    subject = StringField("Referee or detail", validators=[Optional(), Length(max=160)])
    requested_on = DateField("Requested", validators=[Optional(), not_in_future])
    received_on = DateField("Received", validators=[Optional(), not_in_future])
    issued_on = DateField("Issue date (DBS certificate)", validators=[Optional(), not_in_future])
    concern = BooleanField("Something needs discussing")
    note = note_field()
    submit = SubmitField("Save check")

    def validate_received_on(self, field) -> None:
        if field.data and self.requested_on.data and field.data < self.requested_on.data:
            raise ValidationError("Received is before requested.")


class AssessmentForm(VersionedForm):
    assessing_worker = SelectField("Assessing social worker", choices=[], validators=[Optional()])
    preparation_training_on = DateField(
        "Preparation training attended (e.g. Skills to Foster)",
        validators=[Optional(), not_in_future],
    )
    form_f_completed_on = DateField("Form F completed", validators=[Optional(), not_in_future])
    panel_booked_for = DateField("Panel date booked", validators=[Optional()])
    submit = SubmitField("Save assessment details")

    def fill(self, case) -> None:
        self.assessing_worker.data = str(case.assessing_worker_id or "")


class ContactForm(EmailOrPhone, VersionedForm):
    """Who the applicant is and how to reach them, corrected after the enquiry."""

    first_name = StringField("First name", validators=[DataRequired(), Length(max=80)])
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=80)])
    email = EmailField("Email address", validators=[Optional(), Email(), Length(max=254)])
    phone = phone_field("Phone")
    address = StringField("Address", validators=[Optional(), Length(max=255)])
    postcode = postcode_field(required=False)
    submit = SubmitField("Save contact details")


class MemberForm(OnceForm):
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=160)])
    relationship_to_applicant = StringField(
        "Relationship to the applicant", validators=[Optional(), Length(max=60)]
    )
    birth_date = DateField("Date of birth", validators=[Optional(), not_in_future])
    is_applicant = BooleanField("Is an applicant")
    submit = SubmitField("Add to the household")


class TemporaryApprovalForm(Form):
    """A connected person approved temporarily for a named child (reg 24)."""

    child_reference = StringField(
        "The named child's reference (from the children's system)",
        validators=[DataRequired(), Length(max=80)],
    )
    approved_on = DateField("Temporarily approved on", validators=[DataRequired(), not_in_future])
    placed_on = DateField(
        "The child moved in on (if they have)", validators=[Optional(), not_in_future]
    )
    most_appropriate = BooleanField(
        "The service is satisfied the most appropriate placement for the child is with "
        "this connected person (reg 24(1)(a))"
    )
    necessary_now = BooleanField(
        "It is necessary to place the child before the full assessment (reg 24(1)(b))"
    )
    submit = SubmitField("Record temporary approval")


class ExtensionForm(Form):
    """The one extension of a temporary approval, by a nominated officer (reg 25)."""

    extended_until = DateField(
        "Lapses on (the first day the extension no longer covers)", validators=[DataRequired()]
    )
    nominated_officer = StringField(
        "Nominated officer who approved it", validators=[DataRequired(), Length(max=120)]
    )
    decided_on = DateField("Decided on", validators=[DataRequired(), not_in_future])
    panel_views_sought_on = DateField(
        "The fostering panel's views sought on (reg 25(4)(b))",
        validators=[Optional(), not_in_future],
    )
    iro_informed_on = DateField(
        "The child's IRO informed on (reg 25(4)(c))", validators=[Optional(), not_in_future]
    )
    submit = SubmitField("Record extension")


class IrmForm(Form):
    """The connected person's application to the IRM with the nominated officer's
    extension until its outcome (reg 25(1)(b), (4), (5)), and later the outcome."""

    irm_applied_on = DateField(
        "Applied to the IRM on (a review of the proposed refusal)",
        validators=[Optional(), not_in_future],
    )
    irm_extended_on = DateField(
        "The nominated officer extended the approval on", validators=[Optional(), not_in_future]
    )
    irm_officer = StringField("Nominated officer (reg 25(5))", validators=[Length(max=120)])
    irm_panel_views_sought_on = DateField(
        "The fostering panel's views sought on (reg 25(4)(b))",
        validators=[Optional(), not_in_future],
    )
    irm_iro_informed_on = DateField(
        "The child's IRO informed on (reg 25(4)(c))", validators=[Optional(), not_in_future]
    )
    irm_outcome_on = DateField(
        "The IRM's outcome known and the service's decision made on",
        validators=[Optional(), not_in_future],
    )
    submit = SubmitField("Record")


class LapseForm(Form):
    """What happened to the child's placement when the approval lapsed (reg 25(6))."""

    lapse_outcome = SelectField(
        "What happened to the placement",
        choices=choices(((a.value, a.label) for a in AfterLapse), blank="Choose one"),
        validators=[DataRequired(message="Say what happened to the placement.")],
    )
    lapse_outcome_on = DateField(
        "On (the day it ended or went on under the new footing)",
        validators=[DataRequired(), not_in_future],
    )
    submit = SubmitField("Record what happened")


class ReferralForm(EmailOrPhone, OnceForm):
    """A connected person referred by the child's social worker (Care Planning
    Regulations 2010, reg 24): the case's first step, not an enquiry."""

    first_name = StringField(
        "Connected person's first name", validators=[DataRequired(), Length(max=80)]
    )
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=80)])
    connection = StringField(
        "Relationship to the child (e.g. grandmother, family friend)",
        validators=[DataRequired(), Length(max=80)],
    )
    email = EmailField("Email address", validators=[Optional(), Email(), Length(max=254)])
    phone = phone_field("Phone")
    address = StringField("Address", validators=[Optional(), Length(max=255)])
    postcode = postcode_field(required=False)
    child_reference = StringField(
        "The child's reference (from the children's system)",
        validators=[DataRequired(), Length(max=80)],
    )
    social_worker = StringField(
        "The child's social worker who referred", validators=[DataRequired(), Length(max=120)]
    )
    social_worker_contact = StringField(
        "Their email or phone", validators=[Optional(), Length(max=254)]
    )
    urgency = SelectField(
        "Urgency",
        choices=choices(((u.value, u.label) for u in ReferralUrgency), blank="Choose one"),
        validators=[DataRequired(message="Say how urgent the referral is.")],
    )
    referred_on = DateField(
        "Referred on", default=today, validators=[DataRequired(), not_in_future]
    )
    submit = SubmitField("Save referral")


class ViabilityForm(Form):
    """A referred connected person's viability assessment: outcome, date, worker, route."""

    assessed_on = DateField(
        "Assessed on", default=today, validators=[DataRequired(), not_in_future]
    )
    worker = SelectField("Social worker who assessed", validators=[Optional()])
    outcome = SelectField(
        "Outcome",
        choices=choices(((o.value, o.label) for o in ViabilityOutcome), blank="Choose one"),
        validators=[DataRequired(message="Choose the outcome.")],
    )
    leads_to = SelectField(
        "Where a positive assessment leads",
        choices=choices(((r.value, r.label) for r in ViabilityRoute), blank="Nowhere"),
        validators=[Optional()],
    )
    accommodation_seen_on = DateField(
        "The proposed accommodation seen on (reg 24(2)(a)(i))",
        validators=[Optional(), not_in_future],
    )
    welfare_considered = BooleanField(
        "The arrangements will safeguard and promote the child's welfare and meet the "
        "needs in their care plan (reg 24(2)(b))"
    )
    note = note_field("Note")
    submit = SubmitField("Record viability assessment")

    def fill_choices(self) -> None:
        self.worker.choices = choices(
            staff_choices(Role.SUPERVISING_SOCIAL_WORKER), blank="Choose one"
        )


class PlacedForm(Form):
    placed_on = DateField("The child moved in on", validators=[DataRequired(), not_in_future])
    submit = SubmitField("Record the move")


class IntendedOfferForm(VersionedForm):
    """What the applicants hope to offer: the pipeline counted by the care it will add."""

    def fill(self, case) -> None:
        self.categories.data = case.intended_categories or []
        self.min_age.data, self.max_age.data = case.intended_min_age, case.intended_max_age
        self.places.data = case.intended_places
        self.siblings_up_to.data = case.intended_siblings_up_to
        self.prefers.data = case.intended_prefers.value if case.intended_prefers else ""

    categories = CheckboxesField(
        "Kinds of care", choices=choices([(c.value, c.label) for c in CareCategory])
    )
    min_age = IntegerField("Youngest age", validators=[Optional(), NumberRange(min=0, max=17)])
    max_age = IntegerField("Oldest age", validators=[Optional(), NumberRange(min=0, max=17)])
    places = IntegerField("Places", validators=[Optional(), NumberRange(min=1, max=6)])
    siblings_up_to = IntegerField(
        "Sibling groups of up to", validators=[Optional(), NumberRange(min=2, max=8)]
    )
    prefers = optional_choice("They would prefer", ChildSex, blank="No preference")
    submit = SubmitField("Save")

    def validate_max_age(self, field) -> None:
        youngest = self.min_age.data
        if field.data is not None and youngest is not None and field.data < youngest:
            raise ValidationError("The oldest age is below the youngest.")


class StepCorrectionForm(Form):
    """A recorded step put right: its date, a withdrawal's reason, its note, and why."""

    on = DateField("Date it happened", validators=[DataRequired(), not_in_future])
    reason = SelectField("Reason", choices=[], validate_choice=True, validators=[Optional()])
    note = note_field()
    why = reason_field()
    submit = SubmitField("Save the correction")

    def __init__(self, kind: EventKind | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = REASONS_REQUIRED.get(kind)
        if reasons:
            self.reason.choices = choices(reasons.items(), blank="Choose a reason")
            self.reason.validators = [DataRequired(message="Choose a reason.")]
        else:
            del self.reason


class ActivityCorrectionForm(Form):
    """A logged call, email, meeting, note or task put right, and why."""

    kind = SelectField("Type", choices=choices((k.value, k.label) for k in ActivityKind))
    on = DateField("Date", validators=[DataRequired(), not_in_future])
    due_on = DateField("Due (for a follow-up task)", validators=[Optional()])
    note = note_field(required="Say what happened or what is to be done (a line is enough).")
    why = reason_field()
    submit = SubmitField("Save the correction")


class TransferInForm(Form):
    """Carers transferring in from another fostering service (the transfer protocol)."""

    previous_service = StringField(
        "Fostering service they are transferring from",
        validators=[
            DataRequired(message="Name the service they are transferring from."),
            Length(max=160),
        ],
    )
    previous_reference = StringField(
        "Their reference at that service", validators=[Optional(), Length(max=60)]
    )
    reference_received_on = DateField(
        "That service's written reference received (reg 26(1A)(b))",
        validators=[Optional(), not_in_future],
    )
    records_received_on = DateField(
        "Their records received from that service", validators=[Optional(), not_in_future]
    )
    submit = SubmitField("Save the transfer")


class Stage1DecisionForm(Form):
    """The decision at Stage 1 that the applicant is not suitable (not a qualifying
    determination: no IRM)."""

    decided_on = DateField("Decided on", default=today, validators=[DataRequired(), not_in_future])
    reason = SelectField(
        "Reason",
        choices=choices(
            REASONS_REQUIRED[EventKind.WITHDRAWN_BY_SERVICE].items(), blank="Choose a reason"
        ),
        validators=[DataRequired(message="Choose the reason.")],
    )
    reasons = note_field("The reasons, as written to the applicant", required="Give the reasons.")
    notified_on = DateField("Applicant told in writing on", validators=[Optional(), not_in_future])
    submit = SubmitField("Record the decision")


class Stage1NotifiedForm(Form):
    notified_on = DateField(
        "Applicant told in writing on", default=today, validators=[DataRequired(), not_in_future]
    )
    submit = SubmitField("Record the letter")

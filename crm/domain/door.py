"""The applicant's own door (issue 35): the sections of their application as a task list,
what each page asks, the checks on what they type, and what their stage means to them.

Pure rules: no database. The sections follow what an assessing social worker needs for
Stage 1 and the start of Stage 2 (The Fostering Services (England) Regulations 2011,
reg 26 and Schedule 3: the applicant's details, their household, accommodation, health,
employment, any previous fostering, referees, and consent to the checks including an
enhanced DBS certificate, which the DBS Update Service lets the service check online).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from crm.domain.stages import APPLICANT_WITHDRAWAL_REASONS, Stage

#: Longest answer kept for one line, and for a box of text.
LINE_MAX = 200
TEXT_MAX = 3000


@dataclass(frozen=True)
class Field:
    """One question on a page. `kind`: line, text, email, phone, yesno or agree (a box
    they must tick: a consent)."""

    name: str
    label: str
    kind: str = "line"
    hint: str = ""
    required: bool = True


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    pages: tuple[Page, ...]

    def page(self, key: str) -> Page | None:
        return next((p for p in self.pages if p.key == key), None)

    def next_page(self, key: str) -> Page | None:
        keys = [p.key for p in self.pages]
        at = keys.index(key)
        return self.pages[at + 1] if at + 1 < len(keys) else None


def _referee(n: int, required: bool) -> Page:
    extra = "" if required else " (optional)"
    return Page(
        f"referee{n}",
        f"Referee {n}{extra}",
        (
            Field(f"referee{n}_name", "Full name", required=required),
            Field(f"referee{n}_relationship", "How they know you", required=required,
                  hint="For example: friend for 10 years, my employer"),
            Field(f"referee{n}_email", "Email address", "email", required=required),
            Field(f"referee{n}_phone", "Phone number", "phone", required=False),
        ),
    )  # fmt: skip


#: The application's sections in task-list order.
SECTIONS: tuple[Section, ...] = (
    Section("about_you", "About you", (
        Page("name", "What is your name?", (
            Field("first_name", "First name"),
            Field("last_name", "Last name"),
        )),
        Page("born", "What is your date of birth?", (
            Field("date_of_birth", "Date of birth", hint="For example, 27 3 1985"),
        )),
        Page("address", "What is your address?", (
            Field("address", "Address", "text"),
            Field("postcode", "Postcode"),
        )),
        Page("phone", "What is your phone number?", (
            Field("phone", "Phone number", "phone"),
        )),
    )),
    Section("household", "Your household", (
        Page("people", "Who lives with you?", (
            Field("people", "Each person's name, age and how they are related to you",
                  "text", hint="One person a line. Write 'Nobody' if you live alone."),
        )),
        Page("children_away", "Do you have children who do not live with you?", (
            Field("children_away", "Children who do not live with you", "yesno"),
            Field("children_away_details", "Their names and ages", "text", required=False),
        )),
        Page("pets", "Do you have any pets?", (
            Field("pets", "Pets", "text", hint="Write 'None' if you have none."),
        )),
    )),
    Section("home", "Your home", (
        Page("bedroom", "Is there a spare bedroom for a child?", (
            Field("spare_bedroom", "A spare bedroom", "yesno"),
        )),
        Page("tenure", "Do you own or rent your home?", (
            Field("tenure", "Own, rent or other", hint="For example: own, rent from the council"),
        )),
        Page("smoking", "Does anyone smoke or vape in your home?", (
            Field("smoking", "Smoking or vaping", "yesno"),
        )),
    )),
    Section("health", "Your health", (
        Page("conditions", "Do you have any health conditions?", (
            Field("conditions", "Health conditions", "text",
                  hint="Physical or mental health. Write 'None' if you have none."),
        )),
        Page("doctor", "Who is your GP?", (
            Field("gp_name", "GP surgery"),
            Field("gp_address", "GP surgery's address", "text"),
        )),
    )),
    Section("work", "Your work", (
        Page("job", "What do you do for work?", (
            Field("occupation", "Your job", hint="Write 'Not working' if you are not."),
            Field("employer", "Employer", required=False),
        )),
        Page("hours", "What hours do you work?", (
            Field("hours", "Your working hours", "text", required=False),
        )),
    )),
    Section("previous_fostering", "Previous fostering", (
        Page("before", "Have you fostered or applied to foster before?", (
            Field("fostered_before", "Fostered or applied before", "yesno"),
            Field("fostered_before_details", "Which service, and when", "text",
                  required=False),
        )),
    )),
    Section("referees", "Referees", (
        _referee(1, True),
        _referee(2, True),
        _referee(3, False),
    )),
    Section("consents", "Consent to checks", (
        Page("dbs", "Enhanced DBS check", (
            Field("consent_dbs", "I agree to an enhanced DBS check with barred lists",
                  "agree"),
        )),
        Page("update_service", "Are you signed up to the DBS Update Service?", (
            Field("dbs_update_service", "Signed up to the DBS Update Service", "yesno",
                  hint="If you are, we can check your certificate online."),
            Field("dbs_certificate_number", "Certificate number (if you are signed up)",
                  required=False),
        )),
        Page("other_checks", "Other checks", (
            Field("consent_local_authority", "I agree to checks with local authorities "
                  "I have lived in", "agree"),
            Field("consent_medical", "I agree to a medical report from my GP", "agree"),
            Field("consent_references", "I agree to you contacting my referees", "agree"),
        )),
    )),
)  # fmt: skip

SECTION_OF = {section.key: section for section in SECTIONS}


class SectionStatus(Enum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"


def section_status(answers: dict | None, completed: bool) -> SectionStatus:
    """A section nobody has saved anything in has not started; it is completed once the
    applicant confirmed it on its "check your answers" page; else it is in progress."""
    if completed:
        return SectionStatus.COMPLETED
    return SectionStatus.IN_PROGRESS if answers else SectionStatus.NOT_STARTED


def missing(section: Section, answers: dict) -> list[Page]:
    """The pages with a required answer not given yet: the section cannot be completed
    while any is left."""
    return [
        page
        for page in section.pages
        if any(f.required and not answers.get(f.name) for f in page.fields)
    ]


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d ()-]{7,20}$")


def check_page(page: Page, form: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """What was typed on a page, trimmed, and the error for each field that is wrong
    (in plain English, naming the field as GOV.UK error messages do)."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for f in page.fields:
        value = (form.get(f.name) or "").strip()
        value = "".join(ch for ch in value if ch in "\n\t" or ch.isprintable())
        values[f.name] = value
        longest = TEXT_MAX if f.kind == "text" else LINE_MAX
        if f.required and not value:
            errors[f.name] = (
                f"Tick the box to say {f.label[0].lower()}{f.label[1:]}"
                if f.kind == "agree"
                else f"Select yes or no: {f.label.lower()}"
                if f.kind == "yesno"
                else f"Enter {f.label[0].lower()}{f.label[1:]}"
            )
        elif len(value) > longest:
            errors[f.name] = f"{f.label} must be {longest:,} characters or fewer"
        elif value and f.kind == "email" and not _EMAIL.match(value):
            errors[f.name] = "Enter an email address like name@example.com"
        elif value and f.kind == "phone" and not _PHONE.match(value):
            errors[f.name] = "Enter a phone number, like 01632 960 001 or 07700 900 982"
        elif value and f.kind == "yesno" and value not in ("yes", "no"):
            errors[f.name] = f"Select yes or no: {f.label.lower()}"
        elif value and f.kind == "agree" and value != "yes":
            errors[f.name] = f"Tick the box to say {f.label[0].lower()}{f.label[1:]}"
    return values, errors


#: What happens next at each stage, in plain English for the applicant.
NEXT_STEP: dict[Stage, str] = {
    Stage.ENQUIRY: "We have your enquiry. Someone from the fostering team will call or "
    "email you, usually within two working days.",
    Stage.CONTACTED: "We have spoken to you. The next step is a visit to your home, "
    "so we can meet everyone and talk about fostering.",
    Stage.INITIAL_VISIT: "We have visited you. If you would like to go ahead, the next "
    "step is to apply: fill in the sections below and tell your officer you are ready.",
    Stage.STAGE1: "We have your application. We are doing the checks (DBS, medical, "
    "local authority and references). Your officer will tell you if we need anything.",
    Stage.STAGE2: "Your assessment is under way. Your social worker will visit you "
    "several times to write your assessment report for the fostering panel.",
    Stage.PANEL: "Your assessment goes to the fostering panel, which recommends whether "
    "you should be approved. The service then decides and writes to you.",
    Stage.APPROVED: "You are approved as a foster carer. Your supervising social worker "
    "will be in touch.",
    Stage.WITHDRAWN_BY_APPLICANT: "You have withdrawn your application. Contact us if "
    "you would like to start again.",
    Stage.WITHDRAWN_BY_SERVICE: "Your application has ended. Your officer will have "
    "written to you to say why. Contact us if you have questions.",
    Stage.REJECTED: "Your application has ended. The service has written to you about "
    "the decision and how to ask for it to be reviewed.",
}

#: The withdrawal reasons an applicant chooses from on their page: Ofsted's AW codes
#: (crm.domain.stages.APPLICANT_WITHDRAWAL_REASONS), in the applicant's own words.
WITHDRAWAL_CHOICES: dict[str, str] = {
    "AW1": "Fostering is not what I expected",
    "AW2": "The assessment is not what I expected",
    "AW3": "My household's circumstances have changed",
    "AW4": "For financial reasons",
    "AW5": "I am worried about allegations",
    "AW0": "Another reason, or I would rather not say",
}
assert set(WITHDRAWAL_CHOICES) == set(APPLICANT_WITHDRAWAL_REASONS)


def stopped_at(completed: set[str]) -> str | None:
    """Where an applicant stopped on the task list: the first section, in task-list
    order, that they had not completed (None: they completed them all). An applicant who
    completed "About you" and "Referees" but not "Your household" stopped at "Your
    household": the list is worked from the top, and the first gap is the step that
    held them."""
    return next((s.key for s in SECTIONS if s.key not in completed), None)

"""factory_boy factories for test data, plus helpers that build cases through the rules."""

from __future__ import annotations

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from crm.auth.passwords import hash_password
from crm.domain.panel import PanelItemKind, PanelRole, Recommendation
from crm.domain.stages import EventKind
from crm.extensions import db
from crm.models import (
    ApprovalTerms,
    Carer,
    CarerType,
    Case,
    Check,
    CheckKind,
    Household,
    HouseholdMember,
    PanelItem,
    PanelMember,
    PanelSitting,
    Role,
    User,
)
from crm.timeutil import utcnow

MFA_ROLES = (Role.ADMINISTRATOR, Role.MANAGER)
PASSWORD = "correct horse battery staple"
# The authenticator secret of every test administrator and manager (they must have one).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@fostering.example.gov.uk")
    full_name = factory.Faker("name", locale="en_GB")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.set_roles(set(extracted or [Role.RECRUITMENT_OFFICER]))
        if create:
            db.session.commit()

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        """On (with TOTP_SECRET) for administrators and managers, as the rules require,
        unless second_factor=False; second_factor=True turns it on for anyone."""
        wanted = extracted if extracted is not None else self.has_role(*MFA_ROLES)
        if wanted and self.totp_enrolled_at is None:
            self.totp_secret, self.totp_enrolled_at = TOTP_SECRET, utcnow()
            if create:
                db.session.commit()


class CaseFactory(BaseFactory):
    """A new enquiry; use `advance` to move it on through the real rules."""

    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"T-{n:05d}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"applicant{n}@example.com")
    phone = factory.Sequence(lambda n: f"07700 9{n:05d}")
    phone_key = factory.LazyAttribute(lambda o: Case.phone_key_for(o.phone))
    postcode = "LE1 6ZG"
    source = "website"
    carer_type = CarerType.MAINSTREAM
    enquiry_date = date(2025, 4, 1)

    @factory.post_generation
    def enquiry_event(self, create, extracted, **kwargs):
        if not self.events:
            self.record_step(EventKind.ENQUIRY, self.enquiry_date, None, as_of=self.enquiry_date)
            self.members.append(HouseholdMember(full_name=self.display_name, is_applicant=True))
        if create:
            db.session.commit()


def advance(
    case: Case,
    *steps: tuple[EventKind, date] | tuple[EventKind, date, str],
    by: User | None = None,
    today: date = date(2030, 1, 1),
) -> Case:
    """Record steps on a case through the rules, and commit."""
    for step in steps:
        kind, on, *reason = step
        case.record_step(kind, on, by, reason=reason[0] if reason else None, as_of=today)
    db.session.commit()
    return case


class HouseholdFactory(BaseFactory):
    class Meta:
        model = Household

    reference = factory.Sequence(lambda n: f"HH-{n:05d}")
    carer_type = CarerType.MAINSTREAM
    approval_date = date(2023, 6, 1)
    postcode = "LE2 1AA"

    @factory.post_generation
    def with_carer_and_terms(self, create, extracted, **kwargs):
        if not self.carers:
            self.carers.append(Carer(full_name="Pat Example", birth_date=date(1970, 5, 5)))
        if not self.terms_history:
            self.terms_history.append(
                ApprovalTerms(
                    effective_from=self.approval_date,
                    places=2,
                    min_age=0,
                    max_age=17,
                    categories=["short_term"],
                )
            )
        if create:
            db.session.commit()


def terms(places: int, low: int, high: int, *categories: str) -> list[ApprovalTerms]:
    """Terms of approval in force since 1 June 2023, for HouseholdFactory(terms_history=)."""
    return [
        ApprovalTerms(
            effective_from=date(2023, 6, 1),
            places=places,
            min_age=low,
            max_age=high,
            categories=list(categories),
        )
    ]


def ready_for_temporary_approval(case: Case, on: date, worker: User | None = None) -> Case:
    """Record on a kinship case what reg 24(2) asks before a temporary approval, all
    dated `on`: a positive viability assessment leading to it (accommodation seen, the
    child's welfare considered), an enhanced DBS received for every household member,
    and a social worker allocated to the full assessment. Commits."""
    from crm.cases.services import record_viability
    from crm.domain.kinship import ViabilityOutcome, ViabilityRoute

    record_viability(
        case, on, ViabilityOutcome.POSITIVE, ViabilityRoute.TEMPORARY_APPROVAL, None, None,
        as_of=date(2030, 1, 1), accommodation_seen_on=on, welfare_considered=True,
    )  # fmt: skip
    for member in case.members:
        case.checks.append(Check(kind=CheckKind.DBS, member=member, received_on=on))
    case.assessing_worker = worker or UserFactory(roles=[Role.SUPERVISING_SOCIAL_WORKER])
    db.session.commit()
    return case


#: A quorate panel under reg 24(1): five members, with the chair, a social worker with
#: three years' post-qualifying experience among them (and two independent members).
QUORATE_ROLES = (
    PanelRole.CHAIR,
    PanelRole.SOCIAL_WORKER,
    PanelRole.INDEPENDENT,
    PanelRole.INDEPENDENT,
    PanelRole.OTHER,
)


def panel_sitting(
    sits_on: date, minutes_received_on: date | None = None, roles=QUORATE_ROLES
) -> PanelSitting:
    """A sitting attended by members of `roles` (quorate by default), not committed."""
    members = [
        PanelMember(name=f"{role.label} {n}", role=role, joined_on=date(2020, 1, 6))
        for n, role in enumerate(roles, start=1)
    ]
    sitting = PanelSitting(
        sits_on=sits_on, minutes_received_on=minutes_received_on, attended=members
    )
    db.session.add(sitting)
    return sitting


def at_panel(
    case: Case,
    sits_on: date,
    minutes_received_on: date | None = None,
    recommendation: Recommendation = Recommendation.APPROVE,
    today: date = date(2030, 1, 1),
) -> PanelItem:
    """Book a case in Stage 2 onto a quorate sitting and record the panel's
    recommendation through the services (its PANEL step), and commit."""
    from crm.panels.services import book_item, record_recommendation

    item = book_item(panel_sitting(sits_on, minutes_received_on), PanelItemKind.APPLICATION, case)
    record_recommendation(
        item,
        recommendation,
        "The assessment shows they can meet the needs of children in care.",
        None,
        asked_for="An updated medical" if recommendation is Recommendation.DEFER else None,
        places=2,
        min_age=0,
        max_age=17,
        categories=["short_term"],
        as_of=today,
    )
    db.session.commit()
    return item

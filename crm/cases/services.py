"""Pipeline workflows: new enquiries, duplicates, steps and approval."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from crm.clocks import flagged_case_list
from crm.domain.contact import normalise_postcode
from crm.domain.kinship import (
    KinshipRuleError,
    ReferralUrgency,
    Reg24Record,
    ViabilityOutcome,
    ViabilityRoute,
    check_referral,
    check_viability,
)
from crm.domain.stages import EventKind, Stage, merge_refusal
from crm.extensions import db
from crm.formatting import uk_date
from crm.models import (
    Activity,
    ActivityKind,
    ApprovalTerms,
    CarerType,
    Case,
    CheckKind,
    EnquiryChannel,
    FlagKind,
    Household,
    HouseholdMember,
    KinshipReferral,
    MergedCase,
    RecordDocument,
    User,
    ViabilityAssessment,
)
from crm.models.corrections import delete_voided
from crm.models.door import move_door_records
from crm.models.setting import load_settings
from crm.outreach import services as outreach
from crm.queries.cases import mine
from crm.timeutil import today
from crm.visibility import cases_visible_to, names_visible_case


@dataclass
class NewEnquiry:
    """What is known when someone first asks about fostering."""

    first_name: str
    last_name: str
    enquiry_date: date
    source: str
    email: str | None = None
    phone: str | None = None
    postcode: str | None = None
    address: str | None = None
    carer_type: CarerType = CarerType.MAINSTREAM
    campaign: str | None = None
    message: str | None = None
    second_applicant: str | None = None
    channel: EnquiryChannel | None = None


def create_enquiry(
    details: NewEnquiry, by: User | None, owner: User | None = None, as_of: date | None = None
) -> Case:
    """Add a case at the enquiry stage, flagging a likely duplicate. Does not commit."""
    case = Case(
        reference=f"pending-{uuid.uuid4().hex}",
        first_name=details.first_name.strip(),
        last_name=details.last_name.strip(),
        postcode=normalise_postcode(details.postcode),
        address=details.address,
        source=details.source,
        channel=details.channel,
        campaign=details.campaign or None,
        carer_type=details.carer_type,
        message=details.message or None,
        owner=owner,
        enquiry_date=details.enquiry_date,
    )
    case.set_contact(details.email, details.phone)
    case.members.append(HouseholdMember(full_name=case.display_name, is_applicant=True))
    if details.second_applicant:
        case.members.append(
            HouseholdMember(full_name=details.second_applicant.strip(), is_applicant=True)
        )
    case.record_step(EventKind.ENQUIRY, details.enquiry_date, by, as_of=as_of)
    case.possible_duplicate_of = find_possible_duplicate(case)
    db.session.add(case)
    db.session.flush()
    case.reference = case_reference(case.id)
    return case


def case_reference(case_id: int) -> str:
    """A case's reference, from its id, which is never reused (so neither is this)."""
    return f"HF-{case_id:06d}"


def find_possible_duplicate(case: Case) -> Case | None:
    """The most recent other case with the same email or phone in the duplicate window."""
    keys = []
    if case.email:
        keys.append(Case.email == case.email)
    if case.phone_key:
        keys.append(Case.phone_key == case.phone_key)
    if not keys:
        return None
    since = case.enquiry_date - timedelta(days=load_settings().duplicate_window_days)
    query = sa.select(Case).where(sa.or_(*keys), Case.enquiry_date >= since)
    if case.id is not None:
        query = query.where(Case.id != case.id)
    return db.session.scalars(query.order_by(Case.enquiry_date.desc(), Case.id.desc())).first()


def merge_duplicate(duplicate: Case, by: User | None, on: date) -> Case:
    """Fold a duplicate enquiry into the earlier case and remove it. Does not commit.

    The earlier case keeps its own history; the duplicate's message and
    activities move across with a note, so nothing the household said is lost.
    """
    original = duplicate.possible_duplicate_of
    if original is None:
        raise MergeRefused("This case is not flagged as a possible duplicate.")
    refusal = merge_refusal(duplicate.stage, original.stage)
    if refusal:
        raise MergeRefused(refusal)
    note = f"Merged duplicate enquiry of {duplicate.enquiry_date:%d/%m/%Y} ({duplicate.source})"
    if duplicate.message:
        note += f": {duplicate.message}"
    for activity in list(duplicate.activities):
        activity.case = original
    db.session.execute(  # its documents (a reference sent early, say) are the family's
        sa.update(RecordDocument)
        .where(RecordDocument.case_id == duplicate.id)
        .values(case_id=original.id)
    )
    original.log_activity(ActivityKind.NOTE, on, by, note=note)
    for later in db.session.scalars(
        sa.select(Case).where(Case.possible_duplicate_of_id == duplicate.id)
    ):
        later.possible_duplicate_of = original
    db.session.execute(
        sa.update(MergedCase)
        .where(MergedCase.into_case_id == duplicate.id)
        .values(into_case_id=original.id)
    )
    db.session.add(
        MergedCase(
            id=duplicate.id,
            reference=duplicate.reference,
            into_case_id=original.id,
            merged_on=on,
            merged_by_id=by.id if by else None,
        )
    )
    outreach.move_to(duplicate, original)  # what Hearth sent them stays on their record
    move_door_records(duplicate, original)
    delete_voided(duplicate)  # its collections leave them out, so no cascade reaches them
    db.session.delete(duplicate)
    return original


def merged_into(case_id: int) -> MergedCase | None:
    """Where a merged case went (None: it never was one)."""
    return db.session.get(MergedCase, case_id)


def keep_both(case: Case) -> None:
    case.possible_duplicate_of = None


def link_returning_applicant(case: Case, by: User | None, on: date) -> Case:
    """Keep a returning applicant's new case, linked to their earlier closed one."""
    earlier = case.possible_duplicate_of
    if earlier is None or not earlier.stage.is_closed:
        raise MergeRefused("Only a case matching an earlier, closed case can be linked to it.")
    case.previous_case, case.possible_duplicate_of = earlier, None
    case.log_activity(
        ActivityKind.NOTE,
        on,
        by,
        note=f"Returning applicant: earlier case {earlier.reference} "
        f"({earlier.stage.label.lower()}, enquiry {earlier.enquiry_date:%d/%m/%Y})",
    )
    return earlier


class MergeRefused(ValueError):
    """A merge the rules refuse; the message says why and what to do instead."""


def approve_case(
    case: Case,
    on: date,
    by: User | None,
    places: int,
    min_age: int = 0,
    max_age: int = 17,
    categories: Iterable[str] = ("short_term",),
    supervising_worker: User | None = None,
    note: str | None = None,
    as_of: date | None = None,
) -> Household:
    """Record the agency decision to approve and create the approved household.

    The household keeps the case's reference, so that later imports and reports
    recognise it as the same family. Raises TransitionRefused if the case is not
    awaiting a decision. Does not commit.
    """
    case.record_step(EventKind.APPROVAL, on, by, note=note, as_of=as_of)
    household = Household.for_approved_case(case, supervising_worker)
    household.terms_history.append(
        ApprovalTerms(
            effective_from=on,
            places=places,
            min_age=min_age,
            max_age=max_age,
            categories=list(categories),
            recorded_by_id=by.id if by else None,
        )
    )
    return household


def tasks_due(user: User, on: date) -> sa.Select:
    """Follow-up tasks assigned to the user, not done, due on or before `on`, on cases
    the user may open."""
    return (
        sa.select(Activity)
        .where(
            Activity.user_id == user.id,
            names_visible_case(user, Activity.case_id),
            Activity.kind == ActivityKind.TASK,
            Activity.done_on.is_(None),
            Activity.due_on <= on,
        )
        .order_by(Activity.due_on, Activity.id)
    )


@dataclass(frozen=True)
class WorkQueue:
    """An officer's or assessing worker's morning: what needs doing today, first."""

    overdue_contacts: list[Case]
    waiting_for_an_officer: list[Case]
    waiting_count: int
    stalled: list[tuple[Case, list[str]]]


def work_queue(user: User, shown: int = 10) -> WorkQueue:
    """First contacts past their target, new enquiries nobody has taken, and stalled
    assessments: the open flags the dashboard counts (kept current on every write,
    crm/clocks/), only the user's own cases they may open."""
    theirs = sa.and_(mine(user), cases_visible_to(user))
    late = flagged_case_list(FlagKind.FIRST_CONTACT_OVERDUE, theirs)
    stalled = flagged_case_list(FlagKind.STALLED, theirs)
    unassigned = (Case.owner_id.is_(None), Case.stage == Stage.ENQUIRY, cases_visible_to(user))
    waiting = sa.select(Case).where(*unassigned).order_by(Case.enquiry_date, Case.id)
    return WorkQueue(
        overdue_contacts=sorted((case for case, _ in late), key=lambda c: c.enquiry_date),
        waiting_for_an_officer=db.session.scalars(waiting.limit(shown)).all(),
        # count(*), not count(id): PostgreSQL counts from the (stage, owner) index alone
        waiting_count=db.session.scalar(
            sa.select(sa.func.count()).select_from(Case).where(*unassigned)
        ),
        stalled=[(case, [reason]) for case, reason in stalled],
    )


@dataclass
class NewReferral:
    """A connected person referred by the child's social worker: the child by reference
    only, the connected person, how they are connected with the child, the urgency."""

    first_name: str
    last_name: str
    referred_on: date
    social_worker: str
    child_reference: str
    connection: str
    urgency: ReferralUrgency
    social_worker_contact: str | None = None
    email: str | None = None
    phone: str | None = None
    postcode: str | None = None
    address: str | None = None


#: A referral's "source": the child's social worker, not a recruitment channel.
REFERRAL_SOURCE = "Child's social worker"


def create_referral(
    details: NewReferral, by: User | None, owner: User | None = None, as_of: date | None = None
) -> Case:
    """Open a kinship case from the child's social worker's referral (its first step is
    the referral, not an enquiry: crm.domain.stages). Does not commit."""
    as_of = as_of or today()
    check_referral(details.referred_on, as_of, details.child_reference, details.connection)
    case = Case(
        reference=f"pending-{uuid.uuid4().hex}",
        first_name=details.first_name.strip(),
        last_name=details.last_name.strip(),
        postcode=normalise_postcode(details.postcode),
        address=details.address or None,
        source=REFERRAL_SOURCE,
        carer_type=CarerType.KINSHIP,
        owner=owner,
        enquiry_date=details.referred_on,
    )
    case.set_contact(details.email, details.phone)
    case.members.append(HouseholdMember(full_name=case.display_name, is_applicant=True))
    case.referral = KinshipReferral(
        referred_on=details.referred_on,
        social_worker=details.social_worker.strip(),
        social_worker_contact=(details.social_worker_contact or "").strip() or None,
        child_reference=details.child_reference.strip(),
        connection=details.connection.strip(),
        urgency=details.urgency,
        recorded_by=by,
    )
    case.record_step(EventKind.REFERRAL, details.referred_on, by, as_of=as_of)
    case.possible_duplicate_of = find_possible_duplicate(case)
    db.session.add(case)
    db.session.flush()
    case.reference = case_reference(case.id)
    return case


def record_viability(
    case: Case,
    assessed_on: date,
    outcome: ViabilityOutcome,
    leads_to: ViabilityRoute | None,
    worker: User | None,
    by: User | None,
    note: str | None = None,
    as_of: date | None = None,
    accommodation_seen_on: date | None = None,
    welfare_considered: bool = False,
) -> ViabilityAssessment:
    """Add a kinship case's viability assessment, checked by crm.domain.kinship. Does
    not commit."""
    if not case.is_kinship:
        raise KinshipRuleError(
            "A viability assessment is for a connected person (kinship) case.", "outcome"
        )
    if not case.is_open:
        raise KinshipRuleError("The case is closed.", "outcome")
    referred_on = case.referral.referred_on if case.referral else case.enquiry_date
    as_of = as_of or today()
    check_viability(referred_on, assessed_on, outcome, leads_to, as_of)
    if accommodation_seen_on and accommodation_seen_on > as_of:
        raise KinshipRuleError(
            f"The date {uk_date(accommodation_seen_on)} is in the future.",
            "accommodation_seen_on",
        )
    viability = ViabilityAssessment(
        assessed_on=assessed_on,
        accommodation_seen_on=accommodation_seen_on,
        welfare_considered=welfare_considered,
        outcome=outcome,
        leads_to=leads_to,
        worker=worker,
        note=note or None,
        recorded_by=by,
    )
    case.viability_assessments.append(viability)
    case.touch(assessed_on)
    return viability


def reg24_record(case: Case) -> Reg24Record:
    """What the case holds of the checks reg 24(2) asks before a temporary approval: its
    latest viability assessment, each household member with the day their enhanced DBS
    check was received, and whether a worker is allocated to the full assessment."""

    def first(kind: CheckKind, day: str) -> dict[int, date]:
        found: dict[int, date] = {}
        for check in case.checks:
            on = getattr(check, day)
            if check.kind is kind and check.member_id and on:
                found[check.member_id] = min(on, found.get(check.member_id, on))
        return found

    dbs, applied, police = (
        first(CheckKind.DBS, "received_on"),
        first(CheckKind.DBS, "requested_on"),
        first(CheckKind.POLICE, "received_on"),
    )

    def checked(member_id: int) -> date | None:
        """An enhanced DBS received, or a police check received with the DBS applied for:
        the earlier day either stands."""
        both = [dbs.get(member_id)]
        if member_id in police and member_id in applied:
            both.append(max(police[member_id], applied[member_id]))
        return min((d for d in both if d), default=None)

    return Reg24Record(
        viability=case.viability_assessments[-1] if case.viability_assessments else None,
        members=[(m.full_name, m.birth_date, checked(m.id)) for m in case.members],
        assessing_worker=case.assessing_worker_id is not None,
    )

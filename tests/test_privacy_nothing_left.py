"""Erasure on request, and anonymisation by the retention job, leave the person's name
nowhere in the database: a name planted in every text column of every row that belongs
to the case (found by walking the schema), and in the messages the nightly job sent
staff about it, is searched for in every row of every table afterwards, the audit
trail included."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import sqlalchemy as sa

from crm import audit_chain
from crm.cases.services import merge_duplicate
from crm.domain.bookings import BookingKind
from crm.domain.determinations import DeterminationKind
from crm.domain.documents import DocumentKind
from crm.domain.kinship import ReferralUrgency, ViabilityOutcome, ViabilityRoute
from crm.domain.outreach import MessageKind
from crm.domain.panel import PanelItemKind, Recommendation
from crm.domain.settings import Settings
from crm.domain.special_guardianship import OrderKind
from crm.domain.stages import EventKind as K
from crm.extensions import db
from crm.models import (
    ActivityKind,
    Booking,
    Case,
    Check,
    CheckKind,
    Determination,
    DoorLink,
    DoorMessage,
    DoorSection,
    HouseholdMember,
    KinshipReferral,
    MessageOptOut,
    Notification,
    OrderAssessment,
    PanelItem,
    PanelSitting,
    RecordDocument,
    Role,
    Stage1Decision,
    TemporaryApproval,
    TransferIn,
    ViabilityAssessment,
)
from crm.outreach.services import queue
from crm.privacy.services import apply_retention, erase_case
from jobs.flags import flag_work
from tests.factories import CaseFactory, advance

NAME = "Zephyrine"
LATER = date(2030, 1, 1)
RUN_ON = date(2026, 12, 1)

#: Text columns that hold codes and references the service makes, never what someone
#: typed: kept when a case is anonymised (for the statistics), so no name is planted.
CODES_AND_REFERENCES = {
    ("cases", "reference"),
    ("cases", "source"),
    ("cases", "campaign"),
    ("cases", "outcome_reason"),
    ("cases", "panel_recommendation"),
    ("cases", "intended_categories"),
    ("stage_events", "reason"),
    ("merged_cases", "reference"),
    ("notifications", "link"),
    ("outreach_messages", "dedupe_key"),
    ("outreach_messages", "provider_id"),
    ("door_links", "token_hash"),
    ("door_links", "code_hash"),
    ("door_sections", "section"),
}
#: Tables pointing at a case whose rows are not planted here, and why.
NOT_PLANTED = {
    "households": "a case that became a household is never erased or anonymised",
}


def tables_pointing_at_cases() -> set[str]:
    return {
        table.name
        for table in db.metadata.tables.values()
        for key in table.foreign_keys
        if key.column.table.name == "cases" and table.name != "cases"
    }


def text_columns(table: sa.Table) -> list[sa.Column]:
    return [
        c
        for c in table.columns
        if isinstance(c.type, sa.String | sa.Text | sa.JSON)
        and not isinstance(c.type, sa.Enum)
        and not c.primary_key
        and (table.name, c.name) not in CODES_AND_REFERENCES
    ]


def plant(case: Case) -> set[str]:
    """The name in every text column of the case and of each row pointing at it, through
    the ORM (so that the audit trail records it too); the tables planted."""
    planted = set()
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        if table.name in NOT_PLANTED:
            continue
        if table.name == "cases":
            rows = [case]
        else:
            links = [k.parent for k in table.foreign_keys if k.column.table.name == "cases"]
            if not links:
                continue
            rows = db.session.scalars(
                sa.select(mapper.class_).where(sa.or_(*(link == case.id for link in links)))
            ).all()
        for row in rows:
            for column in text_columns(table):
                key = mapper.get_property_by_column(column).key
                setattr(row, key, [NAME] if isinstance(column.type, sa.JSON) else NAME)
            planted.add(table.name)
    db.session.commit()
    return planted


def everything_in_the_database() -> str:
    """Every row of every table the database has (SQLite's search index included), as
    lower-case text."""
    connection = db.session.connection()
    found = []
    for name in sa.inspect(connection).get_table_names():
        for row in connection.execute(sa.text(f'SELECT * FROM "{name}"')):
            found.append(
                " ".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row)
            )
    return "\n".join(found).lower()


@pytest.fixture
def case_full_of_her_name(db, make_user) -> Case:
    """An enquiry of 2012, closed that year: a first contact late enough for the nightly
    job to tell her officer (naming her), notes, a second adult and a check, a temporary
    approval that ended when she withdrew (kept until 2022), and a second enquiry of hers
    merged in (whose applicant row the merge deleted, leaving its audit entries)."""
    officer = make_user(Role.RECRUITMENT_OFFICER)
    case = CaseFactory(
        reference="ALL-1",
        first_name=NAME,
        last_name="Quill",
        owner=officer,
        enquiry_date=date(2012, 1, 9),
    )
    flag_work(date(2012, 2, 1))
    db.session.commit()
    told = db.session.scalars(sa.select(Notification.message)).all()
    assert any(NAME in message for message in told)  # the job named her to her officer
    case.log_activity(ActivityKind.CALL, date(2012, 2, 2), officer, note="called")
    partner = HouseholdMember(full_name="Partner", relationship_to_applicant="partner")
    case.members.append(partner)
    case.checks.append(Check(kind=CheckKind.DBS, member=partner, subject="x", note="x"))
    case.temporary_approval = TemporaryApproval(
        child_reference="C1", approved_on=date(2012, 2, 2), nominated_officer="x"
    )
    case.referral = KinshipReferral(  # a connected person's referral and viability
        referred_on=date(2012, 1, 9),
        social_worker="x",
        child_reference="C1",
        connection="x",
        urgency=ReferralUrgency.PLANNED,
    )
    case.viability_assessments.append(
        ViabilityAssessment(
            assessed_on=date(2012, 2, 1),
            outcome=ViabilityOutcome.POSITIVE,
            leads_to=ViabilityRoute.TEMPORARY_APPROVAL,
            note="x",
        )
    )
    db.session.add(  # the panel deferred her application (regs 24-25)
        PanelSitting(
            sits_on=date(2012, 2, 16),
            items=[
                PanelItem(
                    kind=PanelItemKind.CONNECTED_PERSON,
                    case=case,
                    recommendation=Recommendation.DEFER,
                    reasons="x",
                    asked_for="x",
                )
            ],
        )
    )
    case.order_assessments.append(  # a special guardianship assessed, a note on it
        OrderAssessment(order=OrderKind.SPECIAL_GUARDIANSHIP, started_on=date(2012, 2, 2), note="x")
    )
    db.session.add(  # a visit booked with her, named in who attends
        Booking(
            case=case,
            kind=BookingKind.INITIAL_VISIT,
            visit_date=date(2012, 2, 9),
            start_time=time(10, 0),
            worker=officer,
        )
    )
    db.session.add(  # a reference about her, uploaded as a document
        RecordDocument(
            case=case,
            kind=DocumentKind.REFERENCE,
            title="x",
            dated=date(2012, 2, 1),
            storage_key="x",
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
        )
    )
    db.session.add(  # a qualifying determination on her case, its reasons naming her
        Determination(
            kind=DeterminationKind.REFUSAL,
            case=case,
            notified_on=date(2012, 2, 20),
            reasons="x",
        )
    )
    # a "we haven't heard from you" to her (naming her), and her asking for no more
    queue(MessageKind.QUIET_SPELL, case, date(2012, 2, 6))
    db.session.add(MessageOptOut(case=case))
    duplicate = CaseFactory(
        reference="ALL-0",
        first_name=NAME,
        last_name="Quill",
        enquiry_date=date(2012, 1, 20),
        possible_duplicate_of=case,
    )
    merge_duplicate(duplicate, officer, on=date(2012, 1, 25))  # its members' rows go
    advance(  # the call on 2 Feb was her first contact (a logged call records it)
        case,
        (K.WITHDRAWN_BY_APPLICANT, date(2012, 3, 1), "AW3"),
        today=LATER,
    )
    # a transfer from another service, and a Stage 1 decision (issue 34)
    db.session.add(TransferIn(case=case, previous_service="x", previous_reference="x"))
    db.session.add(Stage1Decision(case=case, decided_on=date(2012, 3, 1), reasons="x"))
    db.session.add_all(  # what she did on her own page (crm/door)
        [
            DoorLink(case=case, token_hash="t", code_hash="c", expires_at=datetime(2012, 2, 2)),
            DoorSection(case=case, section="about_you", answers={"first_name": "x"}),
            DoorMessage(case=case, from_applicant=True, body="x"),
        ]
    )
    planted = plant(case)
    assert planted == tables_pointing_at_cases() - set(NOT_PLANTED) | {"cases"}
    assert NAME.lower() in everything_in_the_database()
    return case


def test_erasure_leaves_her_name_nowhere(case_full_of_her_name, db):
    erase_case(case_full_of_her_name, "asked by email, identity checked", on=RUN_ON)
    db.session.commit()
    assert NAME.lower() not in everything_in_the_database()


def test_anonymisation_leaves_her_name_nowhere(case_full_of_her_name, db):
    assert apply_retention(RUN_ON, Settings())["anonymised"] == 1
    db.session.commit()
    assert NAME.lower() not in everything_in_the_database()


@pytest.mark.parametrize("remove", ["erasure", "anonymisation"])
def test_the_audit_chain_still_holds_after_her_name_is_removed(case_full_of_her_name, db, remove):
    """Entries sealed before the removal read as erased afterwards: each must be covered
    by a sealed erasure of its record, or verification would call it tampering."""
    audit_chain.seal()
    db.session.commit()
    if remove == "erasure":
        erase_case(case_full_of_her_name, "asked by email, identity checked", on=RUN_ON)
    else:
        assert apply_retention(RUN_ON, Settings())["anonymised"] == 1
    db.session.commit()
    audit_chain.seal()
    db.session.commit()
    verdict = audit_chain.verify()
    assert verdict.broken_at is None, verdict.problem

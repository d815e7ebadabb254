"""One registry of clocks (crm/clocks/): every kind of flag has an entry, flags are kept
current on every write, and every count and the list it opens read the same flags."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm.clocks import BY_KIND, CLOCKS, clocks_of
from crm.domain.periods import add_months
from crm.domain.stages import EventKind as K
from crm.extensions import db as _db
from crm.models import (
    ActivityKind,
    CarerEventKind,
    CarerType,
    Flag,
    FlagKind,
    Resident,
    TemporaryApproval,
)
from crm.timeutil import today
from jobs.flags import flag_work
from tests.factories import CaseFactory, HouseholdFactory, advance, at_panel

NOW = today()


def test_every_kind_of_flag_has_one_clock():
    assert sorted(BY_KIND, key=str) == sorted(FlagKind, key=str)
    assert len(CLOCKS) == len(FlagKind)


def test_the_nightly_flag_job_leaves_the_retention_review_to_its_own_job():
    assert FlagKind.RETENTION_REVIEW not in {c.kind for c in clocks_of("flag_work")}
    assert [c.kind for c in clocks_of("data_retention")] == [FlagKind.RETENTION_REVIEW]


def _applied(days_ago: int, **kwargs):
    applied = NOW - timedelta(days=days_ago)
    return advance(
        CaseFactory(enquiry_date=applied - timedelta(days=20), **kwargs),
        (K.FIRST_CONTACT, applied - timedelta(days=19)),
        (K.INITIAL_VISIT, applied - timedelta(days=10)),
        (K.APPLICATION, applied),
    )


@pytest.fixture
def busy_service(db, officer, ssw):
    """Late work of every kind the manager's strip counts, two of each, flagged by the
    nightly run; then at midday an officer and a worker put one of each right."""
    made = {"stalled": [_applied(35, owner=officer) for _ in range(2)]}  # quiet 35 days
    made["late_contact"] = [
        CaseFactory(enquiry_date=NOW - timedelta(days=14), owner=officer) for _ in range(2)
    ]
    made["panel"] = [
        advance(_applied(230, owner=officer), (K.STAGE2_START, NOW - timedelta(days=200)))
        for _ in range(2)
    ]
    made["decision"] = [
        advance(_applied(200, owner=officer), (K.STAGE2_START, NOW - timedelta(days=150)))
        for _ in range(2)
    ]
    for case in made["decision"]:  # the final minutes came the day of the sitting
        at_panel(case, NOW - timedelta(days=21), NOW - timedelta(days=21), today=NOW)
    for days in (110, 120):  # reg 24: 16 weeks (112 days): one expiring, one lapsed
        case = _applied(days + 1, owner=officer, carer_type=CarerType.KINSHIP)
        _db.session.add(
            TemporaryApproval(
                case=case, child_reference="C1", approved_on=NOW - timedelta(days=days)
            )
        )
    made["households"] = [
        HouseholdFactory(approval_date=NOW - timedelta(days=60), supervising_worker=ssw)
        for _ in range(2)
    ]
    _db.session.commit()
    flag_work(NOW)
    _db.session.commit()

    # Midday: a call on a stalled case, a first contact, a visit to a household.
    made["stalled"][0].log_activity(ActivityKind.CALL, NOW, officer)
    advance(made["late_contact"][0], (K.FIRST_CONTACT, NOW))
    made["households"][0].log_record(CarerEventKind.SUPERVISION_VISIT, NOW, ssw, as_of=NOW)
    _db.session.commit()
    return made


def strip(client) -> list[tuple[str, int, str]]:
    page = client.get("/dashboard/").get_data(as_text=True)
    part = page.split('data-testid="attention">')[1].split("</section>")[0]
    return [
        (label, int(count), href.replace("&amp;", "&"))
        for href, count, label in re.findall(
            r'<a href="([^"]+)"[^>]*><strong>(\d+)</strong> ([^<]+)</a>', part
        )
    ]


def listed(client, href: str) -> int:
    """How many rows the list at `href` says it holds (its pager's total)."""
    page = client.get(href).get_data(as_text=True)
    total = re.search(r"of ([\d,]+)</p>|([\d,]+) in all</p>", page)
    return 0 if total is None else int((total.group(1) or total.group(2)).replace(",", ""))


def test_every_count_on_the_managers_strip_is_the_length_of_its_list(busy_service, manager_client):
    items = strip(manager_client)
    counted = {label: count for label, count, _ in items}
    # the midday writes took one of each away at once, not at tonight's run
    stalled = manager_client.get("/cases/?flag=stalled").get_data(as_text=True)
    called, quiet = busy_service["stalled"]
    assert called.reference not in stalled and quiet.reference in stalled
    assert counted["First contact late"] == 1
    assert counted["Households with visits, reviews or TSD overdue"] == 1
    assert counted[FlagKind.TEMPORARY_APPROVAL_EXPIRING.label] == 1
    assert counted[FlagKind.TEMPORARY_APPROVAL_EXPIRED.label] == 1
    assert counted[FlagKind.DECISION_OVERDUE.label] == 2
    assert counted[FlagKind.PANEL_TIMESCALE.label] >= 2
    for label, count, href in items:
        if "high risk" in label:
            continue  # read from the risk scores, not from flags
        assert listed(manager_client, href) == count, label


def test_an_officers_queue_lists_what_the_case_list_lists_for_them(
    busy_service, officer_client, officer
):
    queue = officer_client.get("/cases/mine").get_data(as_text=True)
    stalled = re.search(r"Stalled assessments \((\d+)\)", queue)
    late = re.search(r"First contact late \((\d+)\)", queue)
    assert int(stalled.group(1)) == listed(
        officer_client, f"/cases/?flag=stalled&owner={officer.id}"
    )
    assert int(late.group(1)) == listed(
        officer_client, f"/cases/?flag=overdue_contact&owner={officer.id}"
    )
    assert int(late.group(1)) == 1


def test_a_flag_raised_by_a_write_is_dated_and_owned(db, officer):
    case = _applied(61, owner=officer)
    flag = _db.session.scalar(sa.select(Flag).where(Flag.kind == FlagKind.STALLED))
    assert (flag.case_id, flag.owner_id, flag.raised_on, flag.cleared_on) == (
        case.id,
        officer.id,
        NOW,
        None,
    )


def test_an_imported_enquiry_past_its_first_contact_target_is_flagged_at_once(db, runner, tmp_path):
    enquired = NOW - timedelta(days=14)
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(f"reference,enquiry_date\nIMP-1,{enquired.isoformat()}\n")
    result = runner.invoke(args=["import-tracker", str(tracker)])
    assert result.exit_code == 0, result.output
    flags = _db.session.scalars(
        sa.select(Flag.kind).where(Flag.cleared_on.is_(None), Flag.case_id.isnot(None))
    )
    assert list(flags) == [FlagKind.FIRST_CONTACT_OVERDUE]


def test_a_household_never_reviewed_owes_its_first_review_to_panel(db, ssw):
    approved = NOW - timedelta(days=400)  # more than 12 months: the first review is late
    HouseholdFactory(approval_date=approved, supervising_worker=ssw)
    kinds = {f.kind for f in _db.session.scalars(sa.select(Flag).where(Flag.cleared_on.is_(None)))}
    assert FlagKind.FIRST_REVIEW_OVERDUE in kinds
    assert FlagKind.ANNUAL_REVIEW_OVERDUE not in kinds


def test_a_carer_with_no_dbs_check_or_medical_recorded_is_flagged_to_renew(db, ssw):
    household = HouseholdFactory(approval_date=NOW - timedelta(days=10), supervising_worker=ssw)
    flags = {
        f.kind: f.reason
        for f in _db.session.scalars(sa.select(Flag).where(Flag.household_id == household.id))
    }
    assert "Pat Example (none recorded)" in flags[FlagKind.DBS_RENEWAL_OVERDUE]
    assert "Pat Example (none recorded)" in flags[FlagKind.MEDICAL_RENEWAL_OVERDUE]


def test_a_dbs_check_three_years_old_is_due_the_day_after(db, ssw):
    household = HouseholdFactory(approval_date=NOW - timedelta(days=10), supervising_worker=ssw)
    carer = household.carers[0]
    carer.medical_on = NOW
    carer.dbs_issued_on = add_months(NOW, -36)  # three years old today: due, not yet late
    _db.session.commit()
    open_dbs = sa.select(Flag).where(
        Flag.kind == FlagKind.DBS_RENEWAL_OVERDUE, Flag.cleared_on.is_(None)
    )
    assert _db.session.scalar(open_dbs) is None
    flag_work(NOW + timedelta(days=1))
    [late] = _db.session.scalars(open_dbs).all()
    assert f"Pat Example (due {NOW:%d/%m/%Y})" in late.reason


def test_a_reason_as_long_as_the_rule_needs_is_kept_whole(db, ssw):
    """A large household's DBS checks name every adult: never cut short (PostgreSQL
    refused a reason over 255 characters before migration 0040)."""
    household = HouseholdFactory(approval_date=NOW - timedelta(days=10), supervising_worker=ssw)
    names = [f"Adult Member Of The Household Number {n}" for n in range(10)]
    household.residents.extend(Resident(full_name=name) for name in names)
    _db.session.commit()
    reason = _db.session.scalar(
        sa.select(Flag.reason).where(Flag.kind == FlagKind.DBS_RENEWAL_OVERDUE)
    )
    assert len(reason) > 255 and all(name in reason for name in names)

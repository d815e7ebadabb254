"""The door's figures (issue 35, item 8): applicants who used their page in the period,
and drop-out by the task-list section where they stopped; each count opens its list."""

from __future__ import annotations

import re
from datetime import date, datetime

from crm.domain.door import stopped_at
from crm.domain.stages import EventKind
from crm.metrics.door import door_users, stopped, stopped_by_section
from crm.metrics.period import Period
from crm.models import DoorLink, DoorSection
from tests.factories import CaseFactory

PERIOD = Period(date(2026, 4, 1), date(2026, 6, 30), date(2026, 6, 30))


def test_an_applicant_stopped_at_the_first_section_they_had_not_completed():
    assert stopped_at({"about_you", "referees"}) == "household"
    assert stopped_at(set()) == "about_you"
    every = {"about_you", "household", "home", "health", "work", "previous_fostering"}
    assert stopped_at(every | {"referees", "consents"}) is None


def _signed_in(db, case, on: datetime) -> None:
    db.session.add(
        DoorLink(
            case_id=case.id,
            token_hash=f"t{case.id}{on:%j}",
            code_hash="c",
            created_at=on,
            expires_at=on,
            used_at=on,
        )  # fmt: skip
    )


def _completed(db, case, key: str, on: datetime) -> None:
    db.session.add(
        DoorSection(
            case_id=case.id, section=key, answers={"x": "y"}, completed_at=on, updated_at=on
        )  # fmt: skip
    )


def test_door_users_are_those_signed_in_in_the_period_once_each(db):
    inside, twice, before = CaseFactory(), CaseFactory(), CaseFactory()
    _signed_in(db, inside, datetime(2026, 5, 1, 10))
    _signed_in(db, twice, datetime(2026, 5, 1, 10))
    _signed_in(db, twice, datetime(2026, 6, 2, 10))
    _signed_in(db, before, datetime(2026, 3, 31, 22, 59))  # 23:59 on 31 Mar, UK time
    db.session.commit()
    assert {c.id for c in door_users(PERIOD)} == {inside.id, twice.id}


def test_a_withdrawal_and_a_quiet_spell_count_where_they_stopped(db):
    withdrew, quiet, busy = CaseFactory(), CaseFactory(), CaseFactory()
    for case in (withdrew, quiet, busy):
        _signed_in(db, case, datetime(2026, 4, 2, 10))
        _completed(db, case, "about_you", datetime(2026, 4, 2, 10))
    _completed(db, withdrew, "household", datetime(2026, 4, 3, 10))
    _signed_in(db, busy, datetime(2026, 6, 20, 10))  # still coming back: not quiet
    withdrew.record_step(EventKind.WITHDRAWN_BY_APPLICANT, date(2026, 5, 10), None,
                         reason="AW3", as_of=date(2026, 6, 30))  # fmt: skip
    db.session.commit()
    rows = stopped(PERIOD)
    assert {(r.case.id, r.how, r.section) for r in rows} == {
        (withdrew.id, "withdrew", "home"),
        (quiet.id, "went quiet", "household"),
    }
    counts = {key: n for key, _, n in stopped_by_section(rows)}
    assert counts["home"] == 1 and counts["household"] == 1 and counts["about_you"] == 0


def test_the_dashboard_count_opens_the_list_it_counts(manager_client, db):
    quiet = CaseFactory()
    _signed_in(db, quiet, datetime(2026, 4, 2, 10))
    db.session.commit()
    args = "date_from=2026-04-01&date_to=2026-06-30&as_of=2026-06-30"
    page = manager_client.get(f"/dashboard/?{args}").get_data(as_text=True)
    count = re.search(r'data-door-figure="door_stopped_about_you">(\d+)<', page).group(1)
    link = re.search(r'href="([^"]+)" data-door-figure="door_stopped_about_you"', page).group(1)
    listed = manager_client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert count == "1"
    assert listed.count("/cases/") - listed.count('/cases/"') == 1 and quiet.reference in listed

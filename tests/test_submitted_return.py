"""A submitted Ofsted return stays submitted (issue 32, item 13): a manager marks a
year's return as sent; records added later that change it are listed against the
figures sent, which are kept as they were."""

from __future__ import annotations

from datetime import date

import pytest

from crm.extensions import db
from crm.metrics.ofsted import ofsted_return
from crm.metrics.submitted_return import (
    SubmissionRefused,
    changes_since,
    mark_submitted,
    submitted_return,
)
from crm.models import SubmittedReturn
from tests.factories import CaseFactory

YEAR = 2024  # the hand-built service's year: April 2024 to March 2025
uses_service = pytest.mark.usefixtures("service")


def _mark(manager, on=date(2025, 5, 12)) -> SubmittedReturn:
    kept = mark_submitted(YEAR, ofsted_return(YEAR), on, manager, today=date(2025, 6, 30))
    db.session.commit()
    return kept


def _late_enquiry() -> None:
    """An enquiry of October 2024 recorded after the return was sent (a tracker import)."""
    CaseFactory(enquiry_date=date(2024, 10, 3))


@uses_service
def test_nothing_has_changed_straight_after_marking(manager):
    assert changes_since(_mark(manager), ofsted_return(YEAR)) == []


@uses_service
def test_a_late_record_is_listed_against_the_submitted_figure(manager):
    kept = _mark(manager)
    sent = next(f for f in kept.figures if f["measure"] == "Enquiries received")
    _late_enquiry()
    changed = changes_since(submitted_return(YEAR), ofsted_return(YEAR))
    mainstream = next(
        c for c in changed if c.measure == "Enquiries received" and c.carer_type == "Mainstream"
    )
    assert (mainstream.submitted, mainstream.now) == (
        sent["by_type"]["mainstream"],
        sent["by_type"]["mainstream"] + 1,
    )
    assert any(c.measure == "Enquiries received" and c.carer_type == "Total" for c in changed)


@uses_service
def test_the_submitted_figures_are_kept_as_they_were_sent(manager):
    _mark(manager)
    before = [dict(f) for f in submitted_return(YEAR).figures]
    _late_enquiry()
    db.session.expire_all()
    assert submitted_return(YEAR).figures == before


def test_a_return_cannot_be_marked_sent_before_its_year_ended(manager):
    with pytest.raises(SubmissionRefused, match="31 Mar 2025"):
        mark_submitted(YEAR, [], date(2025, 3, 31), manager, today=date(2025, 6, 30))


def test_a_return_cannot_be_marked_sent_on_a_day_to_come(manager):
    with pytest.raises(SubmissionRefused, match="future"):
        mark_submitted(YEAR, [], date(2025, 7, 1), manager, today=date(2025, 6, 30))


def test_marking_again_keeps_the_figures_of_the_resubmission(manager):
    _mark(manager)
    _late_enquiry()
    kept = _mark(manager, on=date(2025, 6, 1))
    assert kept.submitted_on == date(2025, 6, 1)
    assert changes_since(kept, ofsted_return(YEAR)) == []
    assert db.session.query(SubmittedReturn).count() == 1


@uses_service
def test_the_return_page_lists_what_changed_since_it_was_sent(manager_client, manager):
    _mark(manager)
    _late_enquiry()
    page = manager_client.get(f"/dashboard/ofsted?year={YEAR}").get_data(as_text=True)
    assert "Marked as submitted on 12 May 2025" in page
    assert "changed since it was submitted" in page
    assert "Recruitment: Enquiries received" in page


@uses_service
def test_a_manager_marks_the_return_submitted_from_the_page(manager_client):
    response = manager_client.post(
        f"/dashboard/ofsted/{YEAR}/submitted",
        data={"submitted_on": "2025-05-12"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert submitted_return(YEAR).submitted_on == date(2025, 5, 12)
    assert "No figure has changed since" in response.get_data(as_text=True)


def test_a_refused_day_is_explained_and_kept_on_the_form(manager_client):
    response = manager_client.post(
        f"/dashboard/ofsted/{YEAR}/submitted", data={"submitted_on": "2025-02-01"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "cannot have been submitted before the year ended" in page
    assert 'value="2025-02-01"' in page
    assert submitted_return(YEAR) is None

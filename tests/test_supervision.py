"""Due and overdue work for approved households, at the boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm.domain.settings import Settings
from crm.domain.supervision import Duty, HouseholdRecord, Standing, obligations

APPROVED = date(2024, 1, 15)
S = Settings()


def duty(record: HouseholdRecord, which: Duty, on: date):
    found = [o for o in obligations(record, on, S) if o.duty is which]
    return found[0] if found else None


def record(**kwargs) -> HouseholdRecord:
    return HouseholdRecord(approval_date=APPROVED, kinship=kwargs.pop("kinship", False), **kwargs)


class TestSupervisionVisits:
    def test_the_first_visit_is_due_six_weeks_after_approval(self):
        assert duty(record(), Duty.SUPERVISION_VISIT, APPROVED).due_on == date(2024, 2, 26)

    def test_a_visit_on_its_due_date_is_not_overdue(self):
        assert duty(record(), Duty.SUPERVISION_VISIT, date(2024, 2, 26)).standing is (
            Standing.DUE_SOON
        )

    def test_the_day_after_the_due_date_it_is_overdue(self):
        assert duty(record(), Duty.SUPERVISION_VISIT, date(2024, 2, 27)).overdue

    def test_an_unannounced_visit_counts_as_a_visit(self):
        r = record(last_visit=date(2024, 3, 1), last_unannounced=date(2024, 3, 1))
        assert duty(r, Duty.SUPERVISION_VISIT, date(2024, 3, 2)).due_on == date(2024, 4, 12)

    def test_due_soon_is_within_a_week(self):
        r = record(last_visit=date(2024, 3, 1))  # due 12 Apr
        assert duty(r, Duty.SUPERVISION_VISIT, date(2024, 4, 4)).standing is Standing.OK
        assert duty(r, Duty.SUPERVISION_VISIT, date(2024, 4, 5)).standing is Standing.DUE_SOON


class TestUnannouncedVisits:
    def test_due_within_twelve_months_of_approval(self):
        assert duty(record(), Duty.UNANNOUNCED_VISIT, APPROVED).due_on == date(2025, 1, 14)

    def test_the_window_restarts_from_the_last_unannounced_visit(self):
        r = record(last_unannounced=date(2024, 10, 1))
        assert duty(r, Duty.UNANNOUNCED_VISIT, date(2025, 1, 20)).due_on == date(2025, 10, 1)
        assert duty(r, Duty.UNANNOUNCED_VISIT, date(2025, 10, 2)).overdue


class TestAnnualReview:
    def test_the_first_review_is_due_twelve_months_after_approval_and_goes_to_panel(self):
        first = duty(record(), Duty.ANNUAL_REVIEW, APPROVED)
        assert (first.due_on, first.note) == (date(2025, 1, 15), "the first goes back to panel")

    def test_later_reviews_are_due_twelve_months_after_the_previous(self):
        later = duty(
            record(last_review=date(2025, 1, 10), reviews=1), Duty.ANNUAL_REVIEW, date(2025, 2, 1)
        )
        assert (later.due_on, later.note) == (date(2026, 1, 10), "yearly")

    def test_a_review_due_on_29_february_falls_back_to_28_february(self):
        leap = HouseholdRecord(approval_date=date(2024, 2, 29), kinship=False)
        assert duty(leap, Duty.ANNUAL_REVIEW, date(2024, 3, 1)).due_on == date(2025, 2, 28)


class TestTsd:
    def test_mainstream_carers_have_twelve_months(self):
        assert duty(record(), Duty.TSD, APPROVED).due_on == date(2025, 1, 15)

    def test_kinship_carers_have_eighteen_months(self):
        assert duty(record(kinship=True), Duty.TSD, APPROVED).due_on == date(2025, 7, 15)

    def test_kinship_is_not_overdue_at_thirteen_months(self):
        assert not duty(record(kinship=True), Duty.TSD, date(2025, 2, 15)).overdue

    def test_completed_tsd_is_no_longer_owed(self):
        assert duty(record(tsd_completed=date(2024, 9, 1)), Duty.TSD, date(2026, 1, 1)) is None


def test_a_deregistered_household_is_owed_nothing():
    assert obligations(record(current=False), date(2026, 1, 1), S) == []


@pytest.mark.parametrize("interval", [28, 56])
def test_the_visit_interval_is_a_setting(interval):
    settings = Settings(supervision_visit_interval_days=interval)
    found = obligations(record(), APPROVED, settings)
    assert found[0].due_on == APPROVED + timedelta(days=interval)

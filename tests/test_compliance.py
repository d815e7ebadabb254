"""Compliance at service level, worked by hand on five households, as of 30 Jun 2025
(supervision every 42 days, an unannounced visit a year, reviews yearly, TSD in 12
months or 18 for kinship: the default settings).

  P  mainstream, approved 1 Jan 24, worker Sam: supervision 1 Jun 25, unannounced
     1 Mar 25, first review 15 Dec 24, TSD 1 Nov 24: compliant with everything
  Q  mainstream, approved 1 Mar 24, worker Sam: supervision 1 Apr 25 (due 13 May:
     overdue), no unannounced visit (due 1 Mar 25), first review 1 May 25 (due
     1 Mar 25: late, though the next is not due until 1 May 26), no TSD (due 1 Mar 25)
  R  kinship, approved 1 Feb 25, no worker: supervision 20 Jun 25; its unannounced
     visit, first review and TSD (18 months) are not yet due
  S  mainstream, approved 1 Jan 20, deregistered 1 May 25: not current, out of scope
  T  mainstream, approved 1 Jul 25: not yet current
"""

from __future__ import annotations

from datetime import date

import pytest

from crm.domain.compliance import Measure
from crm.metrics.compliance import caseloads, compliance_by_month, compliance_on
from crm.models import CarerEventKind, CarerType, DeregistrationReason, InitiatedBy, Role
from tests.factories import HouseholdFactory

D = date
AS_OF = D(2025, 6, 30)
E = CarerEventKind


@pytest.fixture
def service(db, make_user):
    sam = make_user(Role.SUPERVISING_SOCIAL_WORKER, full_name="Sam Supervisor")
    p = HouseholdFactory(reference="P", approval_date=D(2024, 1, 1), supervising_worker=sam)
    for kind, on in [
        (E.SUPERVISION_VISIT, D(2025, 6, 1)),
        (E.UNANNOUNCED_VISIT, D(2025, 3, 1)),
        (E.ANNUAL_REVIEW, D(2024, 12, 15)),
        (E.TSD_COMPLETED, D(2024, 11, 1)),
    ]:
        p.log_record(kind, on, None, as_of=AS_OF)
    q = HouseholdFactory(reference="Q", approval_date=D(2024, 3, 1), supervising_worker=sam)
    q.log_record(E.SUPERVISION_VISIT, D(2025, 4, 1), None, as_of=AS_OF)
    q.log_record(E.ANNUAL_REVIEW, D(2025, 5, 1), None, as_of=AS_OF)
    r = HouseholdFactory(reference="R", approval_date=D(2025, 2, 1), carer_type=CarerType.KINSHIP)
    r.log_record(E.SUPERVISION_VISIT, D(2025, 6, 20), None, as_of=AS_OF)
    s = HouseholdFactory(reference="S", approval_date=D(2020, 1, 1), supervising_worker=sam)
    s.deregister(D(2025, 5, 1), DeregistrationReason.RETIREMENT, InitiatedBy.CARER, as_of=AS_OF)
    HouseholdFactory(reference="T", approval_date=D(2025, 7, 1), supervising_worker=sam)
    db.session.commit()
    return {h.reference: h.id for h in (p, q, r, s)}


def figures(tallies) -> dict:
    return {m: (t.in_scope, t.compliant) for m, t in tallies.items()}


def test_each_measure_on_the_day_for_all_carers(service):
    assert figures(compliance_on(AS_OF)) == {
        Measure.SUPERVISION: (3, 2),
        Measure.UNANNOUNCED: (3, 2),
        Measure.REVIEWS: (3, 3),
        Measure.FIRST_REVIEW: (2, 1),
        Measure.TSD: (2, 1),
    }


def test_the_households_behind_a_figure_are_those_not_compliant(service):
    tallies = compliance_on(AS_OF)
    assert tallies[Measure.SUPERVISION].not_compliant == [service["Q"]]
    assert tallies[Measure.SUPERVISION].rate == 0.6667  # 2 of 3, as every rate: 4 places


def test_mainstream_and_kinship_apart(service):
    assert figures(compliance_on(AS_OF, CarerType.MAINSTREAM))[Measure.SUPERVISION] == (2, 1)
    assert figures(compliance_on(AS_OF, CarerType.KINSHIP)) == {
        Measure.SUPERVISION: (1, 1),
        Measure.UNANNOUNCED: (1, 1),
        Measure.REVIEWS: (1, 1),
        Measure.FIRST_REVIEW: (0, 0),
        Measure.TSD: (0, 0),
    }


def test_the_trend_judges_each_month_on_its_own_last_day(service):
    trend = dict(compliance_by_month(AS_OF, months=2))
    assert list(trend) == [D(2025, 5, 31), AS_OF]
    # 31 May: P's last visit was 1 Mar (due 12 Apr), Q's 1 Apr (due 13 May), and R had
    # none since approval on 1 Feb (due 15 Mar): none within the interval.
    assert figures(trend[D(2025, 5, 31)])[Measure.SUPERVISION] == (3, 0)


def test_caseloads_per_supervising_social_worker(service):
    assert [(c.worker, c.mainstream, c.kinship, c.total) for c in caseloads(AS_OF)] == [
        ("Sam Supervisor", 2, 0, 2),
        ("Not allocated", 0, 1, 1),
    ]


class TestPage:
    def test_the_page_shows_percentages_with_drill_down_and_downloads(
        self, manager_client, service
    ):
        page = manager_client.get(f"/dashboard/compliance?as_of={AS_OF}").get_data(as_text=True)
        assert "Compliance on 30/06/2025" in page
        assert "66.7%" in page
        assert "/dashboard/compliance/households/supervision?as_of=2025-06-30" in page
        assert "/dashboard/compliance/compliance_by_month.csv" in page

    def test_the_drill_down_lists_the_households_and_what_is_overdue(self, manager_client, service):
        page = manager_client.get(
            f"/dashboard/compliance/households/supervision?as_of={AS_OF}"
        ).get_data(as_text=True)
        assert ">Q</a>" in page and ">P</a>" not in page
        assert "Supervision visit (due 13 May 2025)" in page

    def test_a_download_says_what_the_page_says(self, manager_client, service):
        body = manager_client.get(f"/dashboard/compliance/compliance.csv?as_of={AS_OF}").get_data(
            as_text=True
        )
        assert "Supervision visit within the service's interval,3,2,1,66.7" in body

    def test_only_managers_see_it(self, ssw_client):
        assert ssw_client.get("/dashboard/compliance").status_code == 403

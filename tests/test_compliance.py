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
     Its carer: DBS 1 Mar 25, medical 15 Jan 25; a son born 1 Mar 2010 (under 18: no
     DBS needed) and a lodger with no birth date and no DBS (an adult: not compliant)
  P's carer: DBS and medical 1 Jan 24 (in date: renewed every 3 years by default);
  Q's carer: DBS 1 Jan 21 (out of date), no medical
  S  mainstream, approved 1 Jan 20, deregistered 1 May 25: not current, out of scope
  T  mainstream, approved 1 Jul 25: not yet current
"""

from __future__ import annotations

from datetime import date

import pytest

from crm.domain.compliance import Measure
from crm.metrics.compliance import caseloads, compliance_by_month, compliance_on
from crm.models import (
    CarerEventKind,
    CarerType,
    DeregistrationReason,
    InitiatedBy,
    Resident,
    Role,
)
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
    p.carers[0].dbs_issued_on = p.carers[0].medical_on = D(2024, 1, 1)
    q = HouseholdFactory(reference="Q", approval_date=D(2024, 3, 1), supervising_worker=sam)
    q.carers[0].dbs_issued_on = D(2021, 1, 1)
    q.log_record(E.SUPERVISION_VISIT, D(2025, 4, 1), None, as_of=AS_OF)
    q.log_record(E.ANNUAL_REVIEW, D(2025, 5, 1), None, as_of=AS_OF)
    r = HouseholdFactory(reference="R", approval_date=D(2025, 2, 1), carer_type=CarerType.KINSHIP)
    r.log_record(E.SUPERVISION_VISIT, D(2025, 6, 20), None, as_of=AS_OF)
    r.carers[0].dbs_issued_on, r.carers[0].medical_on = D(2025, 3, 1), D(2025, 1, 15)
    r.residents = [
        Resident(full_name="Son", birth_date=D(2010, 3, 1)),
        Resident(full_name="Lodger"),
    ]
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
        Measure.DBS: (3, 1),
        Measure.MEDICAL: (3, 2),
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
        Measure.DBS: (1, 0),  # the lodger
        Measure.MEDICAL: (1, 1),
    }


def test_a_certificate_dated_after_the_day_is_not_judged_then(service):
    # On 28 Feb 25 R's carer's only DBS held is dated 1 Mar 25: what stood then is not
    # known, so R is left out; P is in date, Q's is too old and S's carer has none.
    assert figures(compliance_on(D(2025, 2, 28)))[Measure.DBS] == (3, 1)


def test_an_adult_resident_without_a_dbs_is_what_the_drill_down_shows(manager_client, service):
    page = manager_client.get(f"/dashboard/compliance/households/dbs?as_of={AS_OF}").get_data(
        as_text=True
    )
    assert ">Q</a>" in page and ">R</a>" in page and ">P</a>" not in page


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
        assert "Compliance on 30 Jun 2025" in page
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


class TestRecordingCertificates:
    def test_a_supervising_worker_records_a_carers_dbs_and_medical(self, ssw_client, ssw, db):
        household = HouseholdFactory(supervising_worker=ssw)
        db.session.commit()
        carer = household.carers[0]
        url = f"/households/{household.id}/people/carer/{carer.id}"
        page = ssw_client.post(
            url, data={"dbs_issued_on": "2025-05-01", "medical_on": "2025-04-01"},
            follow_redirects=True,
        ).get_data(as_text=True)  # fmt: skip
        assert "Checks for Pat Example saved." in page
        assert "DBS 1 May 2025 · medical 1 Apr 2025" in page

    def test_a_future_date_is_refused_and_nothing_is_saved(self, ssw_client, ssw, db):
        household = HouseholdFactory(supervising_worker=ssw)
        db.session.commit()
        url = f"/households/{household.id}/people/carer/{household.carers[0].id}"
        response = ssw_client.post(url, data={"dbs_issued_on": "2999-01-01"})
        assert response.status_code == 200 and household.carers[0].dbs_issued_on is None

    def test_someone_elses_household_is_not_theirs_to_edit(self, ssw_client, make_user, db):
        other = make_user(Role.SUPERVISING_SOCIAL_WORKER)
        household = HouseholdFactory(supervising_worker=other)
        db.session.commit()
        url = f"/households/{household.id}/people/carer/{household.carers[0].id}"
        assert ssw_client.post(url, data={"dbs_issued_on": "2025-01-01"}).status_code == 403

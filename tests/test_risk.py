"""The retention model end to end on demo data: jobs store it, screens and CLI show it."""

from __future__ import annotations

import json
import warnings
from datetime import date

import pytest
import sqlalchemy as sa

from crm import create_app
from crm.demo import seed_demo
from crm.extensions import db as _db
from crm.models import Household, HouseholdStatus, RiskModel, RiskScore, User
from jobs.cli import risk_command
from jobs.runner import run_job
from tests.conftest import RequestScopedClient, login

TODAY = date(2026, 3, 31)


@pytest.fixture(scope="module")
def service():
    # The demo's managers have no authenticator app: it runs under the development
    # config, which does not ask for one (tests/test_two_step_sign_in.py covers it).
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "MFA_REQUIRED_ROLES": ()})
    app.test_client_class = RequestScopedClient
    with app.app_context():
        _db.create_all()
        seed_demo(seed=5, today=TODAY)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            trained = run_job("retrain_risk_model", TODAY)
            scored = run_job("rescore_carers", TODAY)
        yield app, trained, scored
        _db.session.remove()
        _db.drop_all()


def client_for(app, email):
    client = app.test_client()
    user = _db.session.scalar(sa.select(User).where(User.email == email))
    login(client, user)
    return client


def test_the_retrain_job_keeps_a_model_with_every_candidates_figures(service):
    _app, trained, _ = service
    assert trained.counts["status"] == "trained"
    model = _db.session.scalar(sa.select(RiskModel))
    assert set(model.summary["evaluations"]) == {"baseline_age", "logistic", "boosted"}
    assert (
        model.summary["roc_auc"] == model.summary["evaluations"][model.summary["name"]]["roc_auc"]
    )


def test_the_rescore_job_scores_every_active_household(service):
    _app, _, scored = service
    active = _db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Household)
        .where(
            Household.approval_date <= TODAY,
            sa.or_(Household.deregistration_date.is_(None), Household.deregistration_date > TODAY),
        )
    )
    scores = _db.session.scalars(sa.select(RiskScore)).all()
    assert scored.counts["scored"] == len(scores) == active
    assert {s.band for s in scores} <= {"high", "medium", "low"}
    assert all(0 <= s.risk <= 1 for s in scores)


def test_the_cli_prints_the_risk_json(service):
    app, _, _ = service
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = app.test_cli_runner().invoke(risk_command, ["--as-of", "2026-03-31", "--json"])
    report = json.loads(result.output)
    assert report["as_of"] == "2026-03-31"
    assert {"version", "trained_on", "roc_auc", "baseline_roc_auc"} <= set(report["model"])
    first = report["households"][0]
    assert set(first) == {"reference", "risk", "band", "reasons"}
    assert [h["risk"] for h in report["households"]] == sorted(
        (h["risk"] for h in report["households"]), reverse=True
    )


def test_managers_see_carers_at_risk_highest_first(service):
    app, _, _ = service
    page = client_for(app, "manager@demo.hearth").get("/households/at-risk").get_data(as_text=True)
    assert "Carers at risk of leaving" in page and "not a judgement" in page
    top = _db.session.scalar(sa.select(RiskScore).order_by(RiskScore.risk.desc()))
    assert top.household.reference in page


def test_the_band_filter_shows_only_that_band(service):
    app, _, _ = service
    page = client_for(app, "manager@demo.hearth").get("/households/at-risk?band=low").data
    assert b'flag-overdue">High</span>' not in page and b">Low</span>" in page


def test_a_worker_sees_their_own_caseload_by_default(service):
    app, _, _ = service
    worker = _db.session.scalar(sa.select(User).where(User.email == "ssw@demo.hearth"))
    page = client_for(app, "ssw@demo.hearth").get("/households/at-risk").get_data(as_text=True)
    others = _db.session.scalars(
        sa.select(Household.reference).where(
            Household.supervising_worker_id != worker.id,
            Household.status != HouseholdStatus.DEREGISTERED,
        )
    ).all()
    assert not any(ref in page for ref in others)


def _household_page_with(app, age_only: bool) -> tuple[RiskScore, str]:
    """The top household's page, with the latest model marked as age-only or not."""
    top = _db.session.scalar(sa.select(RiskScore).order_by(RiskScore.risk.desc()))
    model = top.model
    kept = model.summary
    model.summary = {**kept, "baseline_chosen": age_only}
    _db.session.commit()
    try:
        page = client_for(app, "manager@demo.hearth").get(f"/households/{top.household_id}")
        return top, page.get_data(as_text=True)
    finally:
        model.summary = kept
        _db.session.commit()


def test_the_household_page_shows_the_risk_and_its_reasons(service):
    top, page = _household_page_with(service[0], age_only=False)
    assert "Risk of leaving" in page
    assert all(r["text"] in page for r in top.reasons)


def test_an_age_only_score_says_so_instead_of_giving_age_as_the_reason(service):
    top, page = _household_page_with(service[0], age_only=True)
    assert "Scored by the carer's age alone" in page
    assert not any(r["text"] in page for r in top.reasons)


def test_the_list_says_plainly_when_scores_are_by_age_only(service):
    app, _, _ = service
    model = _db.session.scalar(sa.select(RiskModel).order_by(RiskModel.id.desc()))
    page = client_for(app, "manager@demo.hearth").get("/households/at-risk").get_data(as_text=True)
    assert ("Age only." in page) == model.is_age_only


def test_the_model_card_shows_the_figures_beside_the_baseline(service):
    app, _, _ = service
    page = (
        client_for(app, "manager@demo.hearth").get("/households/model-card").get_data(as_text=True)
    )
    model = _db.session.scalar(sa.select(RiskModel))
    assert "Baseline age (carer age only)" in page
    assert str(model.summary["evaluations"]["baseline_age"]["roc_auc"]) in page
    assert "say nothing about real carers" in page


def test_with_too_little_history_the_screens_say_so(manager_client, db):
    assert run_job("retrain_risk_model", TODAY).counts["status"] == "too_little_history"
    page = manager_client.get("/households/at-risk").get_data(as_text=True)
    assert "departures to learn from" in page


def test_the_list_can_be_sorted_by_name(service):
    import re

    app, _, _ = service
    page = (
        client_for(app, "manager@demo.hearth")
        .get("/households/at-risk?sort=name")
        .get_data(as_text=True)
    )
    names = re.findall(r'<td><a href="/households/\d+">([^<]+)</a>', page)
    assert len(names) > 10
    assert names == sorted(names, key=str.lower)


def test_the_demo_warning_appears_only_on_demo_data(manager_client, db):
    page = manager_client.get("/households/model-card").get_data(as_text=True)
    assert "say nothing about real carers" not in page


def test_the_model_card_lists_the_features_the_chosen_model_reads(service):
    from markupsafe import escape

    from jobs.retention.features import FEATURE_WORDS

    app, _, _ = service
    page = (
        client_for(app, "manager@demo.hearth").get("/households/model-card").get_data(as_text=True)
    )
    model = _db.session.scalar(sa.select(RiskModel))
    uses = model.summary["uses"]
    assert uses and all(escape(words) in page for words in uses)
    if model.summary["name"] == "baseline_age":
        assert uses == [FEATURE_WORDS["eldest_carer_age"]]
        assert "rank carers by age" in page
    else:
        assert uses == list(FEATURE_WORDS.values())
        assert "rank carers by age" not in page

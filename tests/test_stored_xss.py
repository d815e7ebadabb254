"""Stored XSS: a markup payload in every free-text column of every record (names,
notes, references, reasons, sources, campaigns, audit summaries...) is shown as text on
every page that shows it: lists, case and household pages, the dashboard's tables and
SVG charts, the audit log and notifications. Built on the demo service, so every page
has something to show, with every text column then overwritten in the database."""

from __future__ import annotations

import warnings
from datetime import date

import pytest
import sqlalchemy as sa

from crm import create_app
from crm.demo import seed_demo
from crm.extensions import db as _db
from crm.models import Case, Household, Notification, Role, User
from jobs.runner import run_job
from tests.conftest import RequestScopedClient, login
from tests.factories import UserFactory

PAYLOAD = "'\"><img src=x onerror=x()>"
TODAY = date(2026, 3, 31)
# Not free text: secrets and hashes, and typed settings read as numbers.
NOT_TEXT = {
    "password_hash",
    "session_token",
    "totp_secret",
    "code_hash",
    "chain_hash",
    "personal_digest",
    "sso_subject",
    "run_key",
}
SKIP_TABLES = {"settings", "alembic_version", "job_runs", "metrics_snapshots", "risk_models"}


def _text_columns():
    for table in _db.metadata.sorted_tables:
        if table.name in SKIP_TABLES:
            continue
        for column in table.columns:
            kind = column.type
            if isinstance(kind, sa.Enum) or not isinstance(kind, sa.String):
                continue
            if column.name in NOT_TEXT or column.primary_key or column.foreign_keys:
                continue
            if getattr(kind, "length", None) and kind.length < len(PAYLOAD) + 8:
                continue
            yield table, column


@pytest.fixture(scope="module")
def poisoned():
    """The demo service with every free-text column of every row holding PAYLOAD."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "MFA_REQUIRED_ROLES": ()})
    app.test_client_class = RequestScopedClient
    with app.app_context():
        _db.create_all()
        seed_demo(seed=3, today=TODAY, years=2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run_job("retrain_risk_model", TODAY)
            run_job("rescore_carers", TODAY)
            run_job("flag_work", TODAY)
        reader = UserFactory(roles=list(Role), email="reader@example.org")
        _db.session.execute(sa.update(Household).values(supervising_worker_id=reader.id))
        alone = {role: UserFactory(roles=[role]).id for role in Role}
        first_few = sa.select(Household.id).order_by(Household.id).limit(5).scalar_subquery()
        _db.session.execute(
            sa.update(Household)
            .where(Household.id.in_(first_few))
            .values(supervising_worker_id=alone[Role.SUPERVISING_SOCIAL_WORKER])
        )
        _db.session.add(Notification(user_id=reader.id, message="x", link="/cases/"))
        _db.session.commit()
        columns = list(_text_columns())
        for table, column in columns:  # the row's id after it, for unique columns
            tagged = sa.literal(PAYLOAD) + sa.cast(table.primary_key.columns[0], sa.String)
            _db.session.execute(
                table.update().where(column.is_not(None)).values({column.name: tagged})
            )
        _db.session.commit()
        app.config["HEARTH_ROLE_USERS"] = alone
        yield app, reader.id, columns
        _db.session.remove()
        _db.drop_all()


def _ids():
    first = lambda model: _db.session.scalar(sa.select(model.id).order_by(model.id))  # noqa: E731
    household = _db.session.get(Household, first(Household))
    return {
        "case_id": first(Case),
        "household_id": household.id,
        "person_id": household.carers[0].id,
        "kind": "carer",
        "user_id": first(User),
        "campaign_id": 1,
        "source_id": 1,
        "measure": "supervision",
    }


def _pages(app):
    ids = _ids()
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint.startswith(("static", "bootstrap")):
                continue
            if "." in rule.rule.rsplit("/", 1)[-1] or not set(rule.arguments) <= set(ids):
                continue  # downloads (CSV, XLSX, JSON) and pages needing other ids
            yield app.url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})
        for section in ("carers", "forecast", "trends", "sources"):
            yield app.url_for("dashboard.index", section=section)
        yield app.url_for("privacy.document", kind="case", record_id=ids["case_id"])
        yield app.url_for("privacy.document", kind="household", record_id=ids["household_id"])


def test_the_payload_reached_every_kind_of_text(poisoned):
    _app, _reader, columns = poisoned
    tables = {table.name for table, _ in columns}
    assert {"cases", "households", "activities", "audit_events", "enquiry_sources"} <= tables


def _visit_every_page(app, user_id: int) -> tuple[int, list[str], list[str]]:
    """Pages showing the payload escaped, pages showing it as markup, pages that broke."""
    with app.app_context():
        client = app.test_client()
        login(client, _db.session.get(User, user_id))
        shown, unsafe, broken = 0, [], []
        for page in _pages(app):
            response = client.get(page, follow_redirects=True)
            html = response.get_data(as_text=True)
            if response.status_code >= 500:
                broken.append(page)
            if PAYLOAD in html or "<img src=x" in html:
                unsafe.append(page)
            shown += "&lt;img src=x onerror=x()&gt;" in html
    return shown, unsafe, broken


def test_no_page_shows_the_payload_as_markup(poisoned):
    app, reader_id, _ = poisoned
    shown, unsafe, broken = _visit_every_page(app, reader_id)
    assert broken == []
    assert unsafe == []
    assert shown >= 20  # the payload really was on the pages, escaped


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_no_page_shows_the_payload_as_markup_to_any_one_role(poisoned, role):
    """Each role sees its own home, queues and refusals: escaped there too."""
    app, _, _ = poisoned
    shown, unsafe, broken = _visit_every_page(app, app.config["HEARTH_ROLE_USERS"][role])
    assert broken == []
    assert unsafe == []
    assert shown >= 3

"""flask create-user makes the first administrator."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm.auth.passwords import verify_password
from crm.models import Role, User


def test_create_user_makes_an_administrator(runner, db):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "First.Admin@Council.gov.uk",
            "--name",
            "First Admin",
            "--role",
            "administrator",
            "--password",
            "a long enough passphrase",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert user.email == "first.admin@council.gov.uk"
    assert user.roles == {Role.ADMINISTRATOR}
    assert verify_password(user.password_hash, "a long enough passphrase")


def test_create_user_accepts_several_roles(runner, db):
    runner.invoke(
        args=[
            "create-user",
            "--email",
            "a@council.gov.uk",
            "--name",
            "A",
            "--role",
            "manager",
            "--role",
            "administrator",
            "--password",
            "a long enough passphrase",
        ]
    )
    assert db.session.scalar(sa.select(User)).roles == {Role.MANAGER, Role.ADMINISTRATOR}


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "at least 12 characters"), ("qwertyuiop123", "too easy to guess")],
)
def test_create_user_refuses_a_weak_password(runner, db, password, message):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "a@council.gov.uk",
            "--name",
            "A",
            "--role",
            "manager",
            "--password",
            password,
        ]
    )
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_user_refuses_an_existing_email(runner, officer):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            officer.email,
            "--name",
            "B",
            "--role",
            "manager",
            "--password",
            "a long enough passphrase",
        ]
    )
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_create_user_refuses_an_unknown_role(runner, db):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "a@council.gov.uk",
            "--name",
            "A",
            "--role",
            "wizard",
            "--password",
            "a long enough passphrase",
        ]
    )
    assert result.exit_code == 2
    assert "wizard" in result.output

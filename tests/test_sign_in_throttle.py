"""Guessing is slowed per email and network address, never by locking the account:
anyone who knows an officer's email must not be able to keep them out of work
(issue 18, OWASP ASVS 2.2.1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from crm.auth.passwords import verify_password
from crm.auth.throttle import wait_after
from crm.models import Notification, Role, SignInThrottle, User
from crm.timeutil import utcnow
from tests.factories import PASSWORD

ATTACKER, OFFICE = "203.0.113.9", "10.1.1.20"


def sign_in(client, email, password, address):
    return client.post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def guess(client, email, times, address=ATTACKER):
    return [sign_in(client, email, f"guess {n}", address) for n in range(times)]


def test_the_waits_double_from_one_minute_to_an_hour():
    assert [wait_after(n, 5, 1, 60).total_seconds() / 60 for n in range(4, 13)] == [
        0, 1, 2, 4, 8, 16, 32, 60, 60,
    ]  # fmt: skip


def test_guessing_elsewhere_never_keeps_the_owner_out(client, officer):
    guess(client, officer.email, 12)
    assert sign_in(client, officer.email, PASSWORD, OFFICE).status_code == 302


def test_after_five_failures_that_address_waits_even_with_the_right_password(client, officer):
    guess(client, officer.email, 5)
    page = sign_in(client, officer.email, PASSWORD, ATTACKER).get_data(as_text=True)
    assert "Too many failed sign-ins for this email address from this network." in page
    assert "Try again after" in page and "(in about 1 minute)" in page


def test_an_unknown_email_is_slowed_the_same_way(client, db):
    guess(client, "nobody@council.gov.uk", 5)
    page = sign_in(client, "nobody@council.gov.uk", "x", ATTACKER).get_data(as_text=True)
    assert "Too many failed sign-ins for this email address from this network." in page


def test_once_the_wait_is_over_one_more_failure_doubles_it(client, officer, db):
    guess(client, officer.email, 5)
    pair = db.session.scalar(sa.select(SignInThrottle))
    pair.wait_until = pair.last_failed_at = pair.last_failed_at - timedelta(minutes=2)
    db.session.commit()
    sign_in(client, officer.email, "guess again", ATTACKER)
    db.session.refresh(pair)
    assert pair.failures == 6
    assert pair.wait_until - pair.last_failed_at == timedelta(minutes=2)


def test_the_owner_is_told_when_their_sign_ins_start_being_slowed(client, officer, db):
    guess(client, officer.email, 5)
    messages = db.session.scalars(
        sa.select(Notification.message).where(Notification.user_id == officer.id)
    ).all()
    assert len(messages) == 1 and f"from network address {ATTACKER}" in messages[0]


def test_signing_in_clears_that_addresses_failures(client, officer, db):
    guess(client, officer.email, 3, OFFICE)
    assert sign_in(client, officer.email, PASSWORD, OFFICE).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInThrottle)) == 0


def test_an_administrator_lets_them_sign_in_again_now(client, as_role, officer, db):
    guess(client, officer.email, 6)
    admin = as_role(Role.ADMINISTRATOR)
    page = admin.get(f"/admin/users/{officer.id}").get_data(as_text=True)
    assert "5 failed sign-ins from 203.0.113.9" in page  # the 6th was refused untried
    admin.post(f"/admin/users/{officer.id}/sign-in-waits")
    admin.post("/auth/logout")
    assert sign_in(client, officer.email, PASSWORD, ATTACKER).status_code == 302


def test_twenty_one_wrong_passwords_from_many_addresses_do_not_lock_the_account():
    """The old per-account limit (20 an hour from anywhere, then 429) was itself a lockout."""
    from crm import create_app
    from crm.extensions import db as _db

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": True})
    with app.app_context():
        _db.create_all()
        client = app.test_client()
        statuses = [
            sign_in(client, "Target@Council.gov.uk", f"guess {i}", f"10.0.{i}.1").status_code
            for i in range(21)
        ]
        _db.session.remove()
        _db.drop_all()
    assert statuses == [200] * 21


@pytest.mark.parametrize("address", [ATTACKER])
def test_one_address_is_still_rate_limited_across_accounts(address):
    from crm import create_app
    from crm.extensions import db as _db

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": True})
    with app.app_context():
        _db.create_all()
        client = app.test_client()
        statuses = [
            sign_in(client, f"person{i}@council.gov.uk", "x", address).status_code
            for i in range(11)
        ]
        page = sign_in(client, "person99@council.gov.uk", "x", address).get_data(as_text=True)
        _db.session.remove()
        _db.drop_all()
    assert statuses == [200] * 10 + [429]
    assert "the limit is 10 a minute" in page


# Changing one's own password checks the current one: the same slow hash (issue 29)

NEW_PASSWORD = "plum kettle orbit sandal"


def change_password(client, current, address=ATTACKER):
    return client.post(
        "/auth/password",
        data={"current_password": current, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        environ_base={"REMOTE_ADDR": address},
    )


def password_is(db, user, password) -> bool:
    db.session.expire_all()
    with db.session.no_autoflush:
        return verify_password(db.session.get(User, user.id).password_hash, password)


def test_guessing_the_current_password_waits_like_signing_in(officer_client, officer, db):
    for n in range(5):
        change_password(officer_client, f"guess {n}")
    page = change_password(officer_client, PASSWORD).get_data(as_text=True)
    assert "Too many failed sign-ins for this email address from this network." in page
    assert password_is(db, officer, PASSWORD)


def test_guessing_the_current_password_elsewhere_does_not_stop_the_change(
    officer_client, officer, db
):
    for n in range(6):
        change_password(officer_client, f"guess {n}")
    assert change_password(officer_client, PASSWORD, OFFICE).status_code == 302
    assert password_is(db, officer, NEW_PASSWORD)


@pytest.fixture
def argon2_verifications(monkeypatch):
    done = []
    original = PasswordHasher.verify

    def counted(self, *args, **kwargs):
        done.append("verify")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return done


def test_a_second_password_check_while_one_runs_is_refused_without_hashing(
    officer_client, officer, db, argon2_verifications
):
    """One check at a time for each person: six threads posting at once held six
    workers in Argon2 (64 MiB each). Another request is checking now:"""
    officer.password_check_started_at = utcnow()
    db.session.commit()
    page = change_password(officer_client, PASSWORD, OFFICE).get_data(as_text=True)
    assert "Your password is being checked already" in page
    assert argon2_verifications == []
    assert password_is(db, officer, PASSWORD)


def test_a_check_left_by_a_worker_that_stopped_holds_its_place_thirty_seconds(
    officer_client, officer, db
):
    officer.password_check_started_at = utcnow() - timedelta(seconds=31)
    db.session.commit()
    assert change_password(officer_client, PASSWORD, OFFICE).status_code == 302
    assert password_is(db, officer, NEW_PASSWORD)


def test_the_check_ends_with_the_request(officer_client, officer, db):
    change_password(officer_client, "a wrong guess", OFFICE)
    db.session.expire_all()
    assert db.session.get(User, officer.id).password_check_started_at is None

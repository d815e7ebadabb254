"""Two-step sign-in: a code from an authenticator app after the password, recovery
codes for a lost phone, and administrators and managers required to have it."""

from __future__ import annotations

import re

import pyotp
import pytest
import sqlalchemy as sa

from crm.auth import one_time_codes
from crm.models import AuditAction, AuditEvent, Role, User
from tests.conftest import login
from tests.factories import PASSWORD, TOTP_SECRET

NEW_CODE_STEP_SECONDS = 30


def password_step(client, user, next_=None):
    url = "/auth/login" + (f"?next={next_}" if next_ else "")
    return client.post(url, data={"email": user.email, "password": PASSWORD})


def code_step(client, code):
    return client.post("/auth/code", data={"code": code})


def now_code(secret=TOTP_SECRET):
    return pyotp.TOTP(secret).now()


def signed_in(client):
    return client.get("/notifications").status_code == 200


@pytest.fixture
def enrolled_officer(make_user):
    return make_user(Role.RECRUITMENT_OFFICER, second_factor=True)


def test_a_right_password_alone_does_not_sign_in_someone_with_two_step(client, enrolled_officer):
    response = password_step(client, enrolled_officer)
    assert response.headers["Location"] == "/auth/code"
    assert not signed_in(client)


def test_the_authenticator_code_finishes_signing_in(client, enrolled_officer):
    password_step(client, enrolled_officer, next_="/cases/")
    response = code_step(client, now_code())
    assert response.headers["Location"] == "/cases/"
    assert signed_in(client)


def test_a_wrong_code_is_refused_by_the_field(client, enrolled_officer):
    password_step(client, enrolled_officer)
    response = code_step(client, "000000" if now_code() != "000000" else "111111")
    assert b"That code is not right" in response.data
    assert not signed_in(client)


def test_a_code_cannot_be_used_twice(app, enrolled_officer):
    first, second = app.test_client(), app.test_client()
    code = now_code()
    password_step(first, enrolled_officer)
    code_step(first, code)
    password_step(second, enrolled_officer)
    response = code_step(second, code)
    assert b"used already" in response.data
    assert not signed_in(second)


def test_the_code_page_without_a_password_first_sends_you_to_sign_in(client, enrolled_officer):
    response = code_step(client, now_code())
    assert response.headers["Location"] == "/auth/login"


def test_wrong_codes_count_towards_the_sign_in_wait(client, enrolled_officer, app):
    password_step(client, enrolled_officer)
    for _ in range(app.config["SIGN_IN_FREE_ATTEMPTS"]):
        code_step(client, "12345x")
    response = code_step(client, now_code())
    assert b"try again" in response.data.lower()
    assert not signed_in(client)


def test_a_recovery_code_signs_in_once(app, db, enrolled_officer):
    codes = one_time_codes.new_recovery_codes(enrolled_officer)
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    password_step(first, enrolled_officer)
    response = code_step(first, codes[0].upper())
    assert response.status_code == 302
    assert signed_in(first)
    password_step(second, enrolled_officer)
    assert b"That code is not right" in code_step(second, codes[0]).data


def test_signing_in_with_two_step_is_audited_as_such(client, db, enrolled_officer):
    password_step(client, enrolled_officer)
    code_step(client, now_code())
    summaries = db.session.scalars(
        sa.select(AuditEvent.summary).where(AuditEvent.action == AuditAction.LOGGED_IN)
    ).all()
    assert summaries == [f"{enrolled_officer.email} (password and authenticator)"]


def test_a_manager_without_two_step_is_sent_to_set_it_up(client, make_user):
    manager = make_user(Role.MANAGER, second_factor=False)
    login(client, manager)
    response = client.get("/dashboard/")
    assert response.headers["Location"] == "/auth/two-step"


def test_an_officer_without_two_step_is_not_made_to_set_it_up(client, make_user):
    login(client, make_user(Role.RECRUITMENT_OFFICER))
    assert client.get("/cases/").status_code == 200


def setup_key(page: bytes) -> str:
    return re.search(rb'id="setup-key">([A-Z2-7]+)<', page).group(1).decode()


def test_setting_up_shows_a_qr_code_and_key_and_turns_on_with_a_right_code(client, make_user, db):
    manager = make_user(Role.MANAGER, second_factor=False)
    login(client, manager)
    page = client.get("/auth/two-step").data
    assert b"<svg" in page
    secret = setup_key(page)
    response = client.post("/auth/two-step", data={"code": now_code(secret)})
    codes = re.findall(rb"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", response.data)
    assert len(codes) == one_time_codes.RECOVERY_CODES
    assert response.headers["Cache-Control"] == "no-store"
    db.session.expire_all()
    assert db.session.get(User, manager.id).has_second_factor
    assert client.get("/dashboard/").status_code == 200


def test_setting_up_with_a_wrong_code_keeps_it_off(client, make_user, db):
    manager = make_user(Role.MANAGER, second_factor=False)
    login(client, manager)
    secret = setup_key(client.get("/auth/two-step").data)
    wrong = "000000" if now_code(secret) != "000000" else "111111"
    response = client.post("/auth/two-step", data={"code": wrong})
    assert b"That is not the code the app shows" in response.data
    assert setup_key(response.data) == secret  # the same key, to try again
    db.session.expire_all()
    assert not db.session.get(User, manager.id).has_second_factor


def test_recovery_codes_are_kept_only_as_hashes(db, enrolled_officer):
    codes = one_time_codes.new_recovery_codes(enrolled_officer)
    db.session.commit()
    stored = [saved.code_hash for saved in enrolled_officer.recovery_codes]
    assert not set(codes) & set(stored)
    assert all(code not in str(stored) for code in codes)


def test_an_administrator_can_reset_a_lost_second_factor(admin_client, db, enrolled_officer):
    response = admin_client.post(f"/admin/users/{enrolled_officer.id}/two-step/reset")
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, enrolled_officer.id)
    assert not user.has_second_factor and user.totp_secret is None


def test_only_an_administrator_can_reset_it(as_role, enrolled_officer):
    client = as_role(Role.MANAGER)
    response = client.post(f"/admin/users/{enrolled_officer.id}/two-step/reset")
    assert response.status_code == 403


def test_the_secret_never_reaches_the_audit_trail(db, enrolled_officer):
    changes = db.session.scalars(
        sa.select(AuditEvent.changes).where(AuditEvent.entity_type == "User")
    ).all()
    assert TOTP_SECRET not in str(changes)

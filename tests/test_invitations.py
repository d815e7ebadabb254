"""New staff set their own password through a one-time link (issue 32, item 8): the
administrator who adds them never types or sees it. The link works once, expires, and
only its hash is kept; a role that needs a second factor sets it up next."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from crm.models import AuditEvent, Invitation, User
from crm.timeutil import utcnow

NEW = {"full_name": "Nia Newstarter", "email": "nia@fostering.example.gov.uk", "active": "y"}
OWN_PASSWORD = "kettle orchard lantern meadow"


def add(admin_client, *roles: str) -> str:
    """Add a user as an administrator does; the invitation address shown."""
    page = admin_client.post("/admin/users/new", data={**NEW, "roles": list(roles)})
    return re.search(r'id="invitation-link">([^<]+)<', page.get_data(as_text=True)).group(1)


def path(address: str) -> str:
    return address.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def sign_in(client, password: str):
    return client.post("/auth/login", data={"email": NEW["email"], "password": password})


def test_the_new_user_form_asks_for_no_password(admin_client):
    page = admin_client.get("/admin/users/new").get_data(as_text=True)
    assert 'type="password"' not in page


def test_adding_a_user_shows_a_one_time_link_never_stored(admin_client, db):
    address = add(admin_client, "recruitment_officer")
    token = address.rsplit("/", 1)[1]
    assert len(token) >= 40
    assert db.session.scalar(sa.select(Invitation.token_hash)) != token
    trail = " ".join(
        str(e.changes) + (e.summary or "") for e in db.session.scalars(sa.select(AuditEvent))
    )
    assert token not in trail


def test_nobody_can_sign_in_before_the_link_is_used(admin_client, client, db):
    add(admin_client, "recruitment_officer")
    client.post("/auth/logout")
    page = sign_in(client, "correct horse battery staple").get_data(as_text=True)
    assert "do not match an active account" in page


def test_the_link_sets_their_own_password_and_signs_them_in(admin_client, client, db):
    address = add(admin_client, "recruitment_officer")
    client.post("/auth/logout")
    response = client.post(
        path(address), data={"new_password": OWN_PASSWORD, "confirm": OWN_PASSWORD}
    )
    assert response.status_code == 302
    assert "/auth/login" not in client.get("/").headers["Location"]  # signed in
    client.post("/auth/logout")
    assert sign_in(client, OWN_PASSWORD).status_code == 302


def test_the_link_works_once(admin_client, client, db):
    address = add(admin_client, "recruitment_officer")
    client.post(path(address), data={"new_password": OWN_PASSWORD, "confirm": OWN_PASSWORD})
    client.post("/auth/logout")
    again = client.get(path(address))
    assert again.status_code == 410 and b"expired or was used already" in again.data


def test_the_link_expires_after_three_days(admin_client, client, db):
    address = add(admin_client, "recruitment_officer")
    invitation = db.session.scalar(sa.select(Invitation))
    assert invitation.expires_at - invitation.created_at == timedelta(days=3)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(path(address)).status_code == 410


def test_a_new_link_replaces_the_old_one(admin_client, db):
    first = add(admin_client, "recruitment_officer")
    user = db.session.scalar(sa.select(User).where(User.email == NEW["email"]))
    page = admin_client.post(f"/admin/users/{user.id}/invitation").get_data(as_text=True)
    second = re.search(r'id="invitation-link">([^<]+)<', page).group(1)
    assert second != first
    assert admin_client.get(path(first)).status_code == 410


def test_a_guessable_password_is_refused(admin_client, client, db):
    address = add(admin_client, "recruitment_officer")
    client.post("/auth/logout")
    page = client.post(path(address), data={"new_password": "nia", "confirm": "nia"})
    assert page.status_code == 200 and b"Use at least 12 characters." in page.data
    assert db.session.scalar(sa.select(Invitation.used_at)) is None


def test_a_manager_sets_up_two_step_sign_in_straight_after(admin_client, client, db):
    """Managers need a second factor (MFA_REQUIRED_ROLES, as in production)."""
    address = add(admin_client, "manager")
    client.post("/auth/logout")
    client.post(path(address), data={"new_password": OWN_PASSWORD, "confirm": OWN_PASSWORD})
    assert client.get("/").headers["Location"].endswith("/auth/two-step")

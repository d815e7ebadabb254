"""The applicant's own door (issue 35, items 1 and 2): sign-in by a one-time link sent to
the case's email through the real SMTP server of tests/mail_server.py, a session apart
from staff accounts, and the task list they fill in."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm.domain.stages import EventKind, Stage
from crm.models import DoorLink, DoorSection
from crm.timeutil import utcnow
from tests.conftest import login
from tests.factories import CaseFactory

DOOR = "/your-application"


def wait_for_mail(mailbox, count: int = 1, seconds: float = 10):
    """The link is sent after the page answers (so the answer takes as long for an
    unknown address): wait for it to arrive."""
    deadline = time.monotonic() + seconds
    while len(mailbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return mailbox.messages


def status_of(page: str, title: str) -> str:
    """A section's status on the task list (GOV.UK's task list component)."""
    found = re.search(
        rf">\s*{title}\s*</a>.*?govuk-task-list__status[^>]*>\s*(?:<strong[^>]*>)?\s*([^<]+?)\s*<",
        page, re.S,
    )  # fmt: skip
    return found.group(1) if found else ""


def same_page(page: str, email: str) -> str:
    """A page as it reads, without the address typed or the script nonce of each answer."""
    return re.sub(r'nonce="[^"]+"', "", page.replace(email, "X") if email else page)


def ask(client, email: str):
    return client.post(f"{DOOR}/", data={"email": email})


def link_and_code(message) -> tuple[str, str]:
    body = message.get_content()
    link = re.search(r"https?://\S+", body).group(0)
    code = re.search(r"code on the sign-in page: (\S+)", body).group(1)
    return "/" + link.split("://", 1)[1].split("/", 1)[1], code


def signed_in(client, mailbox, case):
    ask(client, case.email)
    path, _ = link_and_code(wait_for_mail(mailbox)[-1])
    mailbox.clear()
    client.post(path)
    return path


@pytest.fixture
def applicant(db):
    return CaseFactory(email="sam.applicant@example.com")


def test_a_link_is_emailed_to_the_address_held_and_signs_in_once(client, mailbox, applicant):
    ask(client, "Sam.Applicant@example.com ")
    messages = wait_for_mail(mailbox)
    assert [m["To"] for m in messages] == ["sam.applicant@example.com"]
    path, _ = link_and_code(messages[0])
    assert client.get(path).status_code == 200  # a mail scanner opening it spends nothing
    assert client.post(path).headers["Location"].endswith(f"{DOOR}/home")
    page = client.get(f"{DOOR}/home").get_data(as_text=True)
    assert applicant.reference in page


def test_a_link_used_twice_is_refused(client, mailbox, applicant):
    path = signed_in(client, mailbox, applicant)
    client.post(f"{DOOR}/sign-out")
    assert client.post(path).status_code == 410
    assert client.get(f"{DOOR}/home").status_code == 302


def test_an_expired_link_is_refused(client, mailbox, applicant, db):
    ask(client, applicant.email)
    path, _ = link_and_code(wait_for_mail(mailbox)[0])
    db.session.execute(sa.update(DoorLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.post(path).status_code == 410


def test_only_digests_are_kept(client, mailbox, applicant, db):
    ask(client, applicant.email)
    path, code = link_and_code(wait_for_mail(mailbox)[0])
    token = path.rsplit("/", 1)[1]
    row = db.session.scalar(sa.select(DoorLink))
    assert token not in (row.token_hash, row.code_hash)
    assert code.replace("-", "") not in (row.token_hash, row.code_hash)


def test_the_code_signs_in_with_the_email_but_not_for_another_address(
    client, mailbox, applicant, db
):
    other = CaseFactory(email="someone.else@example.com")
    ask(client, applicant.email)
    _, code = link_and_code(wait_for_mail(mailbox)[0])
    wrong = client.post(f"{DOOR}/code", data={"email": other.email, "code": code})
    assert wrong.status_code == 400
    right = client.post(f"{DOOR}/code", data={"email": applicant.email, "code": code.lower()})
    assert right.headers["Location"].endswith(f"{DOOR}/home")
    assert applicant.reference in client.get(f"{DOOR}/home").get_data(as_text=True)


def test_a_link_for_another_person_opens_only_their_case(client, mailbox, applicant):
    other = CaseFactory(email="someone.else@example.com")
    signed_in(client, mailbox, other)
    page = client.get(f"{DOOR}/home").get_data(as_text=True)
    assert other.reference in page and applicant.reference not in page


def test_a_newer_link_replaces_an_older_one(client, mailbox, applicant):
    ask(client, applicant.email)
    first, _ = link_and_code(wait_for_mail(mailbox)[0])
    ask(client, applicant.email)
    wait_for_mail(mailbox, 2)
    assert client.post(first).status_code == 410


def test_the_sign_in_page_says_the_same_for_a_known_and_an_unknown_address(
    client, mailbox, applicant
):
    known = ask(client, applicant.email).get_data(as_text=True)
    unknown = ask(client, "nobody.here@example.com").get_data(as_text=True)
    assert same_page(known, applicant.email) == same_page(unknown, "nobody.here@example.com")
    time.sleep(0.5)
    assert [m["To"] for m in wait_for_mail(mailbox)] == [applicant.email]  # nothing to the unknown


def test_links_for_one_address_stop_after_three_an_hour_without_saying_so(
    client, mailbox, applicant
):
    pages = {same_page(ask(client, applicant.email).get_data(as_text=True), "") for _ in range(5)}
    assert len(pages) == 1
    time.sleep(0.5)
    assert len(wait_for_mail(mailbox, 3)) == 3


def test_the_session_ends_after_idling(client, mailbox, applicant, app, monkeypatch):
    signed_in(client, mailbox, applicant)
    with client.session_transaction() as session:
        session["door_seen_at"] -= app.config["DOOR_IDLE_MINUTES"] * 60 + 1
    assert client.get(f"{DOOR}/home").status_code == 302


def test_a_staff_route_with_a_door_session_is_refused(client, mailbox, applicant):
    signed_in(client, mailbox, applicant)
    for url in (f"/cases/{applicant.id}", "/cases/", f"/cases/{applicant.id}/application"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_door_route_with_a_staff_session_is_refused(client, officer, applicant):
    login(client, officer)
    for url in (f"{DOOR}/home", f"{DOOR}/application/about_you/name", f"{DOOR}/messages"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"{DOOR}/")


def test_guessed_case_ids_show_only_their_own_case(client, mailbox, applicant, db):
    other = CaseFactory(email="someone.else@example.com")
    signed_in(client, mailbox, applicant)
    for url in (
        f"{DOOR}/home?case_id={other.id}",
        f"{DOOR}/messages?case_id={other.id}",
        f"{DOOR}/application/about_you/name?case_id={other.id}",
    ):
        page = client.get(url).get_data(as_text=True)
        assert other.reference not in page and other.last_name not in page
    client.post(
        f"{DOOR}/application/about_you/name",
        data={"first_name": "Sam", "last_name": "Guess", "case_id": other.id},
    )
    client.post(f"{DOOR}/messages", data={"body": "hello", "case_id": other.id})
    rows = db.session.scalars(sa.select(DoorSection)).all()
    assert [r.case_id for r in rows] == [applicant.id]
    assert client.get(f"/cases/{other.id}").status_code == 302


def test_a_section_is_saved_page_by_page_and_completed_on_check_your_answers(
    client, mailbox, applicant
):
    signed_in(client, mailbox, applicant)
    url = f"{DOOR}/application/previous_fostering/before"
    refused = client.post(url, data={"fostered_before_details": "Kept"})
    assert refused.status_code == 400
    assert "Select yes or no" in refused.get_data(as_text=True)
    assert "Kept" in refused.get_data(as_text=True)  # what was typed stays
    client.post(url, data={"fostered_before": "no"})
    home = client.get(f"{DOOR}/home").get_data(as_text=True)
    assert status_of(home, "Previous fostering") == "In progress"
    client.post(f"{DOOR}/application/previous_fostering/check")
    home = client.get(f"{DOOR}/home").get_data(as_text=True)
    assert status_of(home, "Previous fostering") == "Completed"
    assert status_of(home, "About you") == "Not started"


def test_a_section_with_an_answer_missing_cannot_be_completed(client, mailbox, applicant):
    signed_in(client, mailbox, applicant)
    client.post(f"{DOOR}/application/about_you/name", data={"first_name": "Sam", "last_name": "A"})
    assert client.post(f"{DOOR}/application/about_you/check").status_code == 400


def test_the_officer_sees_sections_and_messages_and_replies(
    client, mailbox, applicant, officer, app
):
    signed_in(client, mailbox, applicant)
    client.post(f"{DOOR}/application/previous_fostering/before", data={"fostered_before": "no"})
    client.post(f"{DOOR}/application/previous_fostering/check")
    client.post(f"{DOOR}/messages", data={"body": "When is my visit?"})
    staff = app.test_client()
    login(staff, officer)
    page = staff.get(f"/cases/{applicant.id}").get_data(as_text=True)
    assert "Previous fostering: <strong>Completed</strong>" in page
    assert "About you: <strong>Not started</strong>" in page
    assert "When is my visit?" in page
    staff.post(f"/cases/{applicant.id}/applicant-messages", data={"body": "On Tuesday."})
    assert "On Tuesday." in client.get(f"{DOOR}/messages").get_data(as_text=True)


def test_withdrawing_records_the_step_with_the_aw_code(client, mailbox, applicant, db):
    signed_in(client, mailbox, applicant)
    refused = client.post(f"{DOOR}/withdraw", data={"reason": "AW4"})
    assert refused.status_code == 400
    client.post(f"{DOOR}/withdraw", data={"reason": "AW4", "confirm": "yes"})
    db.session.refresh(applicant)
    assert applicant.stage is Stage.WITHDRAWN_BY_APPLICANT
    assert applicant.outcome_reason == "AW4"
    assert applicant.events[-1].kind is EventKind.WITHDRAWN_BY_APPLICANT


def test_a_link_goes_to_the_configured_address_not_the_host_asked(client, mailbox, applicant):
    client.post(f"{DOOR}/", data={"email": applicant.email}, headers={"Host": "evil.example"})
    body = wait_for_mail(mailbox)[0].get_content()
    assert "evil.example" not in body


def test_merging_a_duplicate_keeps_what_the_applicant_did_on_its_page(officer_client, db):
    """A merge deletes the duplicate: its messages and sections move to the earlier case
    (its own answers win), and its links end, instead of the merge failing on them."""
    from crm.cases.services import merge_duplicate
    from crm.models import DoorMessage

    original = CaseFactory(email="amara@example.com")
    duplicate = CaseFactory(email="amara@example.com", possible_duplicate_of=original)
    db.session.add_all([
        DoorSection(case_id=original.id, section="about_you", answers={"first_name": "A"}),
        DoorSection(case_id=duplicate.id, section="about_you", answers={"first_name": "B"}),
        DoorSection(case_id=duplicate.id, section="home", answers={"smoking": "no"}),
        DoorMessage(case_id=duplicate.id, from_applicant=True, body="Hello"),
        DoorLink(case_id=duplicate.id, token_hash="t", code_hash="c", expires_at=utcnow()),
    ])  # fmt: skip
    db.session.commit()
    merge_duplicate(duplicate, None, duplicate.enquiry_date)
    db.session.commit()
    rows = {(r.case_id, r.section, r.answers.get("first_name")) for r in
            db.session.scalars(sa.select(DoorSection))}  # fmt: skip
    assert rows == {(original.id, "about_you", "A"), (original.id, "home", None)}
    assert db.session.scalar(sa.select(DoorMessage.case_id)) == original.id
    assert db.session.scalar(sa.select(DoorLink.id)) is None


def test_anonymising_a_case_clears_what_the_applicant_typed_on_their_page(db):
    """Retention anonymises every row of the case (crm/privacy): their answers and
    messages are cleared, and a case with several links and sections is anonymised
    without two rows clashing on the same placeholder."""
    from crm.models import DoorMessage
    from crm.privacy.services import anonymise_case

    case = CaseFactory()
    db.session.add_all([
        DoorSection(case_id=case.id, section="about_you", answers={"first_name": "Sam"}),
        DoorSection(case_id=case.id, section="health", answers={"conditions": "Asthma"}),
        DoorMessage(case_id=case.id, from_applicant=True, body="My GP is Dr Rees"),
        DoorLink(case_id=case.id, token_hash="a", code_hash="b", expires_at=utcnow()),
        DoorLink(case_id=case.id, token_hash="c", code_hash="d", expires_at=utcnow()),
    ])  # fmt: skip
    db.session.commit()
    anonymise_case(case)
    db.session.commit()
    assert [s.answers for s in db.session.scalars(sa.select(DoorSection))] == [None, None]
    assert db.session.scalar(sa.select(DoorMessage.body)) == "Anonymised"


def test_the_officer_sees_when_the_applicant_last_signed_in(client, mailbox, applicant, app):
    from crm.models import Role
    from tests.factories import UserFactory

    staff = app.test_client()
    login(staff, UserFactory(roles=[Role.RECRUITMENT_OFFICER]))
    assert "Not signed in yet" in staff.get(f"/cases/{applicant.id}").get_data(as_text=True)
    signed_in(client, mailbox, applicant)
    assert "Last signed in" in staff.get(f"/cases/{applicant.id}").get_data(as_text=True)


def test_without_a_mail_server_the_link_is_logged_for_the_developer(client, applicant, caplog):
    caplog.set_level("WARNING", logger="crm.door")
    ask(client, applicant.email)
    for _ in range(100):
        if "sign-in link" in caplog.text:
            break
        time.sleep(0.05)
    assert f"{DOOR}/sign-in/" in caplog.text and applicant.email in caplog.text

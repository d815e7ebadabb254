"""The audit trail is tamper-evident: any entry changed, removed or cut off is found."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm import audit, audit_chain
from crm.models import AuditAction, AuditEvent, JobRun, Notification, RunStatus
from crm.timeutil import today, utcnow
from jobs.cli import audit_group
from jobs.runner import run_job
from tests.factories import CaseFactory

TABLE = AuditEvent.__table__
FACT_AND_PERSONAL_COLUMNS = (
    "id", "at", "user_id", "actor", "action", "entity_type", "entity_id", "ip_address",
    "summary", "changes",
)  # fmt: skip


@pytest.fixture(autouse=True)
def start(db):
    """The entries an empty service already has (its default lists), sealed."""
    return audit_chain.seal()


def write_entries(db, count=5):
    with audit.acting_as("test"):
        for n in range(count):
            audit.record(AuditAction.VIEWED, "Case", n, summary=f"Case {n}")
        db.session.commit()


def tamper(db, entry_id, **values):
    """What someone with database access but not the app's key might do."""
    db.session.execute(TABLE.update().where(TABLE.c.id == entry_id).values(**values))
    db.session.commit()


def written(db):
    """The ids of the entries write_entries made, in chain order."""
    return db.session.scalars(
        sa.select(AuditEvent.id)
        .where(AuditEvent.actor == "test", AuditEvent.chain_position.is_not(None))
        .order_by(AuditEvent.chain_position)
    ).all()


def position_of(db, entry_id):
    return db.session.scalar(sa.select(AuditEvent.chain_position).where(AuditEvent.id == entry_id))


def test_sealing_gives_every_entry_the_next_position_in_the_chain(db, start):
    write_entries(db, 4)
    assert audit_chain.seal() == 4
    positions = db.session.scalars(
        sa.select(AuditEvent.chain_position).order_by(AuditEvent.id)
    ).all()
    assert positions == list(range(1, start + 5))


def test_sealing_again_seals_only_what_was_written_since(db, start):
    write_entries(db, 3)
    audit_chain.seal()
    write_entries(db, 2)
    assert audit_chain.seal() == 2
    assert audit_chain.verify().checked == start + 5


def test_an_untouched_trail_verifies_intact(db, start):
    write_entries(db)
    audit_chain.seal()
    verdict = audit_chain.verify()
    assert verdict.intact
    assert verdict.checked == start + 5


def test_an_entry_edited_in_the_database_breaks_the_chain_at_that_entry(db):
    write_entries(db)
    audit_chain.seal()
    third = written(db)[2]
    tamper(db, third, summary="Someone else's case")
    verdict = audit_chain.verify()
    assert not verdict.intact
    at = position_of(db, third)
    assert (verdict.broken_at, verdict.entry_id, verdict.checked) == (at, third, at - 1)
    assert "changed after it was sealed" in verdict.describe()


def test_a_changed_user_on_an_entry_is_found(db, officer):
    write_entries(db)
    audit_chain.seal()
    first = written(db)[0]
    tamper(db, first, user_id=officer.id)
    assert audit_chain.verify().broken_at == position_of(db, first)


def test_an_entry_deleted_from_the_middle_is_found(db):
    write_entries(db)
    audit_chain.seal()
    second = written(db)[1]
    at = position_of(db, second)
    db.session.execute(TABLE.delete().where(TABLE.c.id == second))
    db.session.commit()
    verdict = audit_chain.verify()
    assert verdict.broken_at == at
    assert "missing" in verdict.problem


def test_a_rewritten_chain_hash_is_found(db):
    write_entries(db)
    audit_chain.seal()
    fourth = written(db)[3]
    tamper(db, fourth, chain_hash="f" * 64)
    assert audit_chain.verify().broken_at == position_of(db, fourth)


def test_entries_cut_off_the_end_are_found_against_the_last_check(db, app):
    write_entries(db)
    audit_chain.seal()
    known = audit_chain.verify().head
    Path(app.config["AUDIT_ANCHOR_PATH"]).unlink(missing_ok=True)  # the check's memory only
    at = position_of(db, written(db)[3])
    db.session.execute(TABLE.delete().where(TABLE.c.id.in_(written(db)[3:])))
    db.session.commit()
    assert audit_chain.verify().intact  # without memory, a shorter chain looks whole
    verdict = audit_chain.verify(known=known)
    assert verdict.broken_at == at
    assert "removed" in verdict.problem


def test_a_chain_forged_without_the_key_is_found(db, app):
    write_entries(db)
    audit_chain.seal()
    app.config["AUDIT_CHAIN_KEY"] = "a key the forger guessed"
    try:
        assert audit_chain.verify().broken_at == 1
    finally:
        app.config.pop("AUDIT_CHAIN_KEY")


def test_erasing_a_person_keeps_the_chain_intact(admin_client, db):
    case = CaseFactory(email="gone@example.org")
    audit_chain.seal()
    response = admin_client.post(
        f"/privacy/case/{case.id}/erase",
        data={"reason": "Emailed request, identity checked", "confirm": "y"},
    )
    assert response.status_code == 302
    audit_chain.seal()
    assert audit_chain.verify().intact


def test_erasure_cannot_hide_a_changed_fact(db, officer):
    write_entries(db)
    audit_chain.seal()
    first = written(db)[0]
    tamper(
        db,
        first,
        summary=audit_chain.ERASED_SUMMARY,
        changes=None,
        action=AuditAction.DELETED,
    )
    assert audit_chain.verify().broken_at == position_of(db, first)


def test_entries_left_unsealed_for_over_an_hour_mean_sealing_has_stopped(db):
    write_entries(db, 2)
    later = utcnow() + audit_chain.UNSEALED_GRACE + timedelta(minutes=1)
    verdict = audit_chain.verify(now=later)
    assert not verdict.intact
    assert "sealing job has stopped" in verdict.describe()


def test_the_nightly_job_seals_verifies_and_remembers_the_head(db):
    write_entries(db)
    run = run_job("verify_audit_trail", today())
    assert run.status is RunStatus.SUCCEEDED
    assert run.counts["sealed"] == 5
    assert run.counts["head_position"] == run.counts["verified"]


def test_the_nightly_job_fails_and_alerts_administrators_when_the_chain_breaks(db, admin):
    write_entries(db)
    run_job("verify_audit_trail", today())
    second = written(db)[1]
    tamper(db, second, summary="edited")
    run = run_job("verify_audit_trail", today())
    assert run.status is RunStatus.FAILED
    said = f"broken at chain position {position_of(db, second)}"
    assert said in run.error
    alerts = db.session.scalars(sa.select(Notification).where(Notification.user_id == admin.id))
    assert any(said in alert.message for alert in alerts)


def test_the_nightly_job_finds_the_end_cut_off_since_its_last_run(db):
    write_entries(db)
    run_job("verify_audit_trail", today())
    db.session.execute(TABLE.delete().where(TABLE.c.id == written(db)[-1]))
    db.session.commit()
    assert run_job("verify_audit_trail", today()).status is RunStatus.FAILED


def test_flask_audit_verify_reports_intact(runner, db, start):
    write_entries(db)
    result = runner.invoke(audit_group, ["verify"])
    assert result.exit_code == 0, result.output
    assert f"Audit trail intact: {start + 5:,} sealed entries verified" in result.output


def test_flask_audit_verify_fails_with_the_first_broken_link(runner, db):
    write_entries(db)
    audit_chain.seal()
    third = written(db)[2]
    tamper(db, third, summary="edited")
    result = runner.invoke(audit_group, ["verify"])
    assert result.exit_code == 1
    assert f"broken at chain position {position_of(db, third)}" in result.output


# Erasure: an entry may read as erased only under a sealed erasure of its record.


def test_an_entry_wiped_to_read_as_erased_is_found(db):
    """The attack: summary set to "(personal data removed)" and changes to null."""
    with audit.acting_as("test"):
        audit.record(AuditAction.CHANGED, "Case", 7, "Case 7", {"stage": ["panel", "approved"]})
        db.session.commit()
    audit_chain.seal()
    entry = written(db)[0]
    tamper(db, entry, summary="(personal data removed)", changes=None)
    verdict = audit_chain.verify()
    assert (verdict.broken_at, verdict.entry_id) == (position_of(db, entry), entry)
    assert "no erasure of Case 7 was recorded after it" in verdict.problem


def test_erasure_records_a_sealed_erasure_of_each_record_it_wiped(admin_client, db):
    case = CaseFactory(email="gone@example.org")
    admin_client.post(
        f"/privacy/case/{case.id}/erase",
        data={"reason": "Emailed request, identity checked", "confirm": "y"},
    )
    audit_chain.seal()
    erasures = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == AuditAction.ERASED, AuditEvent.entity_type == "Case"
        )
    ).all()
    assert [(e.entity_id, e.chain_position is not None) for e in erasures] == [(str(case.id), True)]
    assert audit_chain.verify().intact


def test_an_entry_written_after_its_records_erasure_cannot_be_wiped_under_it(db):
    write_entries(db, 2)  # about Case 0 and Case 1
    audit_chain.erase_personal_data("Case", [1])
    db.session.commit()
    write_entries(db, 2)  # Case 1 again, after its erasure
    audit_chain.seal()
    assert audit_chain.verify().intact
    later = written(db)[-1]
    tamper(db, later, summary="(personal data removed)", changes=None)
    assert audit_chain.verify().broken_at == position_of(db, later)


def test_an_erasure_inserted_without_the_key_is_found(db):
    write_entries(db, 2)
    audit_chain.seal()
    first = written(db)[0]
    forged = {"through_entry": first, "seal": "f" * 64}
    db.session.execute(
        TABLE.insert().values(
            actor="system", action=AuditAction.ERASED, entity_type="Case", entity_id="0",
            summary=audit_chain.ERASURE_SUMMARY, changes=forged,
        )
    )  # fmt: skip
    db.session.commit()
    tamper(db, first, summary="(personal data removed)", changes=None)
    audit_chain.seal()
    verdict = audit_chain.verify()
    assert verdict.broken_at == position_of(db, first)
    assert "no erasure of Case 0" in verdict.problem


def test_an_erasure_copied_onto_another_record_is_found(db):
    write_entries(db, 2)
    audit_chain.erase_personal_data("Case", [0])
    db.session.commit()
    audit_chain.seal()
    genuine = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == AuditAction.ERASED)
    )
    tamper(db, written(db)[1], summary="(personal data removed)", changes=None)
    db.session.execute(
        TABLE.insert().values(
            actor="system", action=AuditAction.ERASED, entity_type="Case", entity_id="1",
            summary=audit_chain.ERASURE_SUMMARY, changes=genuine.changes,
        )
    )  # fmt: skip
    db.session.commit()
    audit_chain.seal()
    assert audit_chain.verify().broken_at == position_of(db, written(db)[1])


# Time: the database's clock, and never backwards along the chain.


def test_an_entry_takes_its_time_from_the_database_not_the_application(db, monkeypatch):
    wrong = datetime(2001, 1, 1)
    monkeypatch.setattr("crm.audit.utcnow", lambda: wrong, raising=False)
    with audit.acting_as("test"):
        audit.record(AuditAction.VIEWED, "Case", 1, "Case 1")
        CaseFactory()  # audited by the flush listener
        db.session.commit()
    now = datetime.now(UTC).replace(tzinfo=None)
    times = db.session.scalars(sa.select(AuditEvent.at).where(AuditEvent.actor == "test")).all()
    assert len(times) > 1  # the entry recorded, and the case's from the listener
    assert all(abs(at - now) < timedelta(minutes=1) for at in times)


def insert_backdated_export(db, manager):
    """The attack: a row backdated to January blaming the manager for a bulk export."""
    db.session.execute(
        TABLE.insert().values(
            at=datetime(utcnow().year, 1, 14, 23, 5), user_id=manager.id, actor="user",
            action=AuditAction.EXPORTED, entity_type="Case",
            summary="case list downloaded as CSV (1,500 rows)", ip_address="10.0.0.7",
        )
    )  # fmt: skip
    db.session.commit()
    return db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))


def test_a_backdated_entry_is_refused_by_the_sealer_and_named_by_verify(db, manager):
    write_entries(db, 2)
    audit_chain.seal()
    forged = insert_backdated_export(db, manager)
    write_entries(db, 1)
    assert audit_chain.seal() == 1  # the entry after it is sealed; the forgery is not
    assert position_of(db, forged) is None
    verdict = audit_chain.verify()
    assert not verdict.intact
    assert f"refused audit entry {forged}" in verdict.describe()
    assert "false time" in verdict.describe()


def test_the_sealing_job_fails_on_a_backdated_entry_and_tells_administrators_once(
    db, manager, admin
):
    audit_chain.seal()
    forged = insert_backdated_export(db, manager)
    runs = [run_job("seal_audit_trail", today()) for _ in range(2)]
    assert [run.status for run in runs] == [RunStatus.FAILED, RunStatus.FAILED]
    alerts = db.session.scalars(
        sa.select(Notification.message).where(Notification.user_id == admin.id)
    ).all()
    assert [f"refused audit entry {forged}" in alert for alert in alerts] == [True]


def test_flask_audit_verify_fails_on_a_backdated_entry(runner, db, manager):
    forged = insert_backdated_export(db, manager)
    result = runner.invoke(audit_group, ["verify"])
    assert result.exit_code == 1
    assert f"refused audit entry {forged}" in result.output


def test_a_link_whose_time_goes_backwards_is_found(db, app, manager):
    """A backdated entry sealed by a sealer that did not check (before this rule)."""
    write_entries(db, 2)
    audit_chain.seal()
    forged = insert_backdated_export(db, manager)
    columns = [TABLE.c[name] for name in FACT_AND_PERSONAL_COLUMNS]
    row = db.session.execute(sa.select(*columns).where(TABLE.c.id == forged)).one()
    last = audit_chain.head()
    digest = audit_chain.personal_digest(row)
    key = app.config["SECRET_KEY"].encode()
    tamper(
        db,
        forged,
        chain_position=last.position + 1,
        chain_hash=audit_chain.link_hash(key, last.hash, row, digest),
        personal_digest=digest,
    )
    verdict = audit_chain.verify()
    assert verdict.broken_at == last.position + 1
    assert "goes back before the entries sealed before it" in verdict.problem


# The head, anchored outside the database.


def anchored(app):
    lines = Path(app.config["AUDIT_ANCHOR_PATH"]).read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_every_seal_and_verification_anchors_the_head_in_a_file_and_the_log(
    db, app, runner, caplog
):
    write_entries(db, 3)
    with caplog.at_level(logging.INFO, logger="crm.audit"):
        audit_chain.seal()
        runner.invoke(audit_group, ["verify"])
    last = audit_chain.head()
    expected = {"position": last.position, "entry_id": last.entry_id, "hash": last.hash}
    lines = anchored(app)
    assert [line["by"] for line in lines][-2:] == ["seal", "verify"]
    assert all({k: line[k] for k in expected} == expected for line in lines[-2:])
    assert f"position {last.position}, entry {last.entry_id}, hash {last.hash}" in caplog.text


def cut_the_last_20_and_rewrite_the_remembered_head(db):
    """The attack: the last 20 entries deleted and the last verify run's head rewritten."""
    write_entries(db, 25)
    assert run_job("verify_audit_trail", today()).status is RunStatus.SUCCEEDED
    db.session.execute(TABLE.delete().where(TABLE.c.id.in_(written(db)[-20:])))
    remaining = audit_chain.head()
    run = db.session.scalar(sa.select(JobRun).where(JobRun.job == "verify_audit_trail"))
    run.counts = {**run.counts, "head_position": remaining.position, "head_hash": remaining.hash}
    db.session.commit()
    return remaining.position


def test_flask_audit_verify_finds_the_end_cut_off_and_the_remembered_head_rewritten(runner, db):
    kept = cut_the_last_20_and_rewrite_the_remembered_head(db)
    result = runner.invoke(audit_group, ["verify"])
    assert result.exit_code == 1
    assert f"broken at chain position {kept + 1}" in result.output
    assert f"the entries after {kept} have been removed" in result.output


def test_the_nightly_job_finds_the_end_cut_off_and_the_remembered_head_rewritten(db, admin):
    kept = cut_the_last_20_and_rewrite_the_remembered_head(db)
    run = run_job("verify_audit_trail", today())
    assert run.status is RunStatus.FAILED
    assert f"the entries after {kept} have been removed" in run.error


def test_sealing_refuses_to_continue_a_chain_cut_short_of_its_anchor(db):
    write_entries(db, 3)
    audit_chain.seal()
    db.session.execute(TABLE.delete().where(TABLE.c.id == written(db)[-1]))
    db.session.commit()
    write_entries(db, 1)
    with pytest.raises(audit_chain.ChainBroken, match="removed from the end"):
        audit_chain.seal()
    assert audit_chain.head().position == position_of(db, written(db)[-1])


def test_the_nightly_job_fails_and_alerts_administrators_when_the_anchor_was_rewritten(
    db, app, admin
):
    audit_chain.seal()
    with Path(app.config["AUDIT_ANCHOR_PATH"]).open("a") as anchor:
        anchor.write("edited by hand\n")
    run = run_job("verify_audit_trail", today())
    assert run.status is RunStatus.FAILED
    alerts = db.session.scalars(
        sa.select(Notification.message).where(Notification.user_id == admin.id)
    ).all()
    assert ["ends with a line Hearth did not write" in alert for alert in alerts] == [True]


@pytest.fixture
def as_app_user(db):
    """A connection acting as the app's database user with the documented grants."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("database grants are PostgreSQL's")
    quote = db.engine.dialect.identifier_preparer.quote
    with db.engine.connect() as connection:
        if not connection.scalar(sa.text("SELECT 1 FROM pg_roles WHERE rolname = 'hearth_app'")):
            connection.execute(sa.text("CREATE ROLE hearth_app"))
        for statement in audit_chain.app_role_grants("hearth_app", quote):
            connection.execute(sa.text(statement))
        connection.commit()
        connection.execute(sa.text("SET ROLE hearth_app"))
        yield connection
        connection.rollback()


def entry_id(db):
    write_entries(db, 1)
    return db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))


def refused(connection, statement):
    try:
        with connection.begin_nested():
            connection.execute(statement)
    except sa.exc.ProgrammingError as error:
        return "permission denied" in str(error)
    return False


def test_the_app_user_may_add_seal_and_erase_entries(db, as_app_user):
    target = TABLE.c.id == entry_id(db)
    new = TABLE.insert().values(actor="app", action=AuditAction.VIEWED, entity_type="Case")
    assert not refused(as_app_user, new)
    assert not refused(as_app_user, TABLE.update().where(target).values(chain_hash="0" * 64))
    assert not refused(as_app_user, TABLE.update().where(target).values(summary=None))


def test_the_app_user_cannot_choose_an_entrys_time(db, as_app_user):
    backdated = TABLE.insert().values(
        at=datetime(2026, 1, 14), actor="app", action=AuditAction.EXPORTED, entity_type="Case"
    )
    assert refused(as_app_user, backdated)


def test_the_app_user_cannot_rewrite_an_entrys_facts(db, as_app_user):
    target = TABLE.c.id == entry_id(db)
    assert refused(as_app_user, TABLE.update().where(target).values(entity_id="99"))
    assert refused(as_app_user, TABLE.update().where(target).values(user_id=None))


def test_the_app_user_cannot_delete_or_empty_the_trail(db, as_app_user):
    assert refused(as_app_user, TABLE.delete().where(TABLE.c.id == entry_id(db)))
    assert refused(as_app_user, sa.text("TRUNCATE audit_events"))

"""Tamper evidence for the audit trail: each entry sealed into one hash chain.

Every audit entry, once written, is sealed: it is given the next position in
the chain and a keyed hash (HMAC-SHA-256) of its own content and the hash of
the entry before it. Changing, deleting or inserting an entry anywhere then
breaks every link after it, and `verify` finds the first broken one. The key
(AUDIT_CHAIN_KEY, else SECRET_KEY) lives in the application's environment, not
the database, so someone who can write to the database but not read the
app's secrets cannot re-forge the chain after an edit.

Sealing runs after the write (the `seal_audit_trail` job, every few minutes,
and before every verify) rather than inside each request: chaining at write
time would make every request that writes an audit entry wait for every other
one, and entries from concurrent requests do not commit in id order. Two
sealers cannot both take a position: it is unique, so one of them rolls back.
On PostgreSQL the application's database user may insert and read audit
entries and set these two columns only (see README, "Security"), so the trail
is append-only for the application itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import astuple, dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from crm.extensions import db
from crm.models.audit import AuditEvent
from crm.timeutil import utcnow

GENESIS = "0" * 64
BATCH = 5_000
# An entry left unsealed this long means the sealing job has stopped.
UNSEALED_GRACE = timedelta(hours=1)

# What a link seals: the entry's facts, and a digest of the personal data in it
# (its summary and changes), so that erasure under UK GDPR can remove that data
# without breaking the chain: an erased entry keeps the digest and says so.
_FACTS = ("id", "at", "user_id", "actor", "action", "entity_type", "entity_id", "ip_address")
_PERSONAL = ("summary", "changes")
ERASED_SUMMARY = "(personal data removed)"
_table = AuditEvent.__table__


def _key() -> bytes:
    config = current_app.config
    return (config.get("AUDIT_CHAIN_KEY") or config["SECRET_KEY"]).encode()


def _canonical(row: sa.Row, names: tuple[str, ...]) -> bytes:
    """Some of an entry's fields as bytes that read back the same on every database."""
    values = []
    for name in names:
        value = getattr(row, name)
        if isinstance(value, datetime):
            value = value.isoformat(timespec="microseconds")
        elif hasattr(value, "value"):
            value = value.value
        values.append(value)
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str).encode()


def personal_digest(row: sa.Row) -> str:
    """A digest of the personal data an entry holds, kept when that data is erased."""
    return hashlib.sha256(_canonical(row, _PERSONAL)).hexdigest()


def link_hash(key: bytes, previous: str, row: sa.Row, digest: str) -> str:
    """The hash sealing `row` (its facts and personal-data digest) to the entry before it."""
    message = "\n".join((previous, _canonical(row, _FACTS).decode(), digest)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def is_erased(row: sa.Row) -> bool:
    return row.summary == ERASED_SUMMARY and row.changes is None


def erase_personal_data(entity_type: str, ids: list[int]) -> None:
    """Drop the personal data from these records' audit entries, keeping the facts (who
    did what, when) and each entry's place in the chain."""
    if ids:
        db.session.execute(
            _table.update()
            .where(_table.c.entity_type == entity_type, _table.c.entity_id.in_(map(str, ids)))
            .values(changes=None, summary=ERASED_SUMMARY)
        )


def _columns() -> list[sa.Column]:
    return [_table.c[name] for name in _FACTS + _PERSONAL]


@dataclass(frozen=True)
class Head:
    """The chain's last sealed entry: remembered by each check to compare with the next."""

    position: int
    hash: str


def head() -> Head:
    row = db.session.execute(
        sa.select(_table.c.chain_position, _table.c.chain_hash)
        .where(_table.c.chain_position.is_not(None))
        .order_by(_table.c.chain_position.desc())
        .limit(1)
    ).first()
    return Head(row.chain_position, row.chain_hash) if row else Head(0, GENESIS)


def seal(progress: Callable[[int, int], None] | None = None) -> int:
    """Seal every entry not yet in the chain, oldest first; how many were sealed."""
    key = _key()
    position, previous = astuple(head())
    waiting = db.session.scalar(sa.select(sa.func.count()).where(_table.c.chain_position.is_(None)))
    sealed = 0
    while True:
        rows = db.session.execute(
            sa.select(*_columns())
            .where(_table.c.chain_position.is_(None))
            .order_by(_table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        updates = []
        for row in rows:
            position += 1
            digest = personal_digest(row)
            previous = link_hash(key, previous, row, digest)
            updates.append({"key": row.id, "position": position, "hash": previous, "d": digest})
        db.session.execute(
            _table.update()
            .where(_table.c.id == sa.bindparam("key"))
            .values(
                chain_position=sa.bindparam("position"),
                chain_hash=sa.bindparam("hash"),
                personal_digest=sa.bindparam("d"),
            ),
            updates,
        )
        db.session.commit()
        sealed += len(rows)
        if progress:
            progress(sealed, waiting)
    return sealed


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: how far the chain holds, and the first link that does not."""

    checked: int
    unsealed: int
    stale_unsealed: int
    broken_at: int | None = None
    entry_id: int | None = None
    problem: str | None = None
    head: Head | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None and self.stale_unsealed == 0

    def describe(self) -> str:
        if self.broken_at is not None:
            return (
                f"Audit trail broken at chain position {self.broken_at:,} "
                f"(audit entry {self.entry_id}): {self.problem}. "
                f"{self.checked:,} entries before it are intact."
            )
        text = f"Audit trail intact: {self.checked:,} sealed entries verified"
        if self.unsealed:
            text += f"; {self.unsealed:,} newer entries not yet sealed"
        if self.stale_unsealed:
            return (
                f"{text}, of which {self.stale_unsealed:,} have waited over "
                f"{UNSEALED_GRACE.seconds // 3600} hour: the sealing job has stopped."
            )
        return text + "."


def _sealed_rows() -> Iterator[sa.Row]:
    after = 0
    while True:
        rows = db.session.execute(
            sa.select(
                *_columns(),
                _table.c.chain_position,
                _table.c.chain_hash,
                _table.c.personal_digest,
            )
            .where(_table.c.chain_position > after)
            .order_by(_table.c.chain_position)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].chain_position


def _first_break(key: bytes, known: Head | None) -> tuple[int, int | None, int | None, str | None]:
    checked, previous = 0, GENESIS
    for row in _sealed_rows():
        expected_position = checked + 1
        if row.chain_position != expected_position:
            return checked, expected_position, None, "the entry at this position is missing"
        digest = row.personal_digest if is_erased(row) else personal_digest(row)
        if link_hash(key, previous, row, digest) != row.chain_hash:
            problem = "its content or hash was changed after it was sealed"
            return checked, row.chain_position, row.id, problem
        if known and row.chain_position == known.position and row.chain_hash != known.hash:
            return checked, row.chain_position, row.id, "the chain was rebuilt since the last check"
        checked, previous = checked + 1, row.chain_hash
    if known and checked < known.position:
        return (
            checked,
            checked + 1,
            None,
            (
                f"the last check ended at position {known.position:,}; the entries after "
                f"{checked:,} have been removed"
            ),
        )
    return checked, None, None, None


def verify(now: datetime | None = None, known: Head | None = None) -> Verdict:
    """Walk the chain from its start and report the first broken link, if any.

    `known` is the head an earlier check saw, so that cutting entries off the end
    of the trail (which leaves every remaining link valid) is found too."""
    checked, broken_at, entry_id, problem = _first_break(_key(), known)
    unsealed = _table.c.chain_position.is_(None)
    count = sa.select(sa.func.count()).where(unsealed)
    stale_before = (now or utcnow()) - UNSEALED_GRACE
    return Verdict(
        checked=checked,
        unsealed=db.session.scalar(count),
        stale_unsealed=db.session.scalar(count.where(_table.c.at < stale_before)),
        broken_at=broken_at,
        entry_id=entry_id,
        problem=problem,
        head=head() if broken_at is None else None,
    )


# What the application's own database user may do to the audit trail on PostgreSQL:
# add and read entries, seal them, and erase the personal data in them; never
# rewrite the facts of an entry or delete one.
_APP_MAY_UPDATE = ("chain_position", "chain_hash", "personal_digest", "summary", "changes")


def app_role_grants(role: str, quote: Callable[[str], str]) -> list[str]:
    """The PostgreSQL statements giving the application's database user (`role`) what it
    needs, with the audit trail append-only. Run them as the tables' owner, who also runs
    the migrations; `quote` quotes an identifier for the database."""
    who = quote(role)
    table = quote(_table.name)
    return [
        f"GRANT USAGE ON SCHEMA public TO {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {who}",
        f"GRANT UPDATE ({', '.join(_APP_MAY_UPDATE)}) ON {table} TO {who}",
    ]

"""Tamper evidence for the audit trail: each entry sealed into one hash chain.

Every audit entry, once written, is sealed: it is given the next position in
the chain and a keyed hash (HMAC-SHA-256) of its own content and the hash of
the entry before it. Changing, deleting or inserting an entry anywhere then
breaks every link after it, and `verify` finds the first broken one. The key
(AUDIT_CHAIN_KEY; development falls back to SECRET_KEY, production refuses to)
lives in the application's environment, not the database, so someone who can
write to the database but not read the app's secrets cannot re-forge the chain
after an edit.

Sealing runs after the write (the `seal_audit_trail` job, every few minutes,
and before every verify) rather than inside each request: chaining at write
time would make every request that writes an audit entry wait for every other
one, and entries from concurrent requests do not commit in id order. Two
sealers cannot both take a position: it is unique, so one of them rolls back.
On PostgreSQL the application's database user may insert and read audit
entries and set these two columns only (see README, "Security"), so the trail
is append-only for the application itself.

Three things a link alone cannot show are checked besides:
- erasure: an erased entry keeps only a digest of its personal data, so it is
  accepted only under an erasure of its record recorded after it, which names
  the last entry erased and carries a keyed seal (`erase_personal_data`);
- time: the database sets each entry's time, and an entry whose time predates
  the entries already sealed (beyond LATE_COMMIT_GRACE) was inserted afterwards
  with a false one: the sealer refuses it and `verify` names it;
- the end: entries cut off the end leave every remaining link valid, so each
  seal and verification anchors the head outside the database
  (crm/audit_anchor.py), and both refuse a chain that no longer reaches it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from crm import audit
from crm.audit_anchor import Head, read_anchor, write_anchor
from crm.extensions import db
from crm.formatting import uk_datetime
from crm.models.audit import AuditAction, AuditEvent
from crm.timeutil import utcnow

__all__ = ["Head", "check", "erase_personal_data", "seal", "verify"]

GENESIS = "0" * 64
BATCH = 5_000
# An entry left unsealed this long means the sealing job has stopped.
UNSEALED_GRACE = timedelta(hours=1)
# Entries commit in another order than they were written (a long import commits after
# a short request that began later), so an entry may be sealed after one written up to
# this long after it. Any earlier, it was inserted afterwards with a false time.
LATE_COMMIT_GRACE = timedelta(minutes=15)

# What a link seals: the entry's facts, and a digest of the personal data in it
# (its summary and changes), so that erasure under UK GDPR can remove that data
# without breaking the chain: an erased entry keeps the digest and says so.
_FACTS = ("id", "at", "user_id", "actor", "action", "entity_type", "entity_id", "ip_address")
_PERSONAL = ("summary", "changes")
ERASED_SUMMARY = "(personal data removed)"
ERASURE_SUMMARY = "personal data removed from this record's earlier audit entries"
_table = AuditEvent.__table__


class ChainBroken(RuntimeError):
    """The chain does not reach the head anchored outside the database; nothing is
    sealed onto it. The message says what is wrong."""


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


def erasure_seal(key: bytes, entity_type: str, entity_id: str, through: int) -> str:
    """The keyed hash an erasure entry carries: that Hearth erased this record's entries
    up to audit entry `through`. Copied onto another record or stretched to later entries,
    it no longer matches."""
    message = f"erasure\n{entity_type}\n{entity_id}\n{through}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def erase_personal_data(entity_type: str, ids: list[int]) -> None:
    """Drop the personal data from these records' audit entries, keeping the facts (who
    did what, when) and each entry's place in the chain; then record the erasure, an
    entry per record naming the last entry erased, with a keyed seal. `verify` accepts
    an entry reading as erased only when such an erasure of its record follows it."""
    if not ids:
        return
    about = sa.and_(
        _table.c.entity_type == entity_type,
        _table.c.entity_id.in_([str(i) for i in ids]),
        _table.c.action != AuditAction.ERASED,  # an erasure keeps its seal
    )
    last_entries = db.session.execute(
        sa.select(_table.c.entity_id, sa.func.max(_table.c.id))
        .where(about)
        .group_by(_table.c.entity_id)
    ).all()
    db.session.execute(_table.update().where(about).values(changes=None, summary=ERASED_SUMMARY))
    key = _key()
    for entity_id, through in last_entries:
        seal_ = erasure_seal(key, entity_type, entity_id, through)
        audit.record(
            AuditAction.ERASED,
            entity_type,
            entity_id,
            ERASURE_SUMMARY,
            {"through_entry": through, "seal": seal_},
        )


def _genuine_erasure(key: bytes, row: sa.Row) -> int | None:
    """The last entry an erasure entry covers; None when Hearth did not write it."""
    changes = row.changes if isinstance(row.changes, dict) else {}
    through = changes.get("through_entry")
    if not isinstance(through, int) or isinstance(through, bool):
        return None
    expected = erasure_seal(key, row.entity_type, row.entity_id, through)
    return through if hmac.compare_digest(str(changes.get("seal")), expected) else None


# (entity_type, entity_id) -> [(the erasure's chain position or None, last entry erased)]
Erasures = dict[tuple[str, str | None], list[tuple[int | None, int]]]


def _erasures(key: bytes, *where: sa.ColumnElement[bool]) -> Erasures:
    """The genuine erasures recorded, sealed or not, by record."""
    found: Erasures = {}
    rows = db.session.execute(
        sa.select(
            _table.c.entity_type, _table.c.entity_id, _table.c.changes, _table.c.chain_position
        ).where(_table.c.action == AuditAction.ERASED, *where)
    )
    for row in rows:
        through = _genuine_erasure(key, row)
        if through is not None:
            record = (row.entity_type, row.entity_id)
            found.setdefault(record, []).append((row.chain_position, through))
    return found


def _covered(erasures: Erasures, row: sa.Row) -> bool:
    """Whether an erasure of the entry's record, after it in the chain, erased it."""
    return any(
        through >= row.id and (position is None or position > row.chain_position)
        for position, through in erasures.get((row.entity_type, row.entity_id), ())
    )


def _columns() -> list[sa.Column]:
    return [_table.c[name] for name in _FACTS + _PERSONAL]


def head() -> Head:
    row = db.session.execute(
        sa.select(_table.c.chain_position, _table.c.chain_hash, _table.c.id)
        .where(_table.c.chain_position.is_not(None))
        .order_by(_table.c.chain_position.desc())
        .limit(1)
    ).first()
    return Head(row.chain_position, row.chain_hash, row.id) if row else Head(0, GENESIS)


def _latest_sealed_time() -> datetime | None:
    return db.session.scalar(
        sa.select(sa.func.max(_table.c.at)).where(_table.c.chain_position.is_not(None))
    )


def _departure_from_anchor() -> str | None:
    """What is wrong when the chain no longer holds the head anchored outside the
    database (entries cut off the end, or the chain rebuilt); None when it does."""
    anchored = read_anchor()
    if anchored is None or anchored.position == 0:
        return None
    row = db.session.execute(
        sa.select(_table.c.id, _table.c.chain_hash).where(
            _table.c.chain_position == anchored.position
        )
    ).first()
    if row is None:
        return (
            f"the head anchored outside the database is at chain position "
            f"{anchored.position:,} (audit entry {anchored.entry_id}), which is gone: "
            "entries have been removed from the end"
        )
    if row.chain_hash != anchored.hash or anchored.entry_id not in (None, row.id):
        return (
            f"chain position {anchored.position:,} is not the entry anchored outside the "
            "database: the chain was rebuilt"
        )
    return None


def seal(progress: Callable[[int, int], None] | None = None) -> int:
    """Seal every entry not yet in the chain, oldest first; how many were sealed.

    Refuses to seal onto a chain that no longer holds its anchored head (ChainBroken),
    and leaves unsealed any entry whose time predates the sealed chain (by more than
    LATE_COMMIT_GRACE), for `verify` to name. Anchors the new head."""
    departure = _departure_from_anchor()
    if departure:
        raise ChainBroken(f"Audit trail not sealed: {departure}.")
    key = _key()
    start = head()
    position, previous = start.position, start.hash
    latest = _latest_sealed_time()
    unsealed = _table.c.chain_position.is_(None)
    waiting = db.session.scalar(sa.select(sa.func.count()).where(unsealed))
    sealed, after = 0, 0
    while rows := db.session.execute(
        sa.select(*_columns())
        .where(unsealed, _table.c.id > after)
        .order_by(_table.c.id)
        .limit(BATCH)
    ).all():
        after = rows[-1].id
        updates = []
        for row in rows:
            if latest is not None and row.at < latest - LATE_COMMIT_GRACE:
                continue  # backdated: refused, and named by verify()
            latest = row.at if latest is None else max(latest, row.at)
            position += 1
            digest = personal_digest(row)
            previous = link_hash(key, previous, row, digest)
            updates.append({"key": row.id, "position": position, "hash": previous, "d": digest})
        if updates:
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
        sealed += len(updates)
        if progress:
            progress(sealed, waiting)
    if sealed:
        write_anchor(head(), "seal")
    return sealed


@dataclass(frozen=True)
class Backdated:
    """An unsealed entry claiming a time before entries already sealed."""

    entry_id: int
    at: datetime

    def describe(self) -> str:
        return (
            f"Audit trail refused audit entry {self.entry_id}: it claims "
            f"{uk_datetime(self.at)}, before entries already sealed, so it was inserted "
            "afterwards with a false time. It is not sealed."
        )


def first_backdated() -> Backdated | None:
    """The first entry the sealer refused for a time before the sealed chain's."""
    latest = _latest_sealed_time()
    if latest is None:
        return None
    row = db.session.execute(
        sa.select(_table.c.id, _table.c.at)
        .where(_table.c.chain_position.is_(None), _table.c.at < latest - LATE_COMMIT_GRACE)
        .order_by(_table.c.id)
        .limit(1)
    ).first()
    return Backdated(row.id, row.at) if row else None


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
    backdated: Backdated | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None and self.stale_unsealed == 0 and self.backdated is None

    def describe(self) -> str:
        if self.broken_at is not None:
            return (
                f"Audit trail broken at chain position {self.broken_at:,} "
                f"(audit entry {self.entry_id}): {self.problem}. "
                f"{self.checked:,} entries before it are intact."
            )
        if self.backdated is not None:
            return self.backdated.describe()
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


@dataclass
class _Walk:
    """The chain read from its start: what each link must agree with."""

    key: bytes
    known: list[Head]
    erasures: Erasures = field(default_factory=dict)
    checked: int = 0
    previous: str = GENESIS
    latest: datetime | None = None

    def problem(self, row: sa.Row) -> str | None:
        digest = row.personal_digest if is_erased(row) else personal_digest(row)
        if link_hash(self.key, self.previous, row, digest) != row.chain_hash:
            return "its content or hash was changed after it was sealed"
        if self.latest is not None and row.at < self.latest - LATE_COMMIT_GRACE:
            return (
                f"its time ({uk_datetime(row.at)}) goes back before the entries sealed "
                f"before it ({uk_datetime(self.latest)})"
            )
        if any(h.position == row.chain_position and h.hash != row.chain_hash for h in self.known):
            return "the chain was rebuilt since the last check"
        return self.erasure_problem(row)

    def erasure_problem(self, row: sa.Row) -> str | None:
        if row.action is AuditAction.ERASED and _genuine_erasure(self.key, row) is None:
            return "it records an erasure Hearth did not make (its erasure seal does not match)"
        if not is_erased(row) or _covered(self.erasures, row):
            return None
        # Erased since the erasures were read (an erasure committed during this walk)?
        same_record = (_table.c.entity_type == row.entity_type, _table.c.entity_id == row.entity_id)
        if _covered(_erasures(self.key, *same_record), row):
            return None
        return (
            f"it reads as erased, but no erasure of {row.entity_type} {row.entity_id} "
            "was recorded after it"
        )

    def advance(self, row: sa.Row) -> None:
        self.checked, self.previous = self.checked + 1, row.chain_hash
        self.latest = row.at if self.latest is None else max(self.latest, row.at)


def _first_break(key: bytes, known: list[Head]) -> tuple[int, int | None, int | None, str | None]:
    walk = _Walk(key, known, _erasures(key))
    for row in _sealed_rows():
        expected_position = walk.checked + 1
        if row.chain_position != expected_position:
            return walk.checked, expected_position, None, "the entry at this position is missing"
        problem = walk.problem(row)
        if problem:
            return walk.checked, row.chain_position, row.id, problem
        walk.advance(row)
    furthest = max((h.position for h in known), default=0)
    if walk.checked < furthest:
        return (
            walk.checked,
            walk.checked + 1,
            None,
            (
                f"the last check ended at position {furthest:,}; the entries after "
                f"{walk.checked:,} have been removed"
            ),
        )
    return walk.checked, None, None, None


def verify(now: datetime | None = None, known: Head | None = None) -> Verdict:
    """Walk the chain from its start and report the first broken link, if any.

    The chain must still hold the head anchored outside the database, and `known`
    (the head an earlier check saw), so that cutting entries off the end of the
    trail (which leaves every remaining link valid) is found too."""
    heads = [h for h in (known, read_anchor()) if h is not None]
    checked, broken_at, entry_id, problem = _first_break(_key(), heads)
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
        backdated=first_backdated(),
    )


def check(
    known: Head | None = None, progress: Callable[[int, int], None] | None = None
) -> tuple[int, Verdict]:
    """Seal what is waiting, then verify the whole chain, and anchor its head outside the
    database when it holds: what `flask audit verify` and the nightly job do. How many
    entries were sealed, and the verdict."""
    try:
        sealed = seal(progress)
    except ChainBroken:
        sealed = 0  # verify() names the break, with its position
    verdict = verify(known=known)
    if verdict.intact:
        write_anchor(verdict.head, "verify")
    return sealed, verdict


# What the application's own database user may do to the audit trail on PostgreSQL:
# add and read entries, seal them, and erase the personal data in them; never
# rewrite the facts of an entry or delete one. It adds an entry without its time
# (the database's clock sets it) or its seal.
_APP_MAY_INSERT = tuple(
    c.name
    for c in _table.c
    if c.name not in ("at", "chain_position", "chain_hash", "personal_digest")
)
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
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {table} FROM {who}",
        f"GRANT INSERT ({', '.join(_APP_MAY_INSERT)}) ON {table} TO {who}",
        f"GRANT UPDATE ({', '.join(_APP_MAY_UPDATE)}) ON {table} TO {who}",
    ]

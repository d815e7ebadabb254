"""The audit chain's head, kept outside the database.

Cutting entries off the end of the trail leaves every remaining link valid, so
only a record of how far the chain reached can show it; kept in the database,
that record is rewritten by whoever cut the entries. So every seal and every
verification that holds appends the head (its position, which is the number of
sealed entries, its entry and its link's hash) to the application log and to a
file outside the database (AUDIT_ANCHOR_PATH, by default `audit-anchor.jsonl` in
the instance folder), and both compare the chain with the last head written
there. Give the file to storage the database's users cannot rewrite (a separate
volume, `chattr +a`, or write-once storage) and ship the log off the server.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from crm.timeutil import utcnow

log = logging.getLogger("crm.audit")

# The last anchor is found in the file's end, however long the file has grown.
_TAIL_BYTES = 4096


class AnchorUnreadable(RuntimeError):
    """The anchor file's last line is not an anchor Hearth wrote; the message says where."""


@dataclass(frozen=True)
class Head:
    """The chain's last sealed entry: its position (the count of sealed entries), its
    link's hash and, when known, the entry's id."""

    position: int
    hash: str
    entry_id: int | None = None


def anchor_path() -> Path:
    configured = current_app.config.get("AUDIT_ANCHOR_PATH")
    if configured:
        return Path(configured)
    return Path(current_app.instance_path) / "audit-anchor.jsonl"


def write_anchor(head: Head, by: str) -> None:
    """Append `head` to the log and the anchor file, flushed to disk before returning."""
    log.info(
        "audit trail head (%s): position %d, entry %s, hash %s",
        by,
        head.position,
        head.entry_id,
        head.hash,
    )
    line = json.dumps(
        {
            "written": utcnow().isoformat(timespec="seconds"),
            "by": by,
            "position": head.position,
            "entry_id": head.entry_id,
            "hash": head.hash,
        }
    )
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as anchor:
        anchor.write(line + "\n")
        anchor.flush()
        os.fsync(anchor.fileno())


def read_anchor() -> Head | None:
    """The head last written to the anchor file; None before the first."""
    path = anchor_path()
    try:
        with path.open("rb") as anchor:
            anchor.seek(0, os.SEEK_END)
            anchor.seek(max(0, anchor.tell() - _TAIL_BYTES))
            tail = anchor.read()
    except FileNotFoundError:
        return None
    # A line cut short by a crash mid-write is not an anchor; the one before it is.
    lines = [line for line in tail.split(b"\n")[:-1] if line.strip()]
    if not lines:
        return None
    try:
        record = json.loads(lines[-1])
        return Head(int(record["position"]), str(record["hash"]), record.get("entry_id"))
    except (ValueError, KeyError, TypeError) as error:
        raise AnchorUnreadable(
            f"The audit trail's anchor file {path} ends with a line Hearth did not write"
        ) from error

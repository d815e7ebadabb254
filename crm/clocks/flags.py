"""Keeping the open flags true to the registry, and reading them.

`sync_flags` judges some clocks for some or all records and makes the open flags match,
clearing only the kinds it judged; `judge_on_write` re-judges, before each commit, the
records a transaction wrote to; the lists and counts read the same open flags.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from crm.clocks.registry import BY_KIND, CLOCKS, Clock, Found, Judge, Record
from crm.domain.settings import Settings
from crm.extensions import db
from crm.models import Case, Flag, FlagKind, Household, Notification, User
from crm.models.setting import load_settings
from crm.timeutil import today
from crm.visibility import may_open_case

# --- judging and keeping flags -----------------------------------------------------


def _judged(clocks: Iterable[Clock], day: date, settings: Settings, among: dict) -> Found:
    """What the clocks find, each judge run once however many kinds it reports."""
    kinds = {clock.kind for clock in clocks}
    found: Found = {}
    seen: set[tuple[Judge, Record]] = set()
    for clock in clocks:
        if (clock.judge, clock.record) in seen:
            continue
        seen.add((clock.judge, clock.record))
        ids = among.get(clock.record) if among else None
        if among and ids is None:
            continue  # only some records were written, none of this sort
        found |= clock.judge(day, settings, ids)
    return {key: why for key, why in found.items() if key[0] in kinds}


def _owners(found: Found) -> dict[tuple[FlagKind, int], tuple[int | None, bool, str, str]]:
    """Who each flag goes to, whether they are told, how a message names its record,
    and the link."""
    case_ids = {i for (kind, i) in found if BY_KIND[kind].record == "case"}
    household_ids = {i for (kind, i) in found if BY_KIND[kind].record == "household"}
    cases = {c.id: c for c in db.session.scalars(sa.select(Case).where(Case.id.in_(case_ids)))}
    households = {
        h.id: h
        for h in db.session.scalars(sa.select(Household).where(Household.id.in_(household_ids)))
    }
    owners = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(
                User.id.in_({c.owner_id for c in cases.values()} - {None})
                | User.id.in_({c.assessing_worker_id for c in cases.values()} - {None})
            )
        )
    }
    named = {}
    for kind, record_id in found:
        clock = BY_KIND[kind]
        if clock.record == "case":
            case = cases[record_id]
            owner = case.owner_id
            if clock.owner == "assessor" and case.assessing_worker_id:
                owner = case.assessing_worker_id
            owner = owner if clock.owner else None
            # a message names its case: only to someone who may open it
            told = owner is not None and may_open_case(owners[owner], case)
            named[(kind, record_id)] = (
                owner,
                told,
                f"{case.reference} ({case.display_name})",
                f"/cases/{record_id}",
            )
        else:
            household = households[record_id]
            owner = household.supervising_worker_id if clock.owner == "worker" else None
            named[(kind, record_id)] = (
                owner,
                owner is not None,
                household.reference,
                f"/households/{record_id}",
            )
    return named


def sync_flags(
    day: date,
    clocks: Iterable[Clock] = CLOCKS,
    settings: Settings | None = None,
    cases: Iterable[int] | None = None,
    households: Iterable[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Raise, update and clear flags of these clocks' kinds so they match the rules on
    `day`: for every record, or only the `cases` and `households` given. A flag of
    another kind, or of a record not judged, is never touched. Tells each new flag's
    owner. Does not commit."""
    clocks = tuple(clocks)
    settings = settings or load_settings()
    among = None
    if cases is not None or households is not None:
        among = {"case": sorted(set(cases or ())), "household": sorted(set(households or ()))}
    wanted = _judged(clocks, day, settings, among)
    kinds = [clock.kind for clock in clocks]
    scope = [Flag.cleared_on.is_(None), Flag.kind.in_(kinds)]
    if among is not None:
        scope.append(
            sa.or_(Flag.case_id.in_(among["case"]), Flag.household_id.in_(among["household"]))
        )
    open_flags = {
        (flag.kind, flag.case_id if flag.case_id is not None else flag.household_id): flag
        for flag in db.session.scalars(sa.select(Flag).where(*scope))
    }
    cleared = 0
    for key, flag in open_flags.items():
        if key not in wanted:
            flag.cleared_on = day
            cleared += 1
        elif flag.reason != wanted[key]:
            flag.reason = wanted[key]
    new = [key for key in wanted if key not in open_flags]
    named = _owners({key: wanted[key] for key in new})
    notified = 0
    for done, key in enumerate(new, start=1):
        kind, record_id = key
        owner_id, told, subject, link = named[key]
        on_case = BY_KIND[kind].record == "case"
        record = {"case_id": record_id} if on_case else {"household_id": record_id}
        db.session.add(
            Flag(kind=kind, owner_id=owner_id, reason=wanted[key], raised_on=day, **record)
        )
        if told:
            db.session.add(
                Notification(
                    user_id=owner_id,
                    link=link,
                    message=f"{kind.label}: {subject} - {wanted[key]}",
                    **record,
                )
            )
            notified += 1
        if progress:
            progress(done, len(new))
    return {"raised": len(new), "cleared": cleared, "open": len(wanted), "notified": notified}


def open_flags(kinds: Iterable[FlagKind]) -> sa.Select:
    """The open flags of these kinds: what every count and the list it opens read."""
    return sa.select(Flag).where(Flag.cleared_on.is_(None), Flag.kind.in_(list(kinds)))


def _flagged_ids(record: sa.ColumnElement[int], kinds: Iterable[FlagKind]) -> sa.Select:
    return sa.select(record).where(
        Flag.cleared_on.is_(None), Flag.kind.in_(list(kinds)), record.isnot(None)
    )


def flagged_cases(kinds: Iterable[FlagKind]) -> sa.Select:
    """The ids of cases with an open flag of these kinds (a list filter, a count)."""
    return _flagged_ids(Flag.case_id, kinds)


def flagged_households(kinds: Iterable[FlagKind]) -> sa.Select:
    """The ids of households with an open flag of these kinds."""
    return _flagged_ids(Flag.household_id, kinds)


def _flagged_list(model: type, record: sa.ColumnElement[int], kind: FlagKind, where) -> list:
    rows = db.session.execute(
        sa.select(model, Flag.reason)
        .join(Flag, record == model.id)
        .where(Flag.cleared_on.is_(None), Flag.kind == kind, *where)
        .order_by(model.reference)
    )
    return [(found, reason) for found, reason in rows]


def flagged_case_list(kind: FlagKind, *where: sa.ColumnElement[bool]) -> list[tuple[Case, str]]:
    """The cases with an open flag of `kind` (and matching `where`), each with the
    flag's reason, by reference: a queue's list, read from the flags its count reads."""
    return _flagged_list(Case, Flag.case_id, kind, where)


def flagged_household_list(
    kind: FlagKind, *where: sa.ColumnElement[bool]
) -> list[tuple[Household, str]]:
    """The households with an open flag of `kind`, as `flagged_case_list` gives cases."""
    return _flagged_list(Household, Flag.household_id, kind, where)


# --- kept current on every write ---------------------------------------------------

#: Rows that are the clocks' own bookkeeping or the trail, not facts about a record:
#: writing them re-judges nothing (and the judging writes them).
_NOT_FACTS = {"flags", "notifications", "audit_events"}
_WRITTEN = "hearth_written_records"


def _note_written(session: Session, flush_context) -> None:
    written = session.info.setdefault(_WRITTEN, {"case": set(), "household": set()})
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table is None or table in _NOT_FACTS:
            continue
        if isinstance(obj, Case):
            written["case"].add(obj.id)
        elif isinstance(obj, Household):
            written["household"].add(obj.id)
        else:
            for attribute, sort in (("case_id", "case"), ("household_id", "household")):
                value = getattr(obj, attribute, None)
                if value is not None:
                    written[sort].add(value)


def _rejudge_written(session: Session) -> None:
    if session is not db.session():
        return  # only the app's own session writes records
    session.flush()  # what is still pending is written, and noted, first
    written = session.info.pop(_WRITTEN, None)
    if not written:
        return
    ids = {sort: {i for i in found if i is not None} for sort, found in written.items()}
    if not (ids["case"] or ids["household"]):
        return
    sync_flags(today(), cases=ids["case"], households=ids["household"])
    session.flush()
    session.info.pop(_WRITTEN, None)  # the flags just written re-judge nothing


def judge_on_write() -> None:
    """Re-judge, before each commit, the clocks of every case and household the
    transaction wrote to (its own row, or a row pointing at it). Attached once per
    process, as the audit listeners are (create_app may run many times)."""
    if not event.contains(Session, "after_flush", _note_written):
        event.listen(Session, "after_flush", _note_written)
    if not event.contains(Session, "before_commit", _rejudge_written):
        event.listen(Session, "before_commit", _rejudge_written)

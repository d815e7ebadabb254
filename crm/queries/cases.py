"""Queries behind the case lists; each returns a select() for the shared pager."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from crm.clocks import CASE_FLAGS, flagged_cases
from crm.domain.contact import folded, phone_search_digits
from crm.domain.names import likeness, typed_sounds
from crm.domain.stages import OPEN_STAGES, EventKind, Stage
from crm.enquiry_sources import source_label
from crm.extensions import db
from crm.metrics.engine import COUNTED_STEPS
from crm.models import Case, FlagKind, HouseholdMember, User
from crm.models.case import step_date
from crm.models.search import SEARCH_TOP, fts_query, matching_case_ids, sounding_like
from crm.pagination import counted_as, ranked_top
from crm.visibility import cases_visible_to


def case_list(
    q: str | None = None,
    stage: str | None = None,
    flag: str | None = None,
    source: str | None = None,
    carer_type: str | None = None,
    owner: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    step: str | None = None,
    visible_to: User | None = None,
) -> sa.Select:
    """Cases matching the filters, newest enquiry first; only those `visible_to` may
    see, when given (see `cases_visible_to`)."""
    query = (
        sa.select(Case)
        .options(joinedload(Case.owner))
        .order_by(Case.enquiry_date.desc(), Case.id.desc())
    )
    if stage:
        query = query.where(
            Case.stage.in_(OPEN_STAGES) if stage == "open" else Case.stage == Stage(stage)
        )
    if flag:
        query = _flagged(query, flag)
    if source:
        query = query.where(Case.source == source)
    if carer_type:
        query = query.where(Case.carer_type == carer_type)
    if owner:
        query = query.where(
            Case.owner_id.is_(None) if owner == "none" else Case.owner_id == int(owner)
        )
    query = _dated(query, step, date_from, date_to)
    if visible_to is not None:
        query = query.where(cases_visible_to(visible_to))
    if q:  # last: the pager counts the filtered cases without what ranks them
        query = _searched(query, q)
    return query


@dataclass(frozen=True)
class DatedBy:
    """What a dated case list counted, for its heading and its date column: the list a
    dashboard figure opens says which step's date it counted, and shows that date."""

    step: EventKind
    attribute: str
    date_from: date | None
    date_to: date | None

    @property
    def figure(self) -> str:
        """The dashboard's name for the count of this step."""
        name = next(n for n, k in COUNTED_STEPS.items() if k is self.step)
        return name.replace("_", " ").capitalize()


def dated_by(step: str | None, date_from: date | None, date_to: date | None) -> DatedBy | None:
    """What the list's dates apply to, when it is dated at all."""
    if not (date_from or date_to):
        return None
    kind = DATED_STEPS.get(step or "", EventKind.ENQUIRY)
    column, _ = step_date(kind)
    return DatedBy(kind, column.key, date_from, date_to)


def _dated(query: sa.Select, step: str | None, date_from: date | None, date_to: date | None):
    """Cases whose chosen step (default: the enquiry) falls between the dates: the
    cases the dashboard counted (enquiries: not a connected person's referral)."""
    kind = DATED_STEPS.get(step or "", EventKind.ENQUIRY)
    column, closed_as = step_date(kind)
    if kind is EventKind.ENQUIRY and (date_from or date_to):
        query = query.where(Case.came_as_enquiry())
    if date_from:
        query = query.where(column >= date_from)
    if date_to:
        query = query.where(column <= date_to)
    if closed_as is not None and (date_from or date_to):
        query = query.where(Case.stage == closed_as)
    return query


#: Which step the date range applies to: the steps the metrics engine counts.
DATED_STEPS = {kind.value: kind for kind in COUNTED_STEPS.values()}


def _needles(q: str) -> tuple[str, str, str, str | None]:
    """What was typed, as each kind of value is stored: as typed (reference, email), folded
    (names), without spaces (postcodes), and as phone digits when it could be a number."""
    needle = q.strip()
    digits = phone_search_digits(needle)
    return (
        needle,
        folded(needle),
        needle.replace(" ", ""),
        digits if len(digits or "") >= 4 else None,
    )


def _searched(query: sa.Select, q: str) -> sa.Select:
    """Cases matching a search by reference, name (the applicant's or anyone's in the
    household), email, phone (any spacing) or postcode (any spacing). On SQLite, from its
    full-text index, best matches first, when what was typed is long enough for it;
    else (and on PostgreSQL, whose trigram indexes answer these LIKEs) from the columns."""
    needle, name, compact, digits = _needles(q)
    fts = fts_query([needle, name, compact, *([digits] if digits else [])])
    if fts is not None and db.engine.dialect.name == "sqlite":
        ranked = matching_case_ids(fts).subquery()
        found = query.where(Case.id.in_(matching_case_ids(fts, ranked=False)))
        # Best first, then the newest case (as the full-text engine breaks ties, so a
        # page of its best matches is the page of all of them: see matching_case_ids).
        return (
            query.join(ranked, ranked.c.case_id == Case.id)
            .order_by(None)
            .order_by(ranked.c.rank, Case.id.desc())
            .execution_options(**counted_as(found), **ranked_top(SEARCH_TOP))
        )
    like = f"%{needle}%"
    on_case = [
        Case.reference.ilike(like),
        Case.search_name.contains(name, autoescape=True),
        Case.email.ilike(like),
        sa.func.replace(Case.postcode, " ", "").ilike(f"%{compact}%"),
    ]
    if digits:
        on_case.append(Case.phone_key.contains(digits, autoescape=True))
    members = sa.select(HouseholdMember.case_id).where(HouseholdMember.full_name.ilike(like))
    if db.engine.dialect.name == "postgresql":
        # One index lookup a column, unioned: in one OR the member subquery kept
        # PostgreSQL from combining the trigram indexes, and it read every case in
        # enquiry-date order instead (2.4 s to count "smith" among 600,000).
        found = sa.union(*(sa.select(Case.id).where(c) for c in on_case), members)
        return (
            query.where(Case.id.in_(found))
            .order_by(None)
            .order_by(_closeness(needle, name).desc(), Case.enquiry_date.desc(), Case.id.desc())
        )
    return query.where(sa.or_(*on_case, Case.id.in_(members)))


#: How many names that sound alike are put in order (in Python, by `likeness`) at most:
#: a full name finds a handful; a common surname alone ("Smyth") thousands, of which
#: these are ranked.
SIMILAR_CANDIDATES = 300


def similar_cases(q: str, query: sa.Select, limit: int = 8) -> list[tuple[Case, float]]:
    """Cases from `query` (the list as filtered, the searcher's visibility included)
    whose name sounds like what was typed or, on PostgreSQL, is spelt nearly so
    (pg_trgm's word similarity), but does not hold it as typed (those the list shows):
    what a misspelled name meant ("did you mean"), best first (`likeness`), with how
    well each fits. Nothing for a search that is not a name (digits, an email)."""
    name = folded(q.strip())
    if not name or "@" in name or any(ch.isdigit() for ch in name):
        return []
    alike = [c for c in [sounding_like(typed_sounds(name))] if c is not None]
    if db.engine.dialect.name == "postgresql":
        alike.append(sa.literal(name).op("<%")(Case.search_name))
    if not alike:
        return []
    rows = db.session.execute(
        query.with_only_columns(Case.id, Case.search_name, Case.enquiry_date)
        .where(sa.or_(*alike), ~Case.search_name.contains(name, autoescape=True))
        .order_by(None)
        .limit(SIMILAR_CANDIDATES)
    ).all()
    scored = ((likeness(name, r.search_name), r.enquiry_date, r.id) for r in rows)
    ranked = sorted((s for s in scored if s[0] > 0), reverse=True)[:limit]
    chosen = sa.select(Case).where(Case.id.in_([case_id for _, _, case_id in ranked]))
    cases = {case.id: case for case in db.session.scalars(chosen)}
    return [(cases[case_id], score) for score, _, case_id in ranked]


def _closeness(needle: str, name: str) -> sa.ColumnElement[float]:
    """PostgreSQL: how well the search fits a case at best (pg_trgm's word similarity,
    0 to 1), so the closest matches come first, as SQLite's full-text rank puts them."""
    return sa.func.greatest(
        *(
            sa.func.word_similarity(typed, sa.func.coalesce(column, ""))
            for typed, column in (
                (needle, sa.func.lower(Case.reference)),
                (name, Case.search_name),
                (needle, sa.func.lower(Case.email)),
            )
        )
    )


#: The list's `flag=` values: each case clock's kind, and the older names of two.
FLAG_FILTERS = {
    **{kind.value: kind for kind in CASE_FLAGS},
    "overdue_contact": FlagKind.FIRST_CONTACT_OVERDUE,
}


def _flagged(query: sa.Select, flag: str) -> sa.Select:
    """Cases with an open flag of that kind: the flags the counts read (crm/clocks/),
    so a count and the list it opens agree; any other value lists possible duplicates."""
    if flag in FLAG_FILTERS:
        return query.where(Case.id.in_(flagged_cases([FLAG_FILTERS[flag]])))
    return query.where(Case.possible_duplicate_of_id.isnot(None))


def assessed_by(user: User) -> sa.ColumnElement[bool]:
    """The cases someone is assessing, as ids from its index (see `mine`)."""
    return Case.id.in_(sa.select(Case.id).where(Case.assessing_worker_id == user.id))


def mine(user: User) -> sa.ColumnElement[bool]:
    """The cases someone owns or is assessing. Written as ids from the two indexes
    rather than an OR of the columns, which SQLite answered by walking every case in
    date order (4 s at national scale; 6 ms this way)."""
    owned = sa.select(Case.id).where(Case.owner_id == user.id)
    assessed = sa.select(Case.id).where(Case.assessing_worker_id == user.id)
    return Case.id.in_(sa.union(owned, assessed))


def my_open_cases(user: User) -> sa.Select:
    """Open cases the user owns or is assessing (and may open), those waiting longest
    first."""
    return (
        sa.select(Case)
        .where(mine(user), cases_visible_to(user))
        .where(Case.stage.in_(OPEN_STAGES))
        .order_by(Case.last_activity_date.asc().nulls_first(), Case.id)
    )


#: The case list's download: what the list shows, one row a case.
CASE_EXPORT_HEADERS = [
    "Reference",
    "Name",
    "Stage",
    "Carer type",
    "How they heard",
    "Enquiry",
    "First contact",
    "Application",
    "Approval",
    "Outcome",
    "Officer",
]


def case_export_rows(cases: Iterable[Case]) -> list[tuple]:
    """One row per case, in CASE_EXPORT_HEADERS' order."""
    return [
        (
            c.reference,
            c.display_name,
            c.stage.label,
            c.carer_type.label,
            source_label(c.source),
            c.enquiry_date,
            c.first_contact_date,
            c.application_date,
            c.approval_date,
            c.outcome_date,
            c.owner.full_name if c.owner else "",
        )
        for c in cases
    ]

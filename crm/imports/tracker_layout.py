"""A council's own tracker, read as Hearth's: its header row found below any title rows,
its columns mapped to Hearth's (remembered by the header row's fingerprint), its words
mapped to Hearth's values ("Main" is mainstream, "Stage 1" an open case in Stage 1,
"moving house" AW3), and the columns Hearth has no place for kept as a note on the case.

The result is a `Table` in Hearth's own columns, which the tracker importer checks row by
row exactly as it checks Hearth's own file (crm.imports.tracker), so a mapped file can
never hold a case the screens would refuse.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import sqlalchemy as sa

from crm.domain.case_vocabulary import CARER_TYPE_WORDS, CarerType
from crm.domain.stages import (
    APPLICANT_WITHDRAWAL_REASONS,
    OPEN_STAGES,
    SERVICE_WITHDRAWAL_REASONS,
)
from crm.enquiry_sources import SourceMatcher, source_choices
from crm.extensions import db
from crm.imports.reading import Table, by_name, first_rows, read_rows, read_table
from crm.imports.tracker import (
    ACCEPTED,
    COLUMNS,
    MILESTONE_COLUMNS,
    OUTCOMES_BY_NAME,
    REQUIRED,
)
from crm.models import TrackerLayout
from crm.plain_text import multi_line, single_line
from crm.spreadsheets import GUARD, unguarded

#: What a column may be besides one of Hearth's: kept as a note, or left out.
NOTE, LEAVE_OUT = "note", "leave_out"
#: A column of whole names ("Jo Bloggs", "Bloggs, Jo"), split into first and last.
FULL_NAME = "full_name"
#: The value choice that adds a source to the council's list.
NEW_SOURCE = "__new__"
#: How far down a title may push the header row.
HEADER_SEARCH_ROWS = 30

_MILESTONE_LABELS = {column: f"{kind.label} (date)" for kind, column in MILESTONE_COLUMNS}
FIELD_LABELS: dict[str, str] = {
    "reference": "Reference",
    **{c: label for c, label in _MILESTONE_LABELS.items() if c == "enquiry_date"},
    "source": "How they heard (enquiry source)",
    "carer_type": "Mainstream or kinship",
    "first_name": "First name",
    "last_name": "Last name",
    FULL_NAME: "Full name (split into first and last)",
    "email": "Email",
    "phone": "Phone",
    "postcode": "Postcode",
    **{c: label for c, label in _MILESTONE_LABELS.items() if c != "enquiry_date"},
    "outcome": "Status, stage or outcome",
    "outcome_date": "Date withdrawn, put on hold or rejected",
    "withdrawal_reason": "Withdrawal reason",
    "last_contact_date": "Last contact (date)",
    "campaign": "Campaign",
    NOTE: "Keep as a note on the case",
    LEAVE_OUT: "Leave out",
}

#: Header words councils use, by Hearth's field (compared as `words` makes them).
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "reference": (
        "ref", "ref no", "reference", "reference no", "case ref", "case reference", "id",
        "case id", "enquiry ref", "enquiry no", "enquiry id", "our ref", "record no",
    ),
    "enquiry_date": (
        "date of enquiry", "enquiry date", "date enquiry received", "enquiry received",
        "date received", "received", "date of initial enquiry", "initial enquiry date",
    ),
    "first_name": ("first name", "forename", "forenames", "first names", "given name"),
    "last_name": ("surname", "last name", "family name"),
    FULL_NAME: (
        "name", "names", "full name", "applicant", "applicants", "applicant name",
        "applicant s name", "applicants names", "enquirer", "enquirer name", "carer name",
    ),
    "email": ("email", "e mail", "email address", "e mail address"),
    "phone": (
        "tel", "tel no", "telephone", "telephone no", "phone", "phone no", "mobile",
        "mobile no", "contact no", "contact tel",
    ),
    "postcode": ("postcode", "post code", "postal code"),
    "source": (
        "source", "how did you hear", "how did you hear about us", "how heard", "heard via",
        "enquiry source", "referral source", "where heard", "how did they hear",
        "how they heard", "heard about us",
    ),
    "carer_type": (
        "type", "carer type", "fostering type", "type of fostering", "type of carer",
        "enquiry type", "mainstream kinship", "mainstream or kinship", "mainstream and kinship",
    ),
    "first_contact_date": (
        "first contact", "date of first contact", "date contacted", "initial contact",
        "initial call", "date of initial contact", "first call", "contacted", "call back",
        "date called back",
    ),
    "initial_visit_date": (
        "initial visit", "iv", "iv date", "initial home visit", "date of initial visit",
        "home visit", "date of home visit", "ihv",
    ),
    "application_date": (
        "application", "application received", "date of application", "application form received",
        "date application received", "stage 1 start", "stage 1 started", "app received",
    ),
    "stage2_start_date": (
        "stage 2", "stage 2 start", "stage 2 started", "date stage 2 started", "form f started",
        "assessment started", "stage two",
    ),
    "panel_date": ("panel", "date of panel", "fostering panel", "panel date"),
    "approval_date": (
        "approval", "approved", "date approved", "adm", "adm date", "adm decision",
        "adm decision date", "date of approval",
    ),
    "outcome": ("status", "current status", "stage", "current stage", "progress", "outcome"),
    "outcome_date": (
        "date closed", "closed", "closure date", "date withdrawn", "withdrawn date",
        "date of withdrawal", "date of outcome", "end date", "closed date",
    ),
    "withdrawal_reason": (
        "reason", "reason for withdrawal", "withdrawal reason", "reason withdrawn",
        "reason for closure", "closure reason", "why withdrawn", "reason closed",
    ),
    "last_contact_date": ("last contact", "date of last contact", "last contacted"),
    "campaign": ("campaign", "campaign name", "marketing campaign"),
    NOTE: ("notes", "note", "comments", "comment", "additional information"),
}  # fmt: skip


def words(text: str) -> str:
    """A header or value as compared: case, spacing and punctuation aside, "&" as "and"
    ("Ref No." is "ref no"; "Family & Friends" is "family and friends")."""
    text = text.lower().replace("&", " and ").replace("_", " ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


_FIELD_OF_HEADER = {
    words(w): name
    for name, options in HEADER_WORDS.items()
    for w in (*options, name, FIELD_LABELS[name])
}


# --- the words of a column's values ------------------------------------------------------

OPEN = "open"
OUTCOME_CHOICES: list[tuple[str, str]] = [
    *((f"{OPEN}:{s.value}", f"Open: {s.label}") for s in OPEN_STAGES),
    (OPEN, "Open (the stage from its dates)"),
    ("approved", "Approved"),
    ("withdrawn_by_applicant", "Withdrawn by the applicant"),
    ("withdrawn_by_service", "Withdrawn by the service"),
    ("rejected", "Rejected (panel / ADM)"),
    ("on_hold", "On hold"),
]
REASON_CHOICES: list[tuple[str, str]] = [
    *((c, f"{c}: {label} (applicant)") for c, label in APPLICANT_WITHDRAWAL_REASONS.items()),
    *((code, f"{label} (service)") for code, label in SERVICE_WITHDRAWAL_REASONS.items()),
    ("not_recorded", "Not recorded (counted as other or unknown)"),
]  # fmt: skip
#: The reason choice that leaves the cell blank, for the importer's own assumption.
NOT_RECORDED = "not_recorded"
CARER_TYPE_CHOICES = [(t.value, t.label) for t in CarerType]

#: Words for a status, beyond Hearth's own outcomes: "Withdrawn" and "Closed" are left to
#: the council (by the applicant, or by the service?).
STATUS_WORDS = {
    "new": "open:enquiry", "enquiry": "open:enquiry", "new enquiry": "open:enquiry",
    "contacted": "open:contacted", "initial contact": "open:contacted",
    "initial visit": "open:initial_visit", "iv": "open:initial_visit",
    "iv done": "open:initial_visit", "initial visit done": "open:initial_visit",
    "application": "open:stage1", "stage 1": "open:stage1", "stage one": "open:stage1",
    "in stage 1": "open:stage1", "stage 1 checks": "open:stage1",
    "stage 2": "open:stage2", "stage two": "open:stage2", "in stage 2": "open:stage2",
    "assessment": "open:stage2", "form f": "open:stage2",
    "panel": "open:panel", "awaiting panel": "open:panel", "awaiting adm": "open:panel",
    "open": OPEN, "active": OPEN, "ongoing": OPEN, "in progress": OPEN,
    "approved": "approved",
    "on hold": "on_hold", "paused": "on_hold", "hold": "on_hold",
    "rejected": "rejected", "not approved": "rejected", "refused": "rejected",
    "applicant withdrew": "withdrawn_by_applicant", "withdrew": "withdrawn_by_applicant",
    "withdrawn applicant": "withdrawn_by_applicant",
    "withdrawn by applicant": "withdrawn_by_applicant",
    "service withdrew": "withdrawn_by_service", "not progressed": "withdrawn_by_service",
    "withdrawn service": "withdrawn_by_service", "closed by service": "withdrawn_by_service",
    "withdrawn by service": "withdrawn_by_service",
}  # fmt: skip
CARER_TYPE_GUESSES = {
    **{words(w): t.value for w, t in CARER_TYPE_WORDS.items()},
    "main": "mainstream", "mainstream fostering": "mainstream", "general": "mainstream",
    "kinship": "kinship", "kinship care": "kinship", "ff": "kinship", "f and f": "kinship",
    "connected carer": "kinship", "connected carers": "kinship", "family": "kinship",
}  # fmt: skip
#: Free-text reasons, by a word they hold: a guess offered, never applied unseen.
REASON_HINTS = [
    (("moving", "move", "relocat", "house", "pregnan", "separat", "divorce", "bereave",
      "new job", "circumstances"), "AW3"),
    (("financ", "money", "afford", "cost", "income"), "AW4"),
    (("allegation",), "AW5"),
    (("not as expected", "not what"), "AW1"),
    (("no contact", "no response", "uncontactable", "lost contact", "not responding"),
     "no_contact"),
    (("not ready",), "not_ready"),
    (("accommodation", "bedroom", "space"), "accommodation"),
    (("safeguarding",), "safeguarding"),
]  # fmt: skip
VALUE_FIELDS = ("carer_type", "outcome", "withdrawal_reason", "source")


def value_choices(name: str) -> list[tuple[str, str]]:
    """What one of the file's words in the column `name` may mean."""
    if name == "carer_type":
        return CARER_TYPE_CHOICES
    if name == "outcome":
        return OUTCOME_CHOICES
    if name == "withdrawal_reason":
        return REASON_CHOICES
    return [(NEW_SOURCE, "Add it to the list as a new source"), *source_choices()]


def understood(name: str, text: str, sources: SourceMatcher) -> bool:
    """Whether Hearth's own importer reads the value as it is (nothing to decide)."""
    if name == "carer_type":
        return by_name(CarerType, text, CARER_TYPE_WORDS) is not None
    if name == "outcome":
        return words(text) in {words(k) for k in OUTCOMES_BY_NAME}
    if name == "withdrawal_reason":
        return text.upper() in APPLICANT_WITHDRAWAL_REASONS or text in SERVICE_WITHDRAWAL_REASONS
    return sources.match(text)[0] is not None


def guess_value(name: str, text: str) -> str | None:
    """What a value most likely means, offered on the mapping page; None: ask."""
    key = words(text)
    if name == "carer_type":
        return CARER_TYPE_GUESSES.get(key)
    if name == "outcome":
        return STATUS_WORDS.get(key) or OUTCOMES_BY_NAME.get(text.strip().lower())
    if name == "withdrawal_reason":
        if key.upper() in APPLICANT_WITHDRAWAL_REASONS:
            return key.upper()
        for label_words, code in REASON_HINTS:
            if any(w in key for w in label_words):
                return code
    return None


# --- the layout ----------------------------------------------------------------------


@dataclass
class Grid:
    """A file's rows as text, each with its own row number in the file (blank rows
    dropped), and the header row's position."""

    header_row: int  # 1-based
    headers: list[str]
    rows: list[tuple[int, list[str]]]

    @property
    def width(self) -> int:
        return max([len(self.headers), *(len(cells) for _, cells in self.rows)])

    def column_name(self, place: int) -> str:
        """A column as the file names it, or by its letter where its header is blank."""
        header = self.headers[place] if place < len(self.headers) else ""
        return header or f"Column {column_letter(place)}"

    def has_data(self, place: int) -> bool:
        return any(place < len(cells) and cells[place] for _, cells in self.rows)

    def values(self, place: int) -> dict[str, int]:
        """The column's distinct values (as first spelt, compared as `words`), with rows."""
        counts: dict[str, int] = {}
        spelt: dict[str, str] = {}
        for _, cells in self.rows:
            if place < len(cells) and cells[place]:
                first = spelt.setdefault(words(cells[place]), cells[place])
                counts[first] = counts.get(first, 0) + 1
        return counts


def column_letter(place: int) -> str:
    letters = ""
    place += 1
    while place:
        place, rest = divmod(place - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Layout:
    """Which of Hearth's fields each column is (by position), and what the file's words
    mean in the columns mapped to a value field: {field: {words(value): choice}}."""

    headers: list[str]
    columns: list[str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def column_of(self, name: str) -> int | None:
        return self.columns.index(name) if name in self.columns else None

    def meaning(self, name: str, text: str) -> str | None:
        return self.values.get(name, {}).get(words(text))

    def problems(self) -> list[str]:
        """What keeps the mapping from giving Hearth's columns, all at once."""
        found = []
        for name in REQUIRED:
            if name not in self.columns:
                found.append(
                    f"No column is mapped to {FIELD_LABELS[name].lower()}: it is required."
                )
        for name in dict.fromkeys(self.columns):
            if name not in (NOTE, LEAVE_OUT) and self.columns.count(name) > 1:
                found.append(
                    f"{FIELD_LABELS[name]} is chosen for more than one column: choose it for one, "
                    "and keep the others as notes."
                )
        if FULL_NAME in self.columns and {"first_name", "last_name"} & set(self.columns):
            found.append("Choose a full name column, or first and last name columns, not both.")
        return found


def fingerprint(headers: Iterable[str]) -> str:
    """The layout's key: its header words in order, case, spacing and punctuation aside
    (a blank header counts, as its place), trailing blanks dropped."""
    cells = [words(h) for h in headers]
    while cells and not cells[-1]:
        cells.pop()
    return hashlib.sha256("\x1f".join(cells).encode()).hexdigest()


def _header_score(cells: list[str]) -> int:
    return sum(1 for c in cells if words(c) in _FIELD_OF_HEADER)


def find_header_row(rows: list[list[str]], remembered: set[str] = frozenset()) -> int:
    """Where the headers are (1-based), below any title rows: a header row whose layout
    is remembered; else the row naming most of Hearth's columns (at least two); else the
    first row with two cells or more (a merged title has one)."""
    for number, cells in enumerate(rows, start=1):
        if any(cells) and fingerprint(cells) in remembered:
            return number
    scores = [_header_score(cells) for cells in rows]
    if scores and max(scores) >= 2:
        return scores.index(max(scores)) + 1
    for number, cells in enumerate(rows, start=1):
        if sum(1 for c in cells if c) >= 2:
            return number
    return 1


def guess_layout(grid: Grid) -> Layout:
    """Each column's likely field: by its header words; a column Hearth has no word
    for is kept as a note (never refused); an empty column without a header, left out."""
    columns: list[str] = []
    for place in range(grid.width):
        header = grid.headers[place] if place < len(grid.headers) else ""
        name = _FIELD_OF_HEADER.get(words(header))
        if name is None or name in columns and name not in (NOTE, LEAVE_OUT):
            name = NOTE if header or grid.has_data(place) else LEAVE_OUT
        columns.append(name)
    return Layout(list(grid.headers), columns)


def to_decide(grid: Grid, layout: Layout, sources: SourceMatcher) -> dict[str, dict[str, int]]:
    """The values the council must say the meaning of, by field: every value of a
    mapped value column that Hearth's importer does not read as it is."""
    found: dict[str, dict[str, int]] = {}
    for name in VALUE_FIELDS:
        place = layout.column_of(name)
        if place is None:
            continue
        pending = {v: n for v, n in grid.values(place).items() if not understood(name, v, sources)}
        if pending:
            found[name] = pending
    return found


def undecided(grid: Grid, layout: Layout, sources: SourceMatcher) -> list[tuple[str, str]]:
    """(field, value) of the file the layout does not yet say the meaning of."""
    return [
        (name, value)
        for name, values in to_decide(grid, layout, sources).items()
        for value in values
        if layout.meaning(name, value) is None
    ]


# --- the file read through its layout -------------------------------------------------


def read_grid(source: str | Path | IO[bytes], filename: str | None = None) -> Grid:
    """The file's rows as text, its header row found (remembered layouts first)."""
    rows = read_rows(source, filename, _numbered)
    top = [cells for _, cells in rows[:HEADER_SEARCH_ROWS]]
    fingerprints = {fingerprint(c) for c in top if any(c)}
    header_row = find_header_row(top, _remembered_among(fingerprints))
    _, headers = rows[header_row - 1] if rows else (1, [])
    while headers and not headers[-1]:
        headers = headers[:-1]
    data = [(number, cells) for number, cells in rows[header_row:] if any(cells)]
    return Grid(header_row, headers, data)


def _numbered(rows: Iterator[list[str]]) -> list[tuple[int, list[str]]]:
    """Every row with its number, its cells one line of text each (a note's line breaks
    kept), a spreadsheet guard (') taken off as the reader does."""
    found = []
    for number, cells in enumerate(rows, start=1):
        cells = [multi_line(c).strip() if isinstance(c, str) else str(c) for c in cells]
        if any(GUARD in c for c in cells):
            cells = [unguarded(c) for c in cells]
        found.append((number, cells))
    return found


def split_name(text: str) -> tuple[str, str]:
    """'Jo Bloggs' -> ('Jo', 'Bloggs'); 'Bloggs, Jo' -> ('Jo', 'Bloggs'); one word is a
    last name."""
    text = single_line(text).strip()
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip(), last.strip()
    first, _, last = text.rpartition(" ")
    return first.strip(), last.strip()


def mapped_table(grid: Grid, layout: Layout) -> Table:
    """The file in Hearth's columns (and `stage`, `note`), each row numbered as in the
    file: values mapped as the layout says, notes gathered from the columns kept as notes."""
    notes = [p for p, name in enumerate(layout.columns) if name == NOTE]
    fields = {name: p for p, name in enumerate(layout.columns) if name not in (NOTE, LEAVE_OUT)}
    headers = [c for c in COLUMNS if c in fields]
    if FULL_NAME in fields:
        headers += ["first_name", "last_name"]
    if "outcome" in fields:
        headers.append("stage")
    if notes:
        headers.append("note")
    rows = []
    for _, cells in grid.rows:
        cells = cells + [""] * (len(layout.columns) - len(cells))
        row = {name: single_line(cells[p]) for name, p in fields.items() if name != FULL_NAME}
        if FULL_NAME in fields:
            row["first_name"], row["last_name"] = split_name(cells[fields[FULL_NAME]])
        _map_values(row, layout)
        if notes:
            row["note"] = "\n".join(f"{grid.column_name(p)}: {cells[p]}" for p in notes if cells[p])
        rows.append({h: row.get(h, "") for h in headers})
    return Table(headers, rows, grid.header_row + 1, [n for n, _ in grid.rows])


def _map_values(row: dict[str, str], layout: Layout) -> None:
    for name in ("carer_type", "withdrawal_reason", "outcome"):
        given = row.get(name, "")
        meaning = layout.meaning(name, given) if given else None
        if meaning is None:
            continue
        if name == "outcome" and meaning.startswith(f"{OPEN}:"):
            row["outcome"], row["stage"] = OPEN, meaning.split(":", 1)[1]
        elif meaning == NOT_RECORDED:
            row[name] = ""
        else:
            row[name] = meaning


def source_matcher(
    grid: Grid,
    layout: Layout,
    also: dict[str, str] | None = None,
    add_unknown: bool = False,
) -> SourceMatcher:
    """The council's list of sources with what the layout decided for this file's
    values on none of it (mapped to one, or added as new), and `also` besides."""
    place = layout.column_of("source")
    decided = {}
    if place is not None:
        decided = {v: layout.meaning("source", v) for v in grid.values(place)}
    mapping = {value: code for value, code in decided.items() if code and code != NEW_SOURCE}
    new = {v for v, code in decided.items() if code == NEW_SOURCE}
    return SourceMatcher.load({**mapping, **(also or {})}, add_unknown, add=new)


# --- remembered layouts -----------------------------------------------------------------


def remembered(grid: Grid) -> Layout | None:
    """The layout saved for this file's header row, if any (a column past the headers
    that this file fills, and the saved one did not, is kept as a note)."""
    saved = db.session.scalar(
        sa.select(TrackerLayout).where(TrackerLayout.fingerprint == fingerprint(grid.headers))
    )
    if saved is None:
        return None
    columns = list(saved.columns)[: grid.width]
    columns += [NOTE if grid.has_data(p) else LEAVE_OUT for p in range(len(columns), grid.width)]
    values = {k: dict(v) for k, v in (saved.values or {}).items()}
    return Layout(list(grid.headers), columns, values)


def remember(layout: Layout) -> TrackerLayout:
    """Save the layout for the next upload of the same header row (does not commit)."""
    key = fingerprint(layout.headers)
    saved = db.session.scalar(sa.select(TrackerLayout).where(TrackerLayout.fingerprint == key))
    if saved is None:
        saved = TrackerLayout(fingerprint=key)
        db.session.add(saved)
    saved.headers = list(layout.headers)
    saved.columns = list(layout.columns)
    saved.values = {k: dict(v) for k, v in layout.values.items() if v}
    db.session.flush()
    return saved


def is_hearths_own(grid: Grid) -> bool:
    """Whether the file is in Hearth's own columns, headers on the first row (read as it is)."""
    return grid.header_row == 1 and bool(grid.headers) and set(grid.headers) <= set(ACCEPTED)


class LayoutNeeded(Exception):
    """The file is not in Hearth's columns and no layout (or not all of one) is known."""

    def __init__(self, message: str, grid: Grid | None = None):
        super().__init__(message)
        self.grid = grid


def is_mapped_file(source: str | Path, filename: str | None = None) -> bool:
    """Whether the file needs its layout (title rows, or headers not Hearth's), judged
    from its first rows."""
    top = first_rows(source, filename, HEADER_SEARCH_ROWS)
    fingerprints = {fingerprint(c) for c in top if any(c)}
    header_row = find_header_row(top, _remembered_among(fingerprints))
    headers = list(top[header_row - 1]) if top else []
    while headers and not headers[-1]:
        headers.pop()
    return header_row != 1 or not headers or not set(headers) <= set(ACCEPTED)


@dataclass
class Prepared:
    """A tracker ready to import: its table in Hearth's columns, the council's sources
    as decided, and, for a council's own layout, the layout and the file's rows."""

    table: Table
    sources: SourceMatcher
    layout: Layout | None = None
    grid: Grid | None = None

    def their_column(self, name: str) -> str:
        """A Hearth column as the council's file names it ("Date of Enquiry")."""
        if self.layout is None or self.grid is None:
            return name
        owner = "outcome" if name == "stage" else name
        if owner in ("first_name", "last_name") and FULL_NAME in self.layout.columns:
            owner = FULL_NAME
        place = self.layout.column_of(owner)
        return self.grid.column_name(place) if place is not None else name


def prepare(
    source: str | Path,
    filename: str | None = None,
    mapping: dict[str, str] | None = None,
    add_unknown: bool = False,
) -> Prepared:
    """The file as Hearth's tracker importer reads it: as it is when it is in Hearth's
    columns, else through its remembered layout; `mapping` and `add_unknown` are the
    sources decided besides (the preview's choices, the command line's). Raises
    LayoutNeeded when the layout is not known, or leaves some of the file's words
    undecided."""
    if not is_mapped_file(source, filename):
        return Prepared(read_table(source, filename), SourceMatcher.load(mapping, add_unknown))
    grid = read_grid(source, filename)
    layout = remembered(grid)
    if layout is None:
        raise LayoutNeeded(
            "The tracker's columns are not Hearth's, and its layout has not been mapped yet.",
            grid,
        )
    problems = layout.problems()
    left = undecided(grid, layout, SourceMatcher.load())
    if problems or left:
        said = problems + [f"what {value!r} means ({FIELD_LABELS[n].lower()})" for n, value in left]
        raise LayoutNeeded("The tracker's layout needs deciding: " + "; ".join(said) + ".", grid)
    matcher = source_matcher(grid, layout, mapping, add_unknown)
    return Prepared(mapped_table(grid, layout), matcher, layout, grid)


def _remembered_among(fingerprints: set[str]) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(TrackerLayout.fingerprint).where(TrackerLayout.fingerprint.in_(fingerprints))
        )
    )


def prepare_sources(
    prepared: Prepared, mapping: dict[str, str], add_unknown: bool
) -> SourceMatcher:
    """A fresh list of sources for the import: the layout's decisions and these besides."""
    if prepared.layout is None or prepared.grid is None:
        return SourceMatcher.load(mapping, add_unknown=add_unknown)
    return source_matcher(prepared.grid, prepared.layout, mapping, add_unknown)

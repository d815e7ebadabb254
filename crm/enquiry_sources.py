"""The council's own list of enquiry sources: what forms offer, what reports call each
source, and how an importer matches a spreadsheet's free text ("Facebook ", "radio")
to it. One place, so a source added under Admin or by an import is everywhere at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from crm.domain.case_vocabulary import EnquiryChannel
from crm.domain.reference import DEFAULT_ENQUIRY_SOURCES
from crm.extensions import db
from crm.models import Campaign, EnquirySource
from crm.plain_text import plain
from crm.request_cache import read_once


def all_sources() -> list[EnquirySource]:
    """Every source, the live ones first, each group in the order they were added."""
    return list(
        db.session.scalars(
            sa.select(EnquirySource).order_by(EnquirySource.retired, EnquirySource.id)
        )
    )


def source_choices() -> list[tuple[str, str]]:
    """(code, label) of the sources a new enquiry may name: the retired ones are left out."""
    return [(s.code, s.label) for s in all_sources() if not s.retired]


#: Hearth's first default "sources" that are ways of getting in touch, not of hearing
#: about fostering: a new enquiry records them as its channel (Case.channel) instead, and
#: migration 0047 moved them there on older enquiries (their source: NOT_RECORDED).
CHANNELS_NOT_SOURCES = {"website": EnquiryChannel.WEB_FORM, "phone": EnquiryChannel.PHONE}
#: An older enquiry's source when all it held was its channel.
NOT_RECORDED = "not_recorded"


def heard_choices() -> list[tuple[str, str]]:
    """(code, label) of the answers to "how did they hear about us?": the live sources
    without the channels and without "not recorded" (for older enquiries only)."""
    return [
        (code, label)
        for code, label in source_choices()
        if code not in CHANNELS_NOT_SOURCES and code != NOT_RECORDED
    ]


def source_labels() -> dict[str, str]:
    """Every source's label by its code, retired ones included (old enquiries name them);
    read once a request (do not change the dict)."""
    return read_once(EnquirySource, "labels", lambda: {s.code: s.label for s in all_sources()})


def source_label(code: str) -> str:
    """One source's name on the council's list (its code if it is on none)."""
    return source_labels().get(code) or code


def campaign_names() -> dict[str, str]:
    """The council's campaigns (Admin > Campaigns) by their plain name, so a file's
    'spring RADIO ' is the campaign 'Spring radio'."""
    return {plain(name): name for name in db.session.scalars(sa.select(Campaign.name))}


def ensure_default_sources() -> None:
    """Add any of Hearth's default sources missing from the list (a database built with
    create_all rather than the migrations, as the tests and benchmarks do)."""
    held = set(db.session.scalars(sa.select(EnquirySource.code)))
    for code, label in DEFAULT_ENQUIRY_SOURCES.items():
        if code not in held:
            db.session.add(EnquirySource(code=code, label=label))
    db.session.flush()


def code_for(label: str, taken: set[str]) -> str:
    """A stable code for a new source's label: 'Information evening' ->
    'information_evening', with a number added if that is taken."""
    base = re.sub(r"[^a-z0-9]+", "_", plain(label)).strip("_")[:36] or "source"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


def tidy_label(text: str) -> str:
    """A spreadsheet's spelling as a label: spaces collapsed, first letter capital."""
    words = " ".join(text.split())
    return words[:1].upper() + words[1:]


def add_source(label: str) -> EnquirySource:
    """A new source on the list (does not commit). Its code is derived from the label."""
    taken = set(db.session.scalars(sa.select(EnquirySource.code)))
    source = EnquirySource(code=code_for(label, taken), label=tidy_label(label)[:120])
    db.session.add(source)
    db.session.flush()
    return source


class UnknownSourceMapping(ValueError):
    """A --map-source (or the upload page's mapping) names a source not on the list."""


@dataclass
class SourceMatcher:
    """Matches an importer's free text to the council's list, case and spacing aside;
    `mapping` says what the council decided for values not on it (text -> code), and
    `add_unknown` that any other value becomes a new source."""

    mapping: dict[str, str] = field(default_factory=dict)
    add_unknown: bool = False
    known: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    #: Values to add as new sources, by their plain form: (label, code).
    to_add: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Values (plain) the council decided one by one to add as new sources.
    add: set[str] = field(default_factory=set)

    @classmethod
    def load(
        cls,
        mapping: dict[str, str] | None = None,
        add_unknown: bool = False,
        add: set[str] | None = None,
    ):
        """The list as it stands; each mapping's target must be on it (code or label);
        `add`: values to add as new sources (the others as `add_unknown` says)."""
        sources = all_sources()
        known = {plain(s.code): s.code for s in sources} | {plain(s.label): s.code for s in sources}
        resolved = {}
        for text, target in (mapping or {}).items():
            code = known.get(plain(target))
            if code is None:
                choices = ", ".join(s.code for s in sources if not s.retired)
                raise UnknownSourceMapping(
                    f"{target!r} (for {text!r}) is not an enquiry source; use one of {choices}"
                )
            resolved[plain(text)] = code
        labels = {s.code: s.label for s in sources}
        return cls(resolved, add_unknown, known, labels, add={plain(v) for v in add or ()})

    def match(self, text: str) -> tuple[str | None, str | None]:
        """(code, how it was matched: None when on the list, else words for a warning),
        or (None, None) when the value is unknown and nothing was decided for it."""
        key = plain(text)
        if key in self.known:
            return self.known[key], None
        if key in self.mapping:
            code = self.mapping[key]
            return code, f"{text!r} counted as {self.labels[code]} (as mapped)"
        if not self.add_unknown and key not in self.add:
            return None, None
        if key not in self.to_add:
            taken = set(self.labels) | {code for _, code in self.to_add.values()}
            self.to_add[key] = (tidy_label(text), code_for(text, taken))
        label, code = self.to_add[key]
        return code, f"{label!r} added as a new enquiry source"

    def add_new_sources(self) -> None:
        """Put the values decided to be new on the list (with the import's writing)."""
        for label, code in self.to_add.values():
            db.session.add(EnquirySource(code=code, label=label[:120]))
        db.session.flush()

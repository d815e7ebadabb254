"""Names that sound alike, and how alike two names are: what lets search find the person
meant when a name was misspelled ("Jaqueline Brown" for Jacqueline Brown, "Geraldine
Brooks" for Brookes, "Iain Smyth" for Ian Smith, "Shiobhan" for Siobhan).

Each word of a name has its Double Metaphone codes (Lawrence Philips' algorithm, which
knows English spelling's silent and doubled letters and gives a second code where a
name is said two ways: "Siobhan" is SPN or XPN, "Shiobhan" XPN). A case keeps its name's
codes in one column (`Case.name_sounds`), so a search looks codes up in an index rather
than comparing names one by one; what it finds is then put in order by `likeness`.
"""

from __future__ import annotations

import functools
import re

from metaphone import doublemetaphone

from crm.domain.contact import folded

_WORD = re.compile(r"[a-z]+")
_CODE = re.compile(r"[A-Z0-9]+")


@functools.lru_cache(maxsize=65536)
def word_sounds(word: str) -> tuple[str, ...]:
    """The Double Metaphone codes of one folded word (one or two; none for a word with
    nothing to say, such as a lone vowel sign). Remembered: a service's names are a few
    thousand words used over and over (600,000 national names: 52 s -> 13 s)."""
    codes = []
    for code in doublemetaphone(word):
        if code and _CODE.fullmatch(code) and code not in codes:
            codes.append(code)
    return tuple(codes)


def name_words(text: str | None) -> list[str]:
    """The words of a name as search compares them: folded (no accents, apostrophes or
    hyphens), letters only."""
    return _WORD.findall(folded(text))


def name_sounds(first_name: str | None, last_name: str | None = None) -> str:
    """Every code of every word of the name, once each, space-separated: what
    `Case.name_sounds` holds ("Siobhan O'Brien" -> "SPN XPN APRN")."""
    codes: list[str] = []
    for word in name_words(f"{first_name or ''} {last_name or ''}"):
        codes.extend(c for c in word_sounds(word) if c not in codes)
    return " ".join(codes)[:200]


def typed_sounds(text: str) -> list[tuple[str, ...]]:
    """For each word typed, the codes any of which a name must hold to sound like it:
    every word must be matched ("Iain Smyth" wants AN, and SM0 or XMT)."""
    return [codes for word in name_words(text) if (codes := word_sounds(word))]


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def spelling_likeness(a: str, b: str) -> float:
    """How alike two words are spelt, 0 to 1: the share of their three-letter pieces
    they have in common, as PostgreSQL's pg_trgm measures it ("brooks"/"brookes" 0.6)."""
    ta, tb = _trigrams(a), _trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


#: The least a word typed must fit some word of a name for the name to be offered at all:
#: sounding alike (0.5) does, or a spelling more than half the same (0.3 is 0.6 of it).
#: "Geraldine Banks" is not offered for "Geraldine Brooks" (brooks/banks fit 0.09).
LEAST_WORD_FIT = 0.3


def likeness(typed: str, name: str) -> float:
    """How well a name fits what was typed, 0 to 1, to put the names that sound alike in
    order, best first: for each word typed, its best fit among the name's words (half
    for sounding alike, half for the spelling), averaged over the words typed; 0 when a
    word typed fits none of the name's words (below `LEAST_WORD_FIT`)."""
    typed_words, words = name_words(typed), name_words(name)
    if not typed_words or not words:
        return 0.0
    fits = []
    for t in typed_words:
        sounds = set(word_sounds(t))
        fits.append(
            max(
                0.5 * bool(sounds & set(word_sounds(w))) + 0.5 * spelling_likeness(t, w)
                for w in words
            )
        )
    return 0.0 if min(fits) < LEAST_WORD_FIT else sum(fits) / len(fits)

"""People's names, phone numbers and postcodes in one written form each, so that search
and duplicate detection match however someone typed them."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from crm.domain.case_vocabulary import ActivityKind

_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")
# A UK number written nationally (0 and ten digits, perhaps spaced or hyphenated), the
# commonest form by far: its E.164 form is plain, and phonenumbers' parse cost an
# import of 100,000 rows 2.4 s. tests/test_contact.py holds it to the library's answer.
_UK_NATIONAL = re.compile(r"0[1-9]\d{9}")
_SPACING = str.maketrans("", "", " -")
#: What a name's search form leaves out: apostrophes (straight and curly), backticks, hyphens.
_UNSPOKEN = str.maketrans("", "", "'’‘`-")


def normalise_postcode(text: str | None) -> str | None:
    """ "le27ab", "LE2  7AB" and "LE2 7AB" are all "LE2 7AB"; anything that is not a UK
    postcode is kept as typed (in capitals), never lost."""
    if not text or not text.strip():
        return None
    packed = "".join(text.upper().split())
    found = _POSTCODE.match(packed)
    return f"{found.group(1)} {found.group(2)}" if found else " ".join(text.upper().split())


def phone_key(text: str | None) -> str | None:
    """The number in international form (E.164, "+447700900456") for matching:
    "07700 900456", "+44 (0)7700 900 456" and "0044 7700 900456" are one number.
    Read as a UK number unless it says otherwise (phonenumbers, Google's library)."""
    if not text or not any(ch.isdigit() for ch in text):
        return None
    packed = text.translate(_SPACING)
    if _UK_NATIONAL.fullmatch(packed):
        return "+44" + packed[1:]
    try:
        # Letters would be read as a keypad's ("ext" as 398): keep what a number has.
        number = phonenumbers.parse(re.sub(r"[^\d+()\s-]", "", text.replace("(0)", "")), "GB")
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in text if ch.isdigit())[:20] or None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def folded(text: str | None) -> str:
    """Lower case without accents, apostrophes or hyphens: what search matches on, so
    "siobhan obrien" finds "Siobhán O'Brien" and "Anne-Marie" is found by "annemarie"."""
    if not text:
        return ""
    if text.isascii():  # nothing to decompose, and casefold is lower (most names)
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(plain.translate(_UNSPOKEN).split())


def phone_search_digits(text: str) -> str:
    """The digits of (part of) a phone number as they appear inside its E.164 key: no
    country code or trunk 0, so "07700 900456", "+44 7700" and "900 456" all find it."""
    digits = "".join(ch for ch in text if ch.isdigit())
    for prefix in ("0044", "44"):
        if digits.startswith(prefix) and len(digits) > 6:
            digits = digits[len(prefix) :]
            break
    return digits.lstrip("0")


#: What is a contact with the enquirer: a call, an email or a meeting (a visit).
#: A note or a task is the service's own record, not a contact.
CONTACT_ACTIVITIES = frozenset({ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.VISIT})


def is_first_contact(kind: ActivityKind, first_contact_recorded: bool) -> bool:
    """A call, email or meeting logged with the enquirer is their first contact when none
    is recorded yet: response time is "working days from enquiry to first contact" (the
    councils' KPI, e.g. Leicester City's sufficiency plan, action 10: "shorter response
    times"), and the person has been answered once someone spoke or wrote to them. The
    late-first-contact clock and the response-time figure both read the first contact
    step this records, so they cannot disagree."""
    return kind in CONTACT_ACTIVITIES and not first_contact_recorded

"""Text as a person meant it: control characters taken out wherever text comes in.

Nobody means to type a NUL, a bell or a carriage return into a name. Let in, such a
character stops PostgreSQL storing the text (NUL), an email header being built from it
(CR or LF: one public enquiry once held back every notification email) and a workbook
being written (openpyxl refuses most of C0). Every form, the importers and the
writers of emails and spreadsheets clean text with these two functions.

A single-line value (a name, a reference, an email address) keeps no line break or
tab: each becomes a space. A multi-line value (a note) keeps its line breaks, written
as "\\n" whatever the browser or file sent ("\\r\\n", "\\r", a Unicode line separator);
a tab becomes a space. Every other control character (C0, DEL, C1) is dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache

_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_TAB_OR_BREAK = re.compile("\r\n|[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def single_line(value):
    """A one-line value with no control character: breaks and tabs become spaces.
    Anything but a string (a date, a list, None) is returned as it is."""
    if not isinstance(value, str) or value.isprintable():  # the usual case, tested fast
        return value
    return _CONTROL.sub("", _TAB_OR_BREAK.sub(" ", value))


def multi_line(value):
    """A note keeps its line breaks (as "\\n") and loses every other control character."""
    if not isinstance(value, str) or value.isprintable():
        return value
    return _CONTROL_BUT_NEWLINE.sub("", _LINE_BREAK.sub("\n", value).replace("\t", " "))


@lru_cache(maxsize=4096)
def plain(text: str) -> str:
    """Case, spacing and underscores ignored: 'Social_media ' matches 'social media'.
    Remembered: a column's few values (sources, outcomes) come back row after row."""
    return " ".join(text.replace("_", " ").lower().split())

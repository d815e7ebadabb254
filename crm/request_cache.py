"""What a page reads once however often it asks: the council's settings and its list of
enquiry sources. A list page named each row's source through a query of its own (ten
queries on an officer's home page) and several rules each read the settings again.

Kept for the length of one request only, and forgotten as soon as the request's
session writes a change to the table it came from, so a page never shows a value older
than what it just saved. Outside a request (the CLI, jobs) every call reads afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from typing import TypeVar

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Session

T = TypeVar("T")
_KEY = "hearth.read_once"


def read_once(model: type, name: str, make: Callable[[], T]) -> T:
    """`make()`, read from `model`'s table, once per request under `name`."""
    if not has_request_context():
        return make()
    kept = request.environ.setdefault(_KEY, {})
    if (model, name) not in kept:
        kept[(model, name)] = make()
    return kept[(model, name)]


@sa.event.listens_for(Session, "after_flush")
def _forget_what_changed(session: Session, _context) -> None:
    if not has_request_context() or not (kept := request.environ.get(_KEY)):
        return
    changed = {type(o) for o in chain(session.new, session.dirty, session.deleted)}
    for key in [k for k in kept if k[0] in changed]:
        del kept[key]

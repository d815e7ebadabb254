"""The applicant's session, kept apart from staff sessions.

Staff sign in through Flask-Login, which reads its own keys of the session cookie; an
applicant's session holds only DOOR_CASE (their case's id) and DOOR_SEEN (when they last
opened a page), which Flask-Login never reads, so a door session never passes a staff
route's check. Signing in at the door clears the whole session first (a staff sign-in in
the same browser ends), and a door page refuses anyone signed in as staff, so neither
kind of session can be used as the other. After DOOR_IDLE_MINUTES without a page, the
applicant must sign in again.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from flask import current_app, g, redirect, session, url_for
from flask_login import current_user

from crm.extensions import db
from crm.models import Case

DOOR_CASE = "door_case_id"
DOOR_SEEN = "door_seen_at"


def sign_in(case: Case) -> None:
    session.clear()
    session.permanent = True
    session[DOOR_CASE] = case.id
    session[DOOR_SEEN] = int(time.time())


def sign_out() -> None:
    session.pop(DOOR_CASE, None)
    session.pop(DOOR_SEEN, None)


def signed_in_case() -> Case | None:
    """The case of the applicant signed in to this session, or None (none signed in, a
    staff session, or idle too long)."""
    if current_user.is_authenticated:  # staff: never an applicant
        return None
    case_id, seen = session.get(DOOR_CASE), session.get(DOOR_SEEN)
    if not isinstance(case_id, int) or not isinstance(seen, int):
        return None
    now = int(time.time())
    if now - seen > current_app.config["DOOR_IDLE_MINUTES"] * 60:
        sign_out()
        return None
    session[DOOR_SEEN] = now
    return db.session.get(Case, case_id)


def applicant_required(view: Callable) -> Callable:
    """The view runs only for a signed-in applicant, with their case as g.door_case;
    anyone else is sent to the door's sign-in page."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        case = signed_in_case()
        if case is None:
            return redirect(url_for("door.sign_in"))
        g.door_case = case
        return view(*args, **kwargs)

    return wrapped

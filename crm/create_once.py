"""Create forms act once: pressing Save twice, or Back and Save again, adds one record.

Each create form carries a random one-time token. The request that acts on it first
claims the token in the database (a unique key, so of two racing requests one
waits and then finds it taken); a later send of the same form is sent to what the
first one made. A form refused for its content claims nothing (the claim rolls back
with the rest), so it can be corrected and sent again.

The token alone is not enough: every page is sent `no-store`, so Back fetches the form
afresh, with a new token, and the browser puts back what was typed. So each claim also
keeps a fingerprint of who sent what to which page; the same details sent again by the
same person to the same page within KEPT_FOR are that first sending, whatever token
they carry.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import flash, redirect, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField

from crm.extensions import db
from crm.formfields import Form
from crm.models.submission import FormSubmission
from crm.timeutil import utcnow

KEPT_FOR = timedelta(days=2)
ALREADY_SENT = "That form was already sent, so nothing was added twice. This is what it added."
SAME_DETAILS = (
    "That form was already sent with these same details, so nothing was added twice: "
    "this is what it added. To add another just like it, change something in it (the "
    "note, say)."
)
#: A form's own bookkeeping, never part of what was sent.
_NOT_DETAILS = frozenset({"once", "csrf_token", "submit"})


def new_token() -> str:
    return secrets.token_urlsafe(24)


class OnceForm(Form):
    """A form that creates something; render `form.once` beside `form.csrf_token`."""

    once = HiddenField(default=new_token)


def already_sent(form: OnceForm, say: bool = True):
    """Claim the form's token, or, when an earlier send claimed it, the redirect to what
    that one made (None: go ahead, and call `done` with the new record's page)."""
    token = _token(form)
    if not token:
        return None  # not a create form, or a page from before tokens
    earlier = db.session.get(FormSubmission, token)
    message = ALREADY_SENT
    if earlier is None:
        sent = fingerprint(form)
        earlier = _same_details(sent)
        message = SAME_DETAILS
    if earlier is None:
        db.session.add(FormSubmission(token=token, fingerprint=sent))
        try:
            db.session.flush()
            return None
        except IntegrityError:  # a twin request claimed it a moment ago
            db.session.rollback()
            earlier = db.session.get(FormSubmission, token)
            message = ALREADY_SENT
    if say:
        flash(message, "info")
    return redirect(earlier.result or request.path)


def fingerprint(form: OnceForm) -> str:
    """Who sent what to which page, as a digest: the details as the form read them
    (spacing and case aside), the page's path, and the signed-in user (none: the public)."""
    details = {
        name: _plain(field.data) for name, field in form._fields.items() if name not in _NOT_DETAILS
    }
    who = current_user.id if current_user.is_authenticated else None
    text = json.dumps(
        [request.path, who, type(form).__name__, details], sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value):
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _same_details(sent: str) -> FormSubmission | None:
    """The earlier sending of the same details, while it is kept and what it made is known."""
    return db.session.scalar(
        sa.select(FormSubmission)
        .where(
            FormSubmission.fingerprint == sent,
            FormSubmission.result.is_not(None),
            FormSubmission.at >= utcnow() - KEPT_FOR,
        )
        .order_by(FormSubmission.at)
        .limit(1)
    )


def done(form: OnceForm, page: str) -> None:
    """Say where the record this form made is, for any second send to be taken to."""
    token = _token(form)
    submission = db.session.get(FormSubmission, token) if token else None
    if submission is not None:
        submission.result = page


def _token(form) -> str:
    return (form.once.data or "")[:64] if isinstance(form, OnceForm) else ""


def forget_before(moment: datetime) -> int:
    """Drop tokens older than anyone would press Back to (the retention job)."""
    gone = db.session.execute(sa.delete(FormSubmission).where(FormSubmission.at < moment))
    return gone.rowcount or 0

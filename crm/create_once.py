"""Create forms act once: pressing Save twice, or Back and Save again, adds one record.

Each create form carries a random one-time token. The request that acts on it first
claims the token in the database (a unique key, so of two racing requests one
waits and then finds it taken); a later send of the same form is sent to what the
first one made. A form refused for its content claims nothing (the claim rolls back
with the rest), so it can be corrected and sent again.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import flash, redirect, request
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField

from crm.extensions import db
from crm.formfields import Form
from crm.models.submission import FormSubmission

KEPT_FOR = timedelta(days=2)
ALREADY_SENT = "That form was already sent, so nothing was added twice. This is what it added."


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
    if earlier is None:
        db.session.add(FormSubmission(token=token))
        try:
            db.session.flush()
            return None
        except IntegrityError:  # a twin request claimed it a moment ago
            db.session.rollback()
            earlier = db.session.get(FormSubmission, token)
    if say:
        flash(ALREADY_SENT, "info")
    return redirect(earlier.result or request.path)


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

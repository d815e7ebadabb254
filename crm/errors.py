"""Friendly error pages (JSON under /api); a 500 rolls back the failed transaction."""

from __future__ import annotations

import re

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from crm.dates import DateOutOfRange
from crm.extensions import db

MESSAGES = {
    400: "The request could not be understood. Please check what you entered and try again.",
    403: "You do not have permission to see this page.",
    404: "We could not find that page or record.",
    405: "That action is not available here.",
    409: "Someone else changed this record while you were working on it.",
    413: "That upload is too large.",
    429: "Too many attempts. Please wait a little and try again.",
    500: "Something went wrong on our side. Nothing you entered was saved; please try again.",
}


def limit_in_words(description: str) -> str:
    """Flask-Limiter's "5 per 1 hour" as a person says it: "5 an hour"."""
    found = re.fullmatch(r"(\d+) per (\d+) (\w+?)s?", description.strip())
    if not found:
        return description
    count, every, unit = found.groups()
    if every == "1":
        return f"{count} {'an' if unit == 'hour' else 'a'} {unit}"
    return f"{count} every {every} {unit}s"


def _respond(code: int, message: str):
    if request.path.startswith("/api/"):
        return jsonify({"error": message, "status": code}), code
    return render_template("errors/error.html", code=code, message=message), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _respond(
            400,
            "Your form expired or was sent from elsewhere. "
            "Please go back, reload the page and try again.",
        )

    @app.errorhandler(StaleDataError)
    def stale(error: StaleDataError):
        db.session.rollback()
        return _respond(
            409,
            "Someone else saved this record at the same moment, so your change was not "
            "saved. Go back, reload the page to see theirs, and make your change again.",
        )

    @app.errorhandler(413)
    def too_large(error: HTTPException):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return _respond(
            413,
            f"That upload is too large: files up to {limit} MB can be uploaded (a "
            "100,000-row tracker is about 15 MB). Nothing was saved. Split the file, or "
            "save it as .xlsx, which is smaller than CSV.",
        )

    @app.errorhandler(429)
    def too_many(error: HTTPException):
        limit = limit_in_words(str(error.description))
        return _respond(
            429,
            f"Too many attempts from your network address: the limit is {limit}. "
            "Please wait a little and try again.",
        )

    @app.errorhandler(DateOutOfRange)
    def date_out_of_range(error: DateOutOfRange):
        return _respond(400, str(error.description))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code >= 500:
            db.session.rollback()
        return _respond(code, MESSAGES.get(code, error.description or "Error"))

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _respond(500, MESSAGES[500])

    app.register_error_handler(InternalServerError, http_error)

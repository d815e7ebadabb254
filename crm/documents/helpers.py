"""What the case and household pages show of documents (their lists and letters)."""

from __future__ import annotations

from flask import current_app, url_for

from crm.documents import bp
from crm.documents.services import documents_of, megabytes
from crm.extensions import db


@bp.app_template_global()
def documents_on(case=None, household=None) -> list:
    """A case's or a household's documents, newest first."""
    return db.session.scalars(
        documents_of(
            case_ids=[case.id] if case is not None else None,
            household_ids=[household.id] if household is not None else None,
        )
    ).all()


@bp.app_template_global()
def case_letters(case) -> list[tuple[str, str]]:
    from crm.documents.letters import CASE_LETTERS

    return [
        (k.label, url_for("documents.case_letter", case_id=case.id, kind=k.value))
        for k in CASE_LETTERS
    ]


@bp.app_template_global()
def household_letters(household) -> list[tuple[str, str]]:
    from crm.documents.letters import HOUSEHOLD_LETTERS

    return [
        (k.label, url_for("documents.household_letter", household_id=household.id, kind=k.value))
        for k in HOUSEHOLD_LETTERS
    ]


@bp.app_template_global()
def max_document_size() -> str:
    return megabytes(current_app.config["DOCUMENT_MAX_BYTES"])

"""Carers' resignations taking effect: 28 days from the day their notice was received
(reg 28(13)), each household is deregistered on that day."""

from __future__ import annotations

from datetime import date

from crm.models.resignation import apply_due


def apply_resignations(as_of: date, **_: object) -> dict:
    """Deregister every household whose notice has taken effect by `as_of`, on its
    effective day. Does not commit (the runner does)."""
    return apply_due(as_of)

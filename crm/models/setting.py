"""Administrator-set values that override the defaults in crm.domain.settings, and the
one place they are loaded and saved."""

from __future__ import annotations

from dataclasses import fields, replace

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.domain.settings import Settings
from crm.extensions import db
from crm.request_cache import read_once


class Setting(db.Model):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[int]

    __audit_label__ = "key"


def load_settings() -> Settings:
    """The settings in force: stored values over the defaults (read once a request)."""
    return read_once(Setting, "in force", _settings_stored)


def _settings_stored() -> Settings:
    stored = {row.key: row.value for row in db.session.scalars(sa.select(Setting))}
    known = {f.name for f in fields(Settings)}
    return replace(Settings(), **{k: int(v) for k, v in stored.items() if k in known})


def save_settings(values: dict[str, int]) -> None:
    """Store changed settings (the caller commits; the audit log records the change)."""
    for key, value in values.items():
        row = db.session.get(Setting, key)
        if row is None:
            db.session.add(Setting(key=key, value=int(value)))
        elif row.value != int(value):
            row.value = int(value)


#: Stored by `flask seed-demo`, so screens can warn that figures come from made-up data.
DEMO_SERVICE_KEY = "demo_service"


def is_demo_service() -> bool:
    """True when the database holds `flask seed-demo` data."""
    return db.session.get(Setting, DEMO_SERVICE_KEY) is not None


def mark_demo_service() -> None:
    if not is_demo_service():
        db.session.add(Setting(key=DEMO_SERVICE_KEY, value=1))

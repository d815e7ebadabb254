"""A page reads the council's sources and settings once, however often it names them,
and never shows a value older than one it has just saved."""

from __future__ import annotations

import sqlalchemy as sa

from crm.enquiry_sources import source_label
from crm.models import EnquirySource
from crm.models.setting import load_settings, save_settings
from tests.database import counted


def test_a_request_reads_the_sources_once(app, db):
    with app.test_request_context("/"), counted(db.engine) as statements:
        labels = [source_label("website"), source_label("event"), source_label("website")]
    assert labels[0] == labels[2] and labels[0] != "website"
    assert len(statements) == 1


def test_a_source_renamed_in_the_request_is_read_again(app, db):
    with app.test_request_context("/"):
        before = source_label("website")
        source = db.session.scalars(
            sa.select(EnquirySource).where(EnquirySource.code == "website")
        ).one()
        source.label = "Our website"
        db.session.flush()
        assert before != "Our website"
        assert source_label("website") == "Our website"


def test_outside_a_request_every_call_reads_afresh(app, db):
    with counted(db.engine) as statements:
        source_label("website")
        source_label("website")
    assert len(statements) == 2


def test_settings_saved_in_the_request_are_the_ones_in_force(app, db):
    with app.test_request_context("/"):
        target = load_settings().first_contact_target_working_days
        save_settings({"first_contact_target_working_days": target + 3})
        db.session.flush()
        assert load_settings().first_contact_target_working_days == target + 3

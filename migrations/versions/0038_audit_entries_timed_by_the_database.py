"""Audit entries timed by the database, and erasures recorded with a keyed seal

`audit_events.at` takes the database's clock when an entry is written (the
application no longer supplies it), so the chain can refuse an entry whose time
predates the entries already sealed.

An entry reading as erased now verifies only under a recorded erasure of its
record (crm/audit_chain.py). Entries erased before this upgrade have none, so
one is written for each record they are about, sealed with the app's key: the
upgrade takes those erasures on as Hearth's own, as they cannot be told apart.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07 13:20:00

"""
import hashlib
import hmac

from alembic import op
import sqlalchemy as sa
from flask import current_app


revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None

DATABASE_NOW = {
    'postgresql': "timezone('utc', clock_timestamp())",
    'sqlite': "(strftime('%Y-%m-%d %H:%M:%f000', 'now'))",
}
ERASED_SUMMARY = '(personal data removed)'
ERASURE_SUMMARY = "personal data removed from this record's earlier audit entries (before 0035)"

audit_events = sa.table(
    'audit_events',
    sa.column('id', sa.Integer),
    sa.column('actor', sa.String),
    sa.column('action', sa.String),
    sa.column('entity_type', sa.String),
    sa.column('entity_id', sa.String),
    sa.column('summary', sa.String),
    sa.column('changes', sa.JSON),
)


def _set_default(default):
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        with op.batch_alter_table(
            'audit_events', recreate='always', table_kwargs={'sqlite_autoincrement': True}
        ) as batch_op:
            batch_op.alter_column('at', server_default=default and sa.text(default))
    else:
        op.alter_column('audit_events', 'at', server_default=default and sa.text(default))


def _record_earlier_erasures():
    config = current_app.config
    key = (config.get('AUDIT_CHAIN_KEY') or config['SECRET_KEY']).encode()
    t = audit_events.c
    erased = op.get_bind().execute(
        sa.select(t.entity_type, t.entity_id, sa.func.max(t.id))
        .where(t.summary == ERASED_SUMMARY, t.changes.is_(None), t.action != 'erased')
        .group_by(t.entity_type, t.entity_id)
    ).all()
    rows = []
    for entity_type, entity_id, through in erased:
        message = f'erasure\n{entity_type}\n{entity_id}\n{through}'.encode()
        seal = hmac.new(key, message, hashlib.sha256).hexdigest()
        rows.append({
            'actor': 'migration:0035', 'action': 'erased', 'entity_type': entity_type,
            'entity_id': entity_id, 'summary': ERASURE_SUMMARY,
            'changes': {'through_entry': through, 'seal': seal},
        })
    if rows:
        op.bulk_insert(audit_events, rows)


def upgrade():
    _set_default(DATABASE_NOW[op.get_bind().dialect.name])
    _record_earlier_erasures()


def downgrade():
    # The erasure entries stay: the audit trail is append-only.
    _set_default(None)

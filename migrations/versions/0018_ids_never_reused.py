"""Ids never reused on SQLite (AUTOINCREMENT), so an erased case's id and audit trail
never pass to the next enquiry

SQLite gives a new row the highest id + 1, so deleting the newest row handed its id
to the next one. Each table with an integer key is rebuilt with AUTOINCREMENT, which
remembers the highest id ever given. PostgreSQL's sequences never go back: nothing
to do there.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-23 18:05:00

"""
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

TABLES = [
    'activities', 'approval_targets', 'approval_terms', 'audit_events', 'campaigns',
    'carer_events', 'carers', 'cases', 'checks', 'enquiry_sources', 'flags',
    'household_breaks', 'household_members', 'households', 'job_runs', 'metrics_snapshots',
    'notifications', 'placements', 'recovery_codes', 'residents', 'risk_models',
    'risk_scores', 'sign_in_throttles', 'stage_events', 'temporary_approvals',
    'unavailable_places', 'user_roles', 'users',
]


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for name in TABLES:
        with op.batch_alter_table(
            name, recreate='always', table_kwargs={'sqlite_autoincrement': autoincrement}
        ):
            pass


def upgrade():
    _rebuild(True)


def downgrade():
    _rebuild(False)

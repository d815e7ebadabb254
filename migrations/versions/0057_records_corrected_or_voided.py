"""records corrected or voided: stage steps, activities, carer events and placements

A record entered wrongly is corrected (the reason kept on the row, so the audit entry of
the change holds old value, new value and why) or voided (kept, with who voided it, when
and why; out of every figure). The household's duties read its live events from
ix_carer_events_household_kind alone, so voided_at joins that index.

Revision ID: 0057
Revises: 0056
Create Date: 2026-12-07 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0057'
down_revision = '0056'
branch_labels = None
depends_on = None

TABLES = ('activities', 'carer_events', 'placements', 'stage_events')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('voided_at', sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column('void_reason', sa.Text(), nullable=True))
            batch_op.add_column(sa.Column('correction_reason', sa.Text(), nullable=True))
            batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_voided_by_id_users'), 'users', ['voided_by_id'], ['id']
            )
    with op.batch_alter_table('carer_events', schema=None) as batch_op:
        batch_op.drop_index('ix_carer_events_household_kind')
        batch_op.create_index(
            'ix_carer_events_household_kind',
            ['household_id', 'kind', 'occurred_on', 'voided_at'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('carer_events', schema=None) as batch_op:
        batch_op.drop_index('ix_carer_events_household_kind')
        batch_op.create_index(
            'ix_carer_events_household_kind', ['household_id', 'kind', 'occurred_on'], unique=False
        )
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_voided_by_id_users'), type_='foreignkey')
            batch_op.drop_column('voided_by_id')
            batch_op.drop_column('correction_reason')
            batch_op.drop_column('void_reason')
            batch_op.drop_column('voided_at')

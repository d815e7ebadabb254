"""order assessments of connected persons: special guardianship or child arrangements

A connected person's assessment for a special guardianship order (Children Act 1989,
s.14A) or a child arrangements order (s.8), with its outcome, the day it was decided and
the day the court made the order (order_assessments). An order made closes the fostering
case as withdrawn by the service with the reason "order_made" (not an AW code), or
deregisters the household with the good-outcome reason. Issue 33, item 6.

Revision ID: 0067
Revises: 0066
Create Date: 2026-12-07 19:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0067'
down_revision = '0066'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('order_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('order', sa.Enum('special_guardianship', 'child_arrangements', name='orderkind', native_enum=False, length=30), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.Enum('made', 'not_made', 'withdrawn', name='orderoutcome', native_enum=False, length=20), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('order_made_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_order_assessments_case_id_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_order_assessments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_assessments')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('order_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_assessments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_assessments_order_made_on'), ['order_made_on'], unique=False)


def downgrade():
    with op.batch_alter_table('order_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_assessments_order_made_on'))
        batch_op.drop_index(batch_op.f('ix_order_assessments_case_id'))

    op.drop_table('order_assessments')

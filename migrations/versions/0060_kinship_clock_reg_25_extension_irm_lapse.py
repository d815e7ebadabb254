"""the kinship clock (Care Planning Regulations 2010, reg 25) and duties from placement

A temporary approval records, before its one extension, when the fostering panel's views
were sought and the child's IRO informed (reg 25(4)); the connected person's application
to the IRM about a qualifying determination and the day its outcome was known, between
which the approval continues (reg 25(1)(b) and (3)); and, after a lapse without a
decision, what happened to the child's placement and when (reg 25(6)). A household that
was temporarily approved keeps the day the named child moved in (temporary_placed_on),
from which its supervision and TSD duties run. Existing rows: all empty (no record of
them was kept). Issue 33, items 3 to 5.

Revision ID: 0060
Revises: 0059
Create Date: 2026-12-07 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0060'
down_revision = '0059'
branch_labels = None
depends_on = None

AFTER_LAPSE = (
    'ended', 'approved_foster_parent', 'child_arrangements', 'special_guardianship',
    'placed_with_parent', 'other_carers',
)


def upgrade():
    with op.batch_alter_table('temporary_approvals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('panel_views_sought_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('iro_informed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('irm_applied_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('irm_outcome_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('lapse_outcome', sa.Enum(*AFTER_LAPSE, name='afterlapse', native_enum=False, length=30), nullable=True))
        batch_op.add_column(sa.Column('lapse_outcome_on', sa.Date(), nullable=True))
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('temporary_placed_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_column('temporary_placed_on')
    with op.batch_alter_table('temporary_approvals', schema=None) as batch_op:
        batch_op.drop_column('lapse_outcome_on')
        batch_op.drop_column('lapse_outcome')
        batch_op.drop_column('irm_outcome_on')
        batch_op.drop_column('irm_applied_on')
        batch_op.drop_column('iro_informed_on')
        batch_op.drop_column('panel_views_sought_on')

"""placements record the child's date of birth

A placement's child is counted in the sufficiency table's age band by their age on the
day: from their date of birth where held, else from their age when it started.

Revision ID: 0051
Revises: 0050
Create Date: 2026-12-07 16:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0051'
down_revision = '0050'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_birth_date', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_column('child_birth_date')

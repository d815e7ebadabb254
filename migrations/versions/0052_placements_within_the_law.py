"""placements within the law: their basis, emergency and exemption

Each placement records what made it lawful (crm/domain/placements.py): within the terms
of approval, an emergency placement outside them (Care Planning Regulations 2010,
reg 23: who agreed, when, its last day), an exemption from the usual fostering limit
(Children Act 1989, Sch. 7 para 4: who granted it, when, the children it names), or
imported history outside the terms, kept and marked. Its kind of care and sibling group
are what the terms and the limit are judged on. Placements already held keep a NULL
basis: Hearth did not record one when they were made, and guessing would be worse.

Revision ID: 0052
Revises: 0051
Create Date: 2026-12-07 16:03:30.041970

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0052'
down_revision = '0051'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('care_kind', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('sibling_group', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('basis', sa.Enum('within_terms', 'emergency', 'exemption', 'imported_outside_terms', name='placementbasis', native_enum=False, length=30), nullable=True))
        batch_op.add_column(sa.Column('outside_terms', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('emergency_agreed_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('emergency_agreed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('emergency_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('exemption_granted_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('exemption_granted_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('exemption_children', sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_column('exemption_children')
        batch_op.drop_column('exemption_granted_on')
        batch_op.drop_column('exemption_granted_by')
        batch_op.drop_column('emergency_until')
        batch_op.drop_column('emergency_agreed_on')
        batch_op.drop_column('emergency_agreed_by')
        batch_op.drop_column('outside_terms')
        batch_op.drop_column('basis')
        batch_op.drop_column('sibling_group')
        batch_op.drop_column('care_kind')

"""bedrooms and postcode district centroids

Matching weighs a household's bedrooms for fostered children (NMS 10.6), and how far a
household lives from a child's home and school by the centroids of postcode districts
a council loads once from the ONS's open data (`flask places load-districts`).

Revision ID: 0053
Revises: 0052
Create Date: 2026-12-07 16:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0053'
down_revision = '0052'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'postcode_districts',
        sa.Column('district', sa.String(length=4), nullable=False),
        sa.Column('latitude', sa.Float(), nullable=False),
        sa.Column('longitude', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('district', name=op.f('pk_postcode_districts')),
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bedrooms', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_column('bedrooms')
    op.drop_table('postcode_districts')

"""a council's tracker layout remembered by the fingerprint of its header row

The mapping step (issue 32, item 4) says which of a council's columns is which of
Hearth's and what its words mean; the next upload of the same layout goes straight to
its preview, and `flask import-tracker` reads it the same way.

Revision ID: 0050
Revises: 0049
Create Date: 2026-12-07 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0050'
down_revision = '0049'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'tracker_layouts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('headers', sa.JSON(), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('saved_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tracker_layouts')),
        sa.UniqueConstraint('fingerprint', name=op.f('uq_tracker_layouts_fingerprint')),
    )


def downgrade():
    op.drop_table('tracker_layouts')

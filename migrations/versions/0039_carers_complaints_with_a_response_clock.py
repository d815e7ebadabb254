"""carers' complaints: who complained, about what, the outcome and when it was answered

Each complaint points at the complaint event it adds to the household's history (which
the retention model and the carer-events export count); the 28-day response clock reads
the unanswered ones by `ix_complaints_unanswered`.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-07 14:01:27.313987

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('complainant', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Enum('upheld', 'partly_upheld', 'not_upheld', 'withdrawn', name='complaintoutcome', native_enum=False, length=20), nullable=True),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['carer_events.id'], name=op.f('fk_complaints_event_id_carer_events')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_complaints_household_id_households')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_complaints_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('event_id', name=op.f('uq_complaints_event_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_complaints_unanswered', ['responded_on', 'received_on'], unique=False)


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_unanswered')
        batch_op.drop_index(batch_op.f('ix_complaints_household_id'))

    op.drop_table('complaints')

"""connected persons referred by the child's social worker and their viability assessments

A kinship case now starts from the child's social worker's referral (kinship_referrals:
the child by reference only, the connected person's relationship, the urgency) instead
of an enquiry; cases.route caches which (existing cases were all enquiries). A referred
connected person's viability assessment is recorded with its outcome, date, worker and
the route it leads to, with the proposed accommodation seen and the child's welfare
considered, two of the things reg 24(2) asks before a temporary approval
(viability_assessments). Issue 33, items 1 to 3.

Revision ID: 0058
Revises: 0057
Create Date: 2026-12-07 17:39:17.496349

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0058'
down_revision = '0057'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kinship_referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('social_worker', sa.String(length=120), nullable=False),
    sa.Column('social_worker_contact', sa.String(length=254), nullable=True),
    sa.Column('child_reference', sa.String(length=80), nullable=False),
    sa.Column('connection', sa.String(length=80), nullable=False),
    sa.Column('urgency', sa.Enum('immediate', 'urgent', 'planned', name='referralurgency', native_enum=False, length=20), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_kinship_referrals_case_id_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_kinship_referrals_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kinship_referrals')),
    sa.UniqueConstraint('case_id', name=op.f('uq_kinship_referrals_case_id')),
    sqlite_autoincrement=True
    )
    op.create_table('viability_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('positive', 'negative', 'withdrawn', name='viabilityoutcome', native_enum=False, length=20), nullable=False),
    sa.Column('leads_to', sa.Enum('temporary_approval', 'full_assessment', 'special_guardianship', 'child_arrangements', name='viabilityroute', native_enum=False, length=30), nullable=True),
    sa.Column('accommodation_seen_on', sa.Date(), nullable=True),
    sa.Column('welfare_considered', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_viability_assessments_case_id_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_viability_assessments_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['worker_id'], ['users.id'], name=op.f('fk_viability_assessments_worker_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_viability_assessments')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('viability_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_viability_assessments_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('route', sa.Enum('enquiry', 'referral', name='caseroute', native_enum=False, length=20), server_default='enquiry', nullable=False))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('route')

    with op.batch_alter_table('viability_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_viability_assessments_case_id'))

    op.drop_table('viability_assessments')
    op.drop_table('kinship_referrals')

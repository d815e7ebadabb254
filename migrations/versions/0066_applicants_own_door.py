"""the applicant's own door: one-time sign-in links, the sections they fill in, messages

An applicant signs in with a one-time link (or its code) sent to the case's email:
door_links keeps only the SHA-256 digests of the token and the code, with when it
expires and when it was used. door_sections holds what they typed in each section of
their application and when they marked it complete; door_messages the messages between
them and the service. Issue 35, items 1 and 2.

Revision ID: 0066
Revises: 0065
Create Date: 2026-12-07 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0066'
down_revision = '0065'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('door_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_door_links_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_door_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_door_links_token_hash')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('door_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_door_links_case_id'), ['case_id'], unique=False)

    op.create_table('door_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=40), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_door_sections_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_door_sections')),
    sa.UniqueConstraint('case_id', 'section', name=op.f('uq_door_sections_case_id')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('door_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_door_sections_case_id'), ['case_id'], unique=False)

    op.create_table('door_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_applicant', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_door_messages_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_door_messages_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_door_messages')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('door_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_door_messages_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('door_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_door_messages_case_id'))
    op.drop_table('door_messages')
    with op.batch_alter_table('door_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_door_sections_case_id'))
    op.drop_table('door_sections')
    with op.batch_alter_table('door_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_door_links_case_id'))
    op.drop_table('door_links')
